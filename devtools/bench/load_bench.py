"""Incident-day load: N residents over REST and SMS holding real conversations for a fixed time.

Why: rest_load measures latency of one short script; this answers "does it hold up" — every
resident asks about a service, worries about their data and asks for a person with contact
details, over REST or by SMS (signed webhooks, replies counted where they arrive: the fake
Twilio API). Afterwards it checks that every message got a reply and every escalation is in the
database exactly once (0 lost, 0 duplicate cases), because throughput that loses cases is no
throughput at all.

Targets: the single-machine stack (devtools.devstack: one Rasa server, SQLite) always; the scaled
topology (devtools.scaled: nginx, two Rasa servers, PostgreSQL, Redis) when RUN_SCALED=1, with the
throughput ratio; and a stock `rasa init` bot over REST as a baseline when
LOAD_BENCH_BASELINE=1 (it trains a model first: minutes), together with the single machine
over REST only, like for like with it (SMS residents also wait SMS_QUIET after each answer and
cost the server webhooks, delivery and status callbacks, so the mixed figure is lower).
Every loop is bounded by the duration and per-request timeouts. SMS latency is from the
webhook until the next text reaches the fake API; a resident texts again once no text came
for SMS_QUIET seconds, so under saturation a late part of the previous answer can count as
the reply (the figure is then optimistic).
Run: `python -m devtools.bench.load_bench [--duration 60] [--residents 50] [--scaled] [--baseline]`.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import select

from bot.db.engine import session_scope
from bot.db.models import Case, SmsConversation
from devtools.scaled.residents import Reply, Target, say, target_from_stack, text

SCRIPT = (
    "is the tip open in westminster",
    "is my personal data safe after the hack",
    "can i talk to a real person please",
    "w10 6el, 07700 900118 after 6pm",
    "skip",
)
EXTRA_SKIPS = 2  # the form may ask one or two more questions before it submits
REFERENCE = re.compile(r"\b[A-Z]{2}-[A-Z0-9]{4}-[A-Z0-9]{4}\b")
SMS_SHARE = 0.5
THINK_SECONDS = 1.0
SMS_REPLY_TIMEOUT = 60.0
SMS_QUIET = 2.0  # a turn's replies are done when no text came for this long
DRAIN_QUIET = 10.0
DRAIN_LIMIT = 180.0
POLL = 0.25
PARSE_WORKER_WAIT = 180.0


# --- one conversation -----------------------------------------------------------------------


@dataclass
class Conversation:
    channel: str
    key: str  # REST sender or SMS phone number
    sent: int = 0
    answered: int = 0
    errors: int = 0
    latencies: list[float] = field(default_factory=list)
    acks: list[float] = field(default_factory=list)
    submitted: bool = False
    reference: str | None = None


class PhoneBook:
    """Unique phone numbers for one run (sequential from a random start; thread-safe)."""

    def __init__(self) -> None:
        self._next = random.randrange(10**7, 9 * 10**7)
        self._lock = threading.Lock()

    def take(self) -> str:
        with self._lock:
            self._next += 1
            return f"+4477{self._next:08d}"


def _fake_count(session: requests.Session, target: Target, phone: str) -> int:
    response = session.get(f"{target.twilio_url}/_fake/messages", params={"to": phone},
                           timeout=30)
    response.raise_for_status()
    return len(response.json())


def _sms_turn(target: Target, session: requests.Session, conv: Conversation, body: str,
              seen: int) -> tuple[Reply, int, str]:
    """Send one SMS, wait for its replies to settle; (ack, texts now, new text joined)."""
    ack = text(target, conv.key, body, session=session)
    conv.acks.append(ack.seconds)
    if not ack.ok:
        return ack, seen, ""
    started, deadline = time.perf_counter() - ack.seconds, time.monotonic() + SMS_REPLY_TIMEOUT
    count, first, changed = seen, None, time.monotonic()
    while time.monotonic() < deadline:
        now_count = _fake_count(session, target, conv.key)
        if now_count != count:
            count, changed = now_count, time.monotonic()
            first = first or time.perf_counter() - started
        elif first is not None and time.monotonic() - changed >= SMS_QUIET:
            break
        time.sleep(POLL)
    if first is None:
        return Reply(ack.status, [], ack.seconds, ack.instance, "no reply"), count, ""
    replies = session.get(f"{target.twilio_url}/_fake/messages", params={"to": conv.key},
                          timeout=30).json()[seen:]
    joined = " ".join(m["body"] for m in replies)
    return Reply(200, [{"text": joined}], first, ack.instance), count, joined


def _rest_turn(target: Target, session: requests.Session, conv: Conversation,
               body: str) -> tuple[Reply, str]:
    reply = say(target, conv.key, body, session=session, timeout=120)
    if reply.ok and not reply.messages:
        reply = Reply(reply.status, [], reply.seconds, reply.instance, "empty reply")
    return reply, reply.text


def hold_conversation(target: Target, conv: Conversation, deadline: float,
                      think: float) -> Conversation:
    """The script, then extra "skip"s until a reference arrives; stops at the deadline."""
    session = requests.Session()
    seen = 0
    turns = list(SCRIPT) + ["skip"] * EXTRA_SKIPS
    for index, body in enumerate(turns):
        if time.monotonic() >= deadline or (index >= len(SCRIPT) and conv.reference):
            break
        if conv.channel == "sms":
            reply, seen, said = _sms_turn(target, session, conv, body, seen)
        else:
            reply, said = _rest_turn(target, session, conv, body)
        conv.sent += 1
        conv.submitted = conv.submitted or index >= len(SCRIPT) - 1
        if reply.ok:
            conv.answered += 1
            conv.latencies.append(reply.seconds)
        else:
            conv.errors += 1
        found = REFERENCE.search(said)
        conv.reference = conv.reference or (found.group(0) if found else None)
        conv.submitted = conv.submitted or conv.reference is not None
        time.sleep(think * random.uniform(0.5, 1.5))
    session.close()
    return conv


# --- many residents ---------------------------------------------------------------------------


def _resident(target: Target, channel: str, deadline: float, think: float, phones: PhoneBook,
              sink: list[Conversation], lock: threading.Lock) -> None:
    while time.monotonic() < deadline:
        key = phones.take() if channel == "sms" else f"load-{random.getrandbits(48):012x}"
        conv = hold_conversation(target, Conversation(channel, key), deadline, think)
        with lock:
            sink.append(conv)


def drive(target: Target, duration_s: float, residents: int, sms_share: float = SMS_SHARE,
          think: float = THINK_SECONDS) -> tuple[list[Conversation], float]:
    """Run `residents` residents for `duration_s`; returns conversations and wall seconds."""
    sms_residents = round(residents * sms_share)
    channels = ["sms"] * sms_residents + ["rest"] * (residents - sms_residents)
    phones, sink, lock = PhoneBook(), [], threading.Lock()
    started = time.monotonic()
    deadline = started + duration_s
    with ThreadPoolExecutor(max_workers=residents) as pool:
        futures = [pool.submit(_resident, target, ch, deadline, think, phones, sink, lock)
                   for ch in channels]
        for future in futures:
            future.result(timeout=duration_s + 600)
    return sink, time.monotonic() - started


# --- checking the database ------------------------------------------------------------------


def _conversation_ids(target: Target, conversations: list[Conversation]) -> dict[str, str]:
    """conversation key (sender or phone) -> Rasa conversation id."""
    ids = {c.key: c.key for c in conversations if c.channel == "rest"}
    phones = [c.key for c in conversations if c.channel == "sms"]
    if phones:
        with session_scope(target.database_url) as session:
            rows = session.execute(select(SmsConversation.phone, SmsConversation.conversation_id)
                                   .where(SmsConversation.phone.in_(phones)))
            ids.update({phone: cid for phone, cid in rows})
    return ids


def check_cases(target: Target, conversations: list[Conversation]) -> dict[str, Any]:
    """Every submitted escalation has exactly one submitted case with the reference it was told."""
    ids = _conversation_ids(target, conversations)
    submitted = [c for c in conversations if c.submitted]
    counts: dict[str, Any] = {"escalations": len(submitted), "with_reference": 0, "lost": 0,
                              "duplicates": 0, "reference_mismatch": 0, "lost_examples": []}
    with session_scope(target.database_url) as session:
        for conv in submitted:
            cid = ids.get(conv.key)
            cases = [] if cid is None else list(session.execute(
                select(Case).where(Case.conversation_id == cid)).scalars())
            counts["duplicates"] += len(cases) > 1
            landed = [case for case in cases if case.submitted]
            counts["lost"] += not landed
            if not landed and len(counts["lost_examples"]) < 5:
                counts["lost_examples"].append(cid or conv.key)
            counts["with_reference"] += conv.reference is not None
            if conv.reference and conv.reference not in {case.reference for case in cases}:
                counts["reference_mismatch"] += 1
    return counts


# --- figures ----------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _latency_ms(values: list[float]) -> dict[str, float]:
    return {f"p{int(q * 100)}_ms": percentile(values, q) * 1000 for q in (0.5, 0.95, 0.99)}


def summarise(name: str, conversations: list[Conversation], wall_s: float,
              cases: dict[str, Any] | None) -> dict[str, Any]:
    result: dict[str, Any] = {"target": name, "wall_s": wall_s,
                              "conversations": len(conversations)}
    for channel in ("rest", "sms"):
        convs = [c for c in conversations if c.channel == channel]
        if not convs:
            continue
        result[channel] = {
            "messages": sum(c.sent for c in convs),
            "answered": sum(c.answered for c in convs),
            "errors": sum(c.errors for c in convs),
            **_latency_ms([x for c in convs for x in c.latencies]),
        }
        if channel == "sms":
            result[channel]["ack"] = _latency_ms([x for c in convs for x in c.acks])
    answered = sum(c.answered for c in conversations)
    result["throughput_msg_s"] = answered / wall_s if wall_s else 0.0
    result["unanswered"] = sum(c.sent - c.answered for c in conversations)
    result["cases"] = cases
    return result


def wait_for_drain(target: Target) -> float:
    """Wait until the fake Twilio API got no text for DRAIN_QUIET s; returns seconds waited.

    Under saturation an SMS resident may text again before the previous turn's last part
    arrived; the channel queues those turns, so they (and the cases they submit) land after the
    residents stop. Checking before they drain would report cases as lost that are on their way.
    """
    started = time.monotonic()
    count, changed = -1, time.monotonic()
    while time.monotonic() - started < DRAIN_LIMIT:
        now = len(requests.get(f"{target.twilio_url}/_fake/messages", timeout=30).json())
        if now != count:
            count, changed = now, time.monotonic()
        elif time.monotonic() - changed >= DRAIN_QUIET:
            break
        time.sleep(1.0)
    return time.monotonic() - started


def _wait_for_parse_worker(target: Target, limit_s: float = PARSE_WORKER_WAIT) -> None:
    """Measure the steady state: wait while the Rasa server's NLU worker is still loading
    (its /readyz says "starting"); a server without one (the stock bot) answers 404."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        try:
            reply = requests.get(f"{target.api_url or target.base_url}/readyz", timeout=10)
            if reply.status_code == 404 or reply.json().get("nlu_worker") != "starting":
                return
        except (requests.RequestException, ValueError):
            return
        time.sleep(POLL)


