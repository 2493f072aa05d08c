"""SMS webhook figures: how fast Twilio gets its acknowledgement, and how long a resident waits.

Why both: Twilio gives up on a webhook after 15 s and retries, so the acknowledgement must stay
fast however busy the assistant is (the channel stores the MessageSid and answers at once, the
turn runs in the background); what the resident feels is the end-to-end time until the reply
reaches Twilio's API. Measured against the real Rasa server (devtools.devstack) with signed webhooks
and the local fake Twilio API, under SENDERS concurrent senders:

- conversation: each sender texts, waits for the reply at the fake API, texts again;
- burst: each sender fires BURST texts back to back; acknowledgement latency under that load
  and the time until Rasa has stored every text as a turn and each got a reply.
With RUN_SCALED=1 the same runs go through the scaled topology's nginx as well.
"""

from __future__ import annotations

import os
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import requests
from sqlalchemy import select

from bot.db.engine import session_scope
from bot.db.models import SmsConversation
from devtools.bench.load_bench import PhoneBook, percentile
from devtools.scaled.residents import Target, outbox, target_from_stack, text, tracker_events

SENDERS = 20
TURNS = ("is the tip open in westminster", "what about parking permits",
         "is my personal data safe after the hack")
BURST = 5
REPLY_TIMEOUT = 90.0
POLL = 0.2


def _count(session: requests.Session, target: Target, phone: str) -> int:
    response = session.get(f"{target.twilio_url}/_fake/messages", params={"to": phone},
                           timeout=30)
    response.raise_for_status()
    return len(response.json())


def _wait_for(session: requests.Session, target: Target, phone: str, at_least: int,
              timeout: float = REPLY_TIMEOUT) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _count(session, target, phone) >= at_least:
            return True
        time.sleep(POLL)
    return False


def burst_sender(target: Target, phone: str, start: threading.Barrier) -> dict[str, Any]:
    """BURST texts back to back, as fast as the webhook acknowledges them."""
    session, acks, refused = requests.Session(), [], 0
    start.wait(60)
    for index in range(BURST):
        ack = text(target, phone, f"{TURNS[index % len(TURNS)]} please", session=session)
        acks.append(ack.seconds)
        refused += not ack.ok
    session.close()
    return {"phone": phone, "acks": acks, "refused": refused}


def processed_texts(target: Target, phone: str) -> int:
    """User turns Rasa has stored for this number's conversation (0 before the first)."""
    with session_scope(target.database_url) as session:
        conversation_id = session.execute(select(SmsConversation.conversation_id).where(
            SmsConversation.phone == phone)).scalar_one_or_none()
    if conversation_id is None:
        return 0
    return sum(1 for e in tracker_events(target, conversation_id) if e.get("event") == "user")


def _all_processed(target: Target, expected: dict[str, int]) -> bool:
    return all(processed_texts(target, phone) >= n and len(outbox(target, phone)) >= n
               for phone, n in expected.items())


def _ms(values: list[float]) -> dict[str, float]:
    return {"p50_ms": percentile(values, 0.5) * 1000, "p99_ms": percentile(values, 0.99) * 1000,
            "max_ms": max(values, default=0.0) * 1000}


def conversation_phase(target: Target, phones: PhoneBook) -> dict[str, Any]:
    with ThreadPoolExecutor(SENDERS) as pool:
        results = list(pool.map(lambda _: timed_conversation(target, phones.take()),
                                range(SENDERS)))
    acks = [x for r in results for x in r["acks"]]
    e2e = [x for r in results for x in r["e2e"]]
    return {"texts": len(acks), "no_reply": sum(r["lost"] for r in results),
            "ack": _ms(acks), "end_to_end": _ms(e2e)}


