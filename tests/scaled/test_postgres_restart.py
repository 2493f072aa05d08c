"""The database restarts: PostgreSQL stopped (`pg_ctl -m fast`) and started again under the scaled
topology while residents talk to it through nginx.

One outage for the whole module (the `outage` fixture), then each test checks one thing a
resident would notice:
1. a resident mid-conversation (REST) gets a reply to every message sent while PostgreSQL is
   down (no 5xx, within a bounded time), and once it is back the conversation goes on: a
   status question is answered with the status row in PostgreSQL; what was said during the
   outage is kept in the stored conversation;
2. an escalation made during the outage, and one made right after it, each land in `cases`
   exactly once (the action server spools what it cannot write, see bot/services/case_spool.py);
3. an SMS texted during the outage is either acknowledged and answered once PostgreSQL is back,
   or refused with 503 (the MessageSid could not be stored), re-sent as Twilio would, and then
   answered exactly once;
and no process of the topology died.
PostgreSQL is started again OUTAGE_SECONDS after `pg_ctl stop` returned; "during the outage"
means sent before that (the printed timeline says which replies came while it was down).
Run with RUN_SCALED=1 (`make test-scaled`); `-s` prints the observations (timings, replies).
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import select

from bot.db.engine import session_scope
from bot.db.models import Case, ServiceStatus, SmsConversation
from bot.privacy.redactor import redact
from bot.services.status import STATE_WORDS
from devtools.scaled import postgres
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

OUTAGE_SECONDS = 5.0  # from `pg_ctl stop` returning to `pg_ctl start` being run
REPLY_TIMEOUT = 45.0  # every REST call (a resident's browser gives up around here)
SMS_ACK_TIMEOUT = 20.0  # Twilio itself gives up on a webhook after 15 s
CASE_WAIT = 60.0  # the spool is replayed every 5 s once the database is back
SMS_WAIT = 60.0
DURING_LIMIT = 3 * REPLY_TIMEOUT + 10  # the longest outage-time script, bounded
SPOOL_PASSES = 2  # replays (every 5 s) to wait after a case landed, in case a copy follows
SMS_QUIET = 5.0  # a turn's texts are all out when none came for this long
POLL = 0.5

TIP = "is the tip open in westminster"
COUNCIL_TAX = "can I still pay my council tax online? I live in W10 6EL"
DURING = ("what about parking", COUNCIL_TAX)  # the mid-conversation resident, while it is down
ESCALATION = ("can i talk to a real person please", "w10 6el, 07700 900118 after 6pm", "skip")
CONTACT = ("+447700900118", "W10 6EL")


def sender(kind: str) -> str:
    return f"pg-{kind}-{uuid.uuid4().hex[:10]}"


@dataclass(frozen=True)
class Said:
    resident: str
    message: str
    started: float
    ended: float
    reply: Reply

    def line(self, since: float) -> str:
        return (f"    +{self.started - since:5.1f}s {self.reply.status or self.reply.error:>4}"
                f" {self.reply.seconds:5.1f}s {self.reply.instance or '-':5} "
                f"{self.message!r} -> {self.reply.text[:110]!r}")


@dataclass
class Outage:
    """What happened around one PostgreSQL restart (monotonic times)."""

    stopped_at: float = 0.0  # `pg_ctl stop -m fast` returned
    restarting_at: float = 0.0  # `pg_ctl start` run
    started_at: float = 0.0  # `pg_ctl start -w` returned: it accepts connections
    stop_seconds: float = 0.0
    before: list[Said] = field(default_factory=list)
    during: list[Said] = field(default_factory=list)
    after: list[Said] = field(default_factory=list)
    sms_phone: str = ""
    sms_sid: str = ""
    sms_reference: list[str] = field(default_factory=list)  # what the same text gets normally
    sms_acks: list[tuple[str, Reply]] = field(default_factory=list)  # (phase, acknowledgement)

    @property
    def down_seconds(self) -> float:
        return self.started_at - self.stopped_at

    def sent_while_down(self, said: Said) -> bool:
        return said.started < self.restarting_at

    def answered_while_down(self, said: Said) -> bool:
        return said.ended < self.restarting_at

    def of(self, resident: str, phase: list[Said]) -> list[Said]:
        return [s for s in phase if s.resident == resident]


def talk(resident: str, messages: tuple[str, ...], target: Target) -> list[Said]:
    """One resident's messages, one after another, each bounded by REPLY_TIMEOUT."""
    said = []
    for message in messages:
        started = time.monotonic()
        reply = say(target, resident, message, timeout=REPLY_TIMEOUT)
        said.append(Said(resident, message, started, time.monotonic(), reply))
    return said


