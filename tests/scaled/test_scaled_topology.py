"""The scaled topology end to end: nginx, two Rasa servers, two action servers, PostgreSQL, Redis.

What it shows, in order:
1. the same conversations work through nginx (status answer; an escalation with contact details
   makes exactly one case, in PostgreSQL; an SMS is answered through the fake Twilio API);
2. nginx keeps a conversation on one instance and spreads different conversations over both;
3. the Redis lock store race (RasaHQ/rasa#9213): messages of ONE conversation sent at the same
   time to BOTH Rasa servers directly. This test records what happens (lost or reordered user
   messages in the tracker, empty replies) rather than asserting it, because the race is timing
   dependent; the same burst through nginx must arrive complete and in order;
4. one Rasa server killed under load: conversations go on, on the other one.
Run with `make test-scaled` (RUN_SCALED=1); `-s` prints the observations.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pytest
import requests
from sqlalchemy import select

from bot.db.engine import session_scope
from bot.db.models import Case, SmsConversation
from devtools.scaled.residents import (
    Reply,
    Target,
    outbox,
    phone_number,
    say,
    target_from_topology,
    text,
    tracker_events,
)
from devtools.scaled.topology import Topology

pytestmark = pytest.mark.scaled

BURST = 6  # messages of one conversation sent at once
STAGGER = 0.2  # seconds between them, so the arrival order is the sending order
RACE_TRIALS = 5


@pytest.fixture(scope="module")
def target(topology: Topology) -> Target:
    return target_from_topology(topology)


def sender() -> str:
    return f"scaled-{uuid.uuid4().hex[:12]}"


def cases_for(database_url: str, conversation_id: str) -> list[Case]:
    with session_scope(database_url) as session:
        return list(session.execute(
            select(Case).where(Case.conversation_id == conversation_id)).scalars())


# --- 1. the same behaviour through nginx ------------------------------------------------------


def test_status_answer_through_nginx(target: Target) -> None:
    reply = say(target, sender(), "can I still pay my council tax online? I live in W10 6EL")
    assert reply.ok and "Council tax in Kensington and Chelsea" in reply.text, reply
    assert reply.instance in ("rasa1", "rasa2")


def test_escalation_makes_exactly_one_case_in_postgres(target: Target) -> None:
    resident = sender()
    assert say(target, resident, "can i talk to a real person please").ok
    assert say(target, resident, "w10 6el, 07700 900118 after 6pm").ok
    done = say(target, resident, "skip")
    assert "reference is" in done.text.lower(), done
    assert target.database_url.startswith("postgresql://")
    cases = cases_for(target.database_url, resident)
    assert len(cases) == 1
    assert (cases[0].phone, cases[0].postcode, cases[0].submitted) == (
        "+447700900118", "W10 6EL", True)
    assert cases[0].reference in done.text


def test_only_the_channels_are_public_through_nginx(target: Target) -> None:
    """#15.9: the Rasa HTTP API is a 404 on the public port, and answers on the internal one."""
    for path in ("/conversations/x/tracker", "/model", "/status", "/version", "/readyz"):
        reply = requests.get(f"{target.base_url}{path}", params={"token": target.rasa_token},
                             timeout=30)
        assert reply.status_code == 404, path
    assert requests.get(f"{target.api_url}/status", params={"token": target.rasa_token},
                        timeout=30).status_code == 200
    assert say(target, sender(), "hello").ok


def test_sms_through_nginx_is_answered(target: Target) -> None:
    phone = phone_number()
    ack = text(target, phone, "is the tip open in westminster")
    assert ack.status == 200, ack
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not outbox(target, phone):
        time.sleep(0.5)
    replies = outbox(target, phone)
    assert any("Westminster" in m["body"] for m in replies), replies
    with session_scope(target.database_url) as session:
        row = session.execute(select(SmsConversation).where(
            SmsConversation.phone == phone)).scalar_one()
    assert row.conversation_id.startswith("sms-")