def timed_conversation(target: Target, phone: str) -> dict[str, Any]:
    """conversation_sender with end-to-end measured from the webhook post to the first reply."""
    session, acks, e2e, lost = requests.Session(), [], [], 0
    for body in TURNS:
        seen = _count(session, target, phone)
        started = time.perf_counter()
        ack = text(target, phone, body, session=session)
        acks.append(ack.seconds)
        if not ack.ok or not _wait_for(session, target, phone, seen + 1):
            lost += 1
            continue
        e2e.append(time.perf_counter() - started)
        time.sleep(random.uniform(1.0, 2.0))  # reading the reply; its other parts land
    session.close()
    return {"acks": acks, "e2e": e2e, "lost": lost}


def burst_phase(target: Target, phones: PhoneBook) -> dict[str, Any]:
    barrier = threading.Barrier(SENDERS)
    started = time.perf_counter()
    with ThreadPoolExecutor(SENDERS) as pool:
        results = list(pool.map(lambda _: burst_sender(target, phones.take(), barrier),
                                range(SENDERS)))
    sent_s = time.perf_counter() - started
    expected = {r["phone"]: BURST - r["refused"] for r in results}
    deadline = time.monotonic() + REPLY_TIMEOUT * 2
    while time.monotonic() < deadline and not _all_processed(target, expected):
        time.sleep(1.0)
    done = _all_processed(target, expected)
    acks = [x for r in results for x in r["acks"]]
    return {"texts": len(acks), "refused": sum(r["refused"] for r in results),
            "all_processed": done, "sent_s": sent_s, "ack": _ms(acks),
            "all_answered_s": time.perf_counter() - started}


def bench_target(target: Target) -> dict[str, Any]:
    phones = PhoneBook()
    warm = text(target, phones.take(), "hi")
    if not warm.ok:
        raise RuntimeError(f"{target.name}: webhook answered {warm.status} {warm.error}")
    return {"target": target.name, "conversation": conversation_phase(target, phones),
            "burst": burst_phase(target, phones)}


def run() -> dict[str, Any]:
    from devtools.devstack import start_stack

    stack = start_stack()
    try:
        results: dict[str, Any] = {"senders": SENDERS,
                                   "single": bench_target(target_from_stack(stack))}
    finally:
        stack.close(remove_files=True)
    if os.environ.get("RUN_SCALED") == "1":
        from devtools.scaled.residents import target_from_topology
        from devtools.scaled.topology import Topology

        topology = Topology()
        if topology.is_up():
            results["scaled"] = bench_target(target_from_topology(topology))
        else:
            results["scaled"] = {"skipped": "scaled topology not up (python -m devtools.scaled up)"}
    return results


def _format(result: dict[str, Any]) -> list[str]:
    if "skipped" in result:
        return [f"  skipped: {result['skipped']}"]
    conv, burst = result["conversation"], result["burst"]
    return [
        f"{result['target']}: conversation ({conv['texts']} texts, {conv['no_reply']} without "
        f"reply): ack p50 {conv['ack']['p50_ms']:.0f} ms / p99 {conv['ack']['p99_ms']:.0f} ms; "
        f"first reply at the API p50 {conv['end_to_end']['p50_ms']:.0f} ms / "
        f"p99 {conv['end_to_end']['p99_ms']:.0f} ms",
        f"  burst ({burst['texts']} texts, {BURST} per sender at once, {burst['refused']} "
        f"refused): ack p50 {burst['ack']['p50_ms']:.0f} ms / p99 {burst['ack']['p99_ms']:.0f} "
        f"ms / max {burst['ack']['max_ms']:.0f} ms; all sent in {burst['sent_s']:.1f} s, every "
        f"text processed and answered after {burst['all_answered_s']:.1f} s"
        + ("" if burst["all_processed"] else " (NOT all processed within the time limit)"),
    ]


def format_results(results: dict[str, Any]) -> str:
    lines = [f"{results['senders']} concurrent senders"]
    for key in ("single", "scaled"):
        if key in results:
            lines += _format(results[key])
    return "\n".join(lines)


if __name__ == "__main__":
    print(format_results(run()))