def wait_for(check: Callable[[], Any], timeout: float) -> Any:
    """`check()` once it is truthy, polled until `timeout`; its last value otherwise."""
    deadline = time.monotonic() + timeout
    value = check()
    while not value and time.monotonic() < deadline:
        time.sleep(POLL)
        value = check()
    return value


def settled_texts(target: Target, phone: str, at_least: int, timeout: float = SMS_WAIT
                  ) -> list[str]:
    """Bodies texted to `phone` once at least `at_least` came and none for SMS_QUIET seconds."""
    deadline = time.monotonic() + timeout
    bodies = [m["body"] for m in outbox(target, phone)]
    changed = time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(POLL)
        now = [m["body"] for m in outbox(target, phone)]
        if now != bodies:
            bodies, changed = now, time.monotonic()
        elif len(bodies) >= max(at_least, 1) and time.monotonic() - changed >= SMS_QUIET:
            break
    return bodies


def cases_for(target: Target, conversation_id: str) -> list[Case]:
    with session_scope(target.database_url) as session:
        return list(session.execute(
            select(Case).where(Case.conversation_id == conversation_id)).scalars())


def user_texts(target: Target, conversation_id: str) -> list[str]:
    return [e.get("text") or "" for e in tracker_events(target, conversation_id)
            if e.get("event") == "user"]


def sms_conversation(target: Target, phone: str) -> str | None:
    with session_scope(target.database_url) as session:
        row = session.execute(select(SmsConversation).where(
            SmsConversation.phone == phone)).scalar_one_or_none()
        return row.conversation_id if row else None


def restart_postgres(topology: Topology, outage: Outage, during: Callable[[], None]) -> None:
    """Stop PostgreSQL, start `during` at once, start PostgreSQL again OUTAGE_SECONDS later,
    then let `during` finish (bounded)."""
    layout, binaries = topology.layout, topology.binaries
    began = time.monotonic()
    postgres.stop(layout, binaries)  # pg_ctl -m fast -w, as devtools.scaled does
    outage.stopped_at = time.monotonic()
    outage.stop_seconds = outage.stopped_at - began
    try:
        assert not postgres.reachable(layout), "PostgreSQL still answers after pg_ctl stop"
        with ThreadPoolExecutor(max_workers=1) as pool:
            job = pool.submit(during)
            time.sleep(max(0.0, outage.stopped_at + OUTAGE_SECONDS - time.monotonic()))
            outage.restarting_at = time.monotonic()
            postgres.start(layout, binaries)  # pg_ctl -w: returns once it accepts connections
            outage.started_at = time.monotonic()
            job.result(timeout=DURING_LIMIT)
    finally:
        if not postgres.running(layout):
            postgres.start(layout, binaries)
    assert wait_for(lambda: postgres.reachable(layout), 30), "PostgreSQL did not come back"


@pytest.fixture(scope="module")
def target(topology: Topology) -> Target:
    return target_from_topology(topology)


@pytest.fixture(scope="module")
def residents() -> dict[str, str]:
    return {"mid": sender("mid"), "during": sender("esc-during"), "after": sender("esc-after")}