# --- 2. routing --------------------------------------------------------------------------------


def test_one_conversation_stays_on_one_instance(target: Target) -> None:
    resident = sender()
    instances = {say(target, resident, msg).instance for msg in (
        "hi", "is the tip open in westminster", "what about parking", "thanks")}
    assert len(instances) == 1, instances


def test_conversations_are_spread_over_both_instances(target: Target) -> None:
    seen = Counter(say(target, sender(), "hi").instance for _ in range(24))
    assert set(seen) == {"rasa1", "rasa2"}, seen


def test_sms_from_one_number_stays_on_one_instance(target: Target) -> None:
    phone = phone_number()
    instances = {text(target, phone, body).instance for body in ("hi", "is the tip open", "ok")}
    assert len(instances) == 1, instances


# --- 3. the lock-store race -------------------------------------------------------------------


@dataclass
class BurstResult:
    """One conversation's burst: what each request got and what the tracker kept."""

    sent: list[str]
    replies: list[Reply]
    stored: list[str]
    routes: list[str] = field(default_factory=list)

    @property
    def lost(self) -> list[str]:
        return [m for m in self.sent if m not in self.stored]

    @property
    def in_order(self) -> bool:
        return [m for m in self.stored if m in self.sent] == self.sent

    @property
    def empty_replies(self) -> int:
        return sum(1 for r in self.replies if not r.ok or not r.messages)

    @property
    def duplicated(self) -> list[str]:
        return [m for m, n in Counter(self.stored).items() if n > 1 and m in self.sent]

    def clean(self) -> bool:
        return not self.lost and self.in_order and not self.empty_replies and not self.duplicated

    def summary(self) -> dict:
        order = [self.sent.index(m) for m in self.stored if m in self.sent]
        return {"stored_order": order, "lost": len(self.lost), "in_order": self.in_order,
                "empty_replies": self.empty_replies, "duplicated": len(self.duplicated),
                "routes": self.routes}


WORDS = ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel")