def bench_target(target: Target, duration_s: float, residents: int, sms_share: float,
                 think: float, check: bool = True) -> dict[str, Any]:
    warm = say(target, "load-warmup", "hi", timeout=120)
    if not warm.ok:
        raise RuntimeError(f"{target.name} does not answer: {warm}")
    _wait_for_parse_worker(target)
    conversations, wall = drive(target, duration_s, residents, sms_share, think)
    drained = wait_for_drain(target) if sms_share > 0 else 0.0
    cases = check_cases(target, conversations) if check else None
    result = summarise(target.name, conversations, wall, cases)
    result["drain_s"] = drained
    return result


# --- the three deployments ------------------------------------------------------------------


def single_machine(duration_s: float, residents: int, think: float,
                   sms_share: float = SMS_SHARE) -> dict[str, Any]:
    from devtools.devstack import start_stack

    started = time.perf_counter()
    stack = start_stack()
    try:
        ready = time.perf_counter() - started
        result = bench_target(target_from_stack(stack), duration_s, residents, sms_share, think)
        result["start_s"] = ready
        return result
    finally:
        stack.close(remove_files=True)


def scaled(duration_s: float, residents: int, think: float) -> dict[str, Any]:
    from devtools.scaled.residents import target_from_topology
    from devtools.scaled.topology import Topology

    topology = Topology()
    was_up = topology.is_up()
    started = time.perf_counter()
    if not was_up:
        topology.up(log=False)
    try:
        result = bench_target(target_from_topology(topology), duration_s, residents, SMS_SHARE,
                              think)
        result["start_s"] = 0.0 if was_up else time.perf_counter() - started
        return result
    finally:
        if not was_up:
            topology.down()