@pytest.fixture(scope="module")
def outage(topology: Topology, target: Target, residents: dict[str, str]) -> Iterator[Outage]:
    record = Outage(sms_phone=phone_number(), sms_sid="SM" + uuid.uuid4().hex)
    mid, esc_during, esc_after = residents["mid"], residents["during"], residents["after"]

    # before: one resident is mid-conversation; the SMS the outage text should get, normally
    record.before = talk(mid, (TIP,), target)
    assert all(s.reply.ok and s.reply.messages for s in record.before), record.before
    reference = phone_number()
    assert text(target, reference, TIP).status == 200
    record.sms_reference = settled_texts(target, reference, 1)
    assert record.sms_reference, "the SMS channel does not answer before the outage"

    def while_down() -> None:
        with ThreadPoolExecutor(max_workers=3) as pool:
            rest = [pool.submit(talk, mid, DURING, target),
                    pool.submit(talk, esc_during, ESCALATION, target)]
            ack = text(target, record.sms_phone, TIP, message_sid=record.sms_sid,
                       timeout=SMS_ACK_TIMEOUT)
            record.sms_acks.append(("during", ack))
            for job in rest:
                record.during.extend(job.result(timeout=DURING_LIMIT))

    restart_postgres(topology, record, while_down)

    # right after: the same resident goes on, another asks for a person, Twilio retries
    def resend_sms() -> None:
        if record.sms_acks[0][1].status != 200:
            record.sms_acks.append(("after", text(
                target, record.sms_phone, TIP, message_sid=record.sms_sid,
                timeout=SMS_ACK_TIMEOUT)))

    with ThreadPoolExecutor(max_workers=3) as pool:
        jobs = [pool.submit(talk, mid, (COUNCIL_TAX,), target),
                pool.submit(talk, esc_after, ESCALATION, target)]
        resend = pool.submit(resend_sms)
        for job in jobs:
            record.after.extend(job.result(timeout=DURING_LIMIT))
        resend.result(timeout=SMS_ACK_TIMEOUT + 10)

    print(f"\nPostgreSQL restart: pg_ctl stop -m fast took {record.stop_seconds:.1f} s, down "
          f"{record.down_seconds:.1f} s (pg_ctl start run after "
          f"{record.restarting_at - record.stopped_at:.1f} s, took "
          f"{record.started_at - record.restarting_at:.1f} s); times below are from the stop")
    for phase, said in (("before", record.before), ("during", record.during),
                        ("after", record.after)):
        print(f"  {phase}:")
        for item in sorted(said, key=lambda s: s.started):
            when = ""
            if phase == "during":
                when = (" [sent+answered while down]" if record.answered_while_down(item) else
                        " [sent while down]" if record.sent_while_down(item) else " [sent after]")
            print(item.line(record.stopped_at) + when)
    for phase, ack in record.sms_acks:
        print(f"  SMS webhook {phase}: {ack.status or ack.error} in {ack.seconds:.2f} s "
              f"({ack.instance or '-'})")
    yield record


# --- 1. the resident mid-conversation ---------------------------------------------------------


def test_messages_during_the_outage_get_a_reply(outage: Outage) -> None:
    assert outage.during, "nothing was sent during the outage"
    five_xx = [s for s in outage.during if s.reply.status >= 500]
    assert not five_xx, [(s.message, s.reply.status) for s in five_xx]
    for said in outage.during:
        assert said.reply.ok, (said.message, said.reply)
        assert said.reply.seconds < REPLY_TIMEOUT, (said.message, said.reply.seconds)
        assert said.reply.text.strip(), f"empty reply to {said.message!r} during the outage"
    sent_down = [s for s in outage.during if outage.sent_while_down(s)]
    answered_down = [s for s in outage.during if outage.answered_while_down(s)]
    print(f"\n{len(sent_down)} of {len(outage.during)} outage-time messages sent while "
          f"PostgreSQL was down, {len(answered_down)} answered before it was started again; "
          f"slowest reply {max(s.reply.seconds for s in outage.during):.1f} s")
    assert sent_down, "PostgreSQL came back before any outage-time message was sent"