def burst(target: Target, urls: list[str], stagger: float) -> BurstResult:
    """BURST messages of one new conversation, round-robin over `urls`.

    stagger > 0: sent `stagger` seconds apart, so the intended order is the sending order.
    stagger == 0: released together by a barrier (the order is undefined; only loss counts).
    """
    resident = sender()
    messages = [f"is the tip open in westminster {WORDS[i % len(WORDS)]}" for i in range(BURST)]
    replies: list[Reply | None] = [None] * BURST
    barrier = threading.Barrier(BURST)

    def send(index: int) -> None:
        barrier.wait(30)
        time.sleep(index * stagger)
        replies[index] = say(target, resident, messages[index], base_url=urls[index % len(urls)])

    threads = [threading.Thread(target=send, args=(i,)) for i in range(BURST)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(180)
    # One PostgreSQL tracker store: any instance reads it (nginx's public port has no API).
    events = tracker_events(target, resident,
                            base_url=None if urls[0] == target.base_url else urls[0])
    stored = [e.get("text") or "" for e in events if e.get("event") == "user"]
    done = [r or Reply(0, [], 0.0, "", "no reply") for r in replies]
    if not stagger:
        stored_set = set(stored)
        messages = [m for m in stored if m in messages] + [m for m in messages
                                                           if m not in stored_set]
    return BurstResult(messages, done, stored, [r.instance for r in done])


def race_report(label: str, results: list[BurstResult]) -> list[BurstResult]:
    broken = [r for r in results if not r.clean()]
    print(f"\n{label}: {len(broken)} of {len(results)} bursts of {BURST} broken")
    for result in results:
        print("   ", json.dumps(result.summary()))
    return broken


def test_lock_store_race_direct_to_two_instances_is_recorded(topology: Topology,
                                                             target: Target) -> None:
    """Observation, not a requirement: prints how often the race broke a conversation."""
    urls = topology.rasa_urls()
    race_report(f"direct, staggered {STAGGER * 1000:.0f} ms (ordered)",
                [burst(target, urls, STAGGER) for _ in range(RACE_TRIALS)])
    race_report("direct, simultaneous (loss only)",
                [burst(target, urls, 0.0) for _ in range(RACE_TRIALS)])


@pytest.mark.parametrize("stagger", [STAGGER, 0.0], ids=["staggered", "simultaneous"])
def test_burst_through_nginx_is_complete_and_in_order(target: Target, stagger: float) -> None:
    results = [burst(target, [target.base_url], stagger) for _ in range(RACE_TRIALS)]
    assert not race_report(f"through nginx, stagger {stagger}", results)
    for result in results:
        assert len(set(result.routes)) == 1, result.routes


# --- 4. one instance dies under load ------------------------------------------------------------

# Requests already on their way to the killed server (in flight, or sent on a kept-alive
# connection nginx has not yet seen die) get a 502: nginx never resends a POST that reached a
# server. After this many seconds every request must be answered by the survivor.
FAILOVER_GRACE = 3.0
# A conversation whose turn was running on the killed server keeps that server's ticket in
# Redis until it expires (Rasa's TICKET_LOCK_LIFETIME, 60 s by default): its next message waits
# that long on the survivor. The client waits longer than that, so it sees the wait, not a loss.
LOCK_WAIT_LIMIT = 100.0
SLOW = 10.0
CONVERSATION = (
    "hi",
    "is the tip open in westminster",
    "is my personal data safe after the hack",
    "can i talk to a real person please",
    "w10 6el, 07700 900118 after 6pm",
    "skip",
)


@dataclass(frozen=True)
class Timed:
    started: float
    ended: float
    resident: str
    reply: Reply


def keep_talking(target: Target, stop: threading.Event, log: list[Timed]) -> None:
    """One resident after another holds CONVERSATION until `stop` (bounded by the test)."""
    while not stop.is_set():
        resident = sender()
        for message in CONVERSATION:
            if stop.is_set():
                return
            started = time.monotonic()
            reply = say(target, resident, message, timeout=LOCK_WAIT_LIMIT)
            log.append(Timed(started, time.monotonic(), resident, reply))


def test_killing_one_rasa_instance_under_load(topology: Topology, target: Target) -> None:
    stop, log = threading.Event(), []
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            workers = [pool.submit(keep_talking, target, stop, log) for _ in range(8)]
            time.sleep(15)
            killed_at = time.monotonic()
            topology.kill_rasa(0)
            time.sleep(30)
            stop.set()
            for worker in workers:
                worker.result(timeout=120)
    finally:
        topology.restart_rasa(0)
    before = [t.reply for t in log if t.ended < killed_at]
    in_flight = [t.reply for t in log if t.started < killed_at <= t.ended]
    after = [t.reply for t in log if t.started >= killed_at]
    print(f"\nkill rasa1 under load: {len(before)} messages answered before "
          f"({sum(not r.ok for r in before)} errors); {len(in_flight)} in flight "
          f"({sum(not r.ok for r in in_flight)} errors: "
          f"{[(r.status, r.instance) for r in in_flight if not r.ok]}); {len(after)} sent after "
          f"({sum(not r.ok for r in after)} errors, "
          f"{Counter(r.instance for r in after)})")
    settled = [t.reply for t in log if t.started >= killed_at + FAILOVER_GRACE]
    waited = sorted(round(r.seconds) for r in settled if r.seconds > SLOW)
    print(f"  after the grace period: {len(settled)} messages, {len(waited)} waited > {SLOW:.0f}"
          f" s behind the dead server's lock ticket: {waited}")
    assert before and all(r.ok for r in before)
    assert settled and all(r.ok and r.instance == "rasa2" for r in settled), Counter(
        (r.status, r.instance) for r in settled)
    finished = {t.resident for t in log if "reference is" in t.reply.text.lower()}
    assert finished, "no escalation completed"
    for resident in finished:
        assert len(cases_for(target.database_url, resident)) == 1
    assert say(target, sender(), "hi").ok