def stock_rasa(duration_s: float, residents: int, think: float) -> dict[str, Any]:
    """`rasa init --no-prompt` (trains the moodbot), `rasa run`, REST residents only."""
    from devtools.devstack import VENV_BIN, free_port, wait_for

    workdir = Path(tempfile.mkdtemp(prefix="stock-rasa-"))
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}
    started = time.perf_counter()
    process = None
    try:
        subprocess.run([str(VENV_BIN / "rasa"), "init", "--no-prompt", "--init-dir",
                        str(workdir)], cwd=workdir, env=env, capture_output=True, timeout=1800,
                       check=True)
        trained = time.perf_counter() - started
        port, log = free_port(), workdir / "rasa.log"
        with log.open("ab") as output:
            process = subprocess.Popen(
                [str(VENV_BIN / "rasa"), "run", "--port", str(port), "--interface", "127.0.0.1"],
                cwd=workdir, env=env, stdout=output, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        wait_for(f"{url}/", 300, process, log)
        target = Target("stock rasa init", url, url, "", "", "", "")
        result = bench_target(target, duration_s, residents, 0.0, think, check=False)
        result["init_and_train_s"] = trained
        return result
    finally:
        if process is not None:
            process.terminate()
            process.wait(30)
        shutil.rmtree(workdir, ignore_errors=True)


def _flag(name: str) -> bool:
    return os.environ.get(name) == "1"


def _attempt(label: str, job: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    try:
        return job()
    except Exception as error:  # a benchmark reports a failed target; it does not crash
        return {"target": label, "failed": f"{type(error).__name__}: {error}"[:500]}


def run(duration_s: float = 60, residents: int = 50, think: float = THINK_SECONDS,
        with_scaled: bool | None = None, with_baseline: bool | None = None) -> dict[str, Any]:
    with_scaled = _flag("RUN_SCALED") if with_scaled is None else with_scaled
    with_baseline = _flag("LOAD_BENCH_BASELINE") if with_baseline is None else with_baseline
    results: dict[str, Any] = {"duration_s": duration_s, "residents": residents,
                               "think_s": think, "cpus": os.cpu_count()}
    results["single"] = _attempt("single", lambda: single_machine(duration_s, residents, think))
    if with_scaled:
        results["scaled"] = _attempt("scaled", lambda: scaled(duration_s, residents, think))
        base = results["single"].get("throughput_msg_s")
        if base and "throughput_msg_s" in results["scaled"]:
            results["scaled_to_single"] = results["scaled"]["throughput_msg_s"] / base
    if with_baseline:
        # like for like with the stock bot, which is measured over REST only
        results["single_rest"] = _attempt("single, REST only", lambda: single_machine(
            duration_s, residents, think, sms_share=0.0))
        results["single_rest"]["target"] = "single, REST only"
        results["baseline"] = _attempt(
            "stock rasa init", lambda: stock_rasa(duration_s, residents, think))
    return results


# --- printing ---------------------------------------------------------------------------------


def _format_target(result: dict[str, Any]) -> list[str]:
    if "failed" in result:
        return [f"{result['target']}: FAILED {result['failed']}"]
    lines = [f"{result['target']}: {result['conversations']} conversations in "
             f"{result['wall_s']:.0f} s, {result['throughput_msg_s']:.2f} answered msg/s, "
             f"{result['unanswered']} unanswered"]
    for channel in ("rest", "sms"):
        r = result.get(channel)
        if not r:
            continue
        label = "reply" if channel == "rest" else "first reply at fake Twilio"
        lines.append(
            f"  {channel:4} {r['messages']} msgs, {r['errors']} errors; {label} p50 "
            f"{r['p50_ms']:.0f} ms, p95 {r['p95_ms']:.0f} ms, p99 {r['p99_ms']:.0f} ms")
        if "ack" in r:
            lines.append(f"       webhook ack p50 {r['ack']['p50_ms']:.0f} ms, "
                         f"p99 {r['ack']['p99_ms']:.0f} ms")
    cases = result.get("cases")
    if cases:
        lines.append(
            f"  escalations {cases['escalations']} ({cases['with_reference']} told a reference): "
            f"lost {cases['lost']}, duplicate cases {cases['duplicates']}, "
            f"reference mismatch {cases['reference_mismatch']}")
        if cases["lost_examples"]:
            lines.append(f"  lost, e.g.: {', '.join(cases['lost_examples'])}")
    for key in ("drain_s", "start_s", "init_and_train_s"):
        if result.get(key):
            lines.append(f"  {key.replace('_', ' ')}: {result[key]:.0f}")
    return lines


def format_results(results: dict[str, Any]) -> str:
    lines = [f"{results['residents']} residents for {results['duration_s']:.0f} s "
             f"(think time ~{results['think_s']:.1f} s, {results['cpus']} CPUs)"]
    for key in ("single", "scaled", "single_rest", "baseline"):
        if key in results:
            lines += _format_target(results[key])
    if "scaled_to_single" in results:
        lines.append(f"scaled / single throughput: {results['scaled_to_single']:.2f}x")
    stock = results.get("baseline", {}).get("throughput_msg_s")
    for key in ("single", "scaled", "single_rest"):
        ours = results.get(key, {}).get("throughput_msg_s")
        if stock and ours:
            lines.append(f"{key} / stock rasa init throughput: {ours / stock:.2f}x "
                         "(stock: REST only, in-memory tracker, no custom actions)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--residents", type=int, default=50)
    parser.add_argument("--think", type=float, default=THINK_SECONDS)
    parser.add_argument("--scaled", action="store_true", help="also the scaled topology")
    parser.add_argument("--baseline", action="store_true", help="also a stock `rasa init` bot")
    args = parser.parse_args(argv)
    results = run(args.duration, args.residents, args.think,
                  with_scaled=args.scaled or None, with_baseline=args.baseline or None)
    print(format_results(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