def test_conversation_continues_with_the_status_from_the_database(
        outage: Outage, target: Target, residents: dict[str, str]) -> None:
    with session_scope(target.database_url) as session:
        row = session.execute(select(ServiceStatus).where(
            ServiceStatus.council_id == "kensington_chelsea",
            ServiceStatus.service_id == "council_tax")).scalar_one()
        expected = (f"Council tax in Kensington and Chelsea {STATE_WORDS[row.state]}.",
                    row.affected)
    (said,) = outage.of(residents["mid"], outage.after)
    assert said.reply.ok, said.reply
    for part in expected:
        assert part in said.reply.text, (part, said.reply.text)
    print(f"\nfirst status answer after the restart: {said.reply.seconds:.1f} s "
          f"(sent {said.started - outage.started_at:.1f} s after pg_ctl start returned)")


def test_outage_messages_are_kept_in_the_stored_conversation(
        outage: Outage, target: Target, residents: dict[str, str]) -> None:
    mid = residents["mid"]
    sent = [redact(s.message)  # the tracker store keeps redacted text ("[POSTCODE]")
            for s in outage.of(mid, outage.before + outage.during + outage.after)]
    stored = user_texts(target, mid)
    print(f"\nsent {json.dumps(sent)}\nstored {json.dumps(stored)}")
    assert [m for m in stored if m in sent] == sent


# --- 2. escalations -----------------------------------------------------------------------------


def _one_case(target: Target, conversation_id: str) -> tuple[list[Case], float]:
    started = time.monotonic()
    wait_for(lambda: cases_for(target, conversation_id), CASE_WAIT)
    landed = time.monotonic() - started
    time.sleep(SPOOL_PASSES * 5.0)  # more spool passes: a second copy would show up by now
    return cases_for(target, conversation_id), landed


def test_escalation_during_the_outage_lands_exactly_once(
        outage: Outage, target: Target, residents: dict[str, str]) -> None:
    cases, waited = _one_case(target, residents["during"])
    print(f"\nescalation during the outage: {len(cases)} case(s) after {waited:.0f} s; "
          + "; ".join(f"{c.reference} {c.category}/{c.priority} submitted={c.submitted} "
                      f"phone={'yes' if c.phone else 'no'} postcode={c.postcode}"
                      for c in cases))
    assert len(cases) == 1


def test_contact_details_given_during_the_outage_reach_the_case(
        outage: Outage, target: Target, residents: dict[str, str]) -> None:
    cases, _ = _one_case(target, residents["during"])
    assert len(cases) == 1
    assert (cases[0].phone, cases[0].postcode) == CONTACT


def test_escalation_right_after_the_restart_lands_exactly_once(
        outage: Outage, target: Target, residents: dict[str, str]) -> None:
    said = outage.of(residents["after"], outage.after)
    assert all(s.reply.ok and s.reply.text.strip() for s in said), [s.reply for s in said]
    cases, _ = _one_case(target, residents["after"])
    assert len(cases) == 1
    assert (cases[0].phone, cases[0].postcode, cases[0].submitted) == (*CONTACT, True)
    assert cases[0].reference in said[-1].reply.text


# --- 3. an SMS texted during the outage ----------------------------------------------------------


def test_sms_during_the_outage_is_answered_exactly_once(outage: Outage, target: Target) -> None:
    statuses = [(phase, ack.status) for phase, ack in outage.sms_acks]
    during = outage.sms_acks[0][1]
    assert during.status in (200, 503), statuses
    if during.status == 503:
        assert len(outage.sms_acks) == 2 and outage.sms_acks[1][1].status == 200, statuses
    bodies = settled_texts(target, outage.sms_phone, len(outage.sms_reference))
    print(f"\nSMS during the outage: webhook {statuses}; {len(bodies)} text(s) back "
          f"(normally {len(outage.sms_reference)}): {[b[:60] for b in bodies]}")
    assert len(bodies) == len(outage.sms_reference), bodies
    assert any("Westminster" in body for body in bodies), bodies
    conversation = sms_conversation(target, outage.sms_phone)
    assert conversation is not None
    assert user_texts(target, conversation).count(TIP) == 1


# --- no casualties -------------------------------------------------------------------------------


def test_every_process_survives_the_restart(outage: Outage, topology: Topology) -> None:
    down = [(c.name, c.pid, c.alive, c.healthy) for c in topology.components()
            if not (c.alive and c.healthy)]
    assert not down, down
