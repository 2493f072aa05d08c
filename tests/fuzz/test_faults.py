"""Faults on incident day: a flaky Twilio API, a locked database, webhooks retried by Twilio.

Everything goes through the real path: signed SMS webhooks into the real Rasa server, replies
out through twilio-python to the local fake Twilio API (whose `/_fake/faults` injects 500s and
delays), cases written by the real action server into SQLite. What must hold: a reply is
retried until it lands and never sent twice; a case lands exactly once however the database
stalls.
"""

from __future__ import annotations

import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.db.engine import session_scope
from bot.db.models import SmsMessage
from devtools.devstack import Servers
from tests.fuzz.support import (
    cases_for,
    clear_faults,
    conversation_for,
    fake_outbox,
    inbound_form,
    inbound_rows,
    new_phone,
    post_signed,
    set_faults,
    settle_texts,
    text_and_wait,
    wait_for_texts,
)

pytestmark = pytest.mark.integration

QUESTION = "is the tip open in westminster"
# A question answered in several texts (advice, then the next steps): a status answer is one
# text since the SMS brevity work (#14.8), too short to show a part lost after a timeout.
MULTI_TEXT_QUESTION = "I think my data was stolen in the hack, what should I do"
LOCK_SECONDS = 3.0


@pytest.fixture(autouse=True)
def no_faults_left(stack: Servers) -> Iterator[None]:
    clear_faults(stack)
    yield
    clear_faults(stack)


def reference_replies(stack: Servers, question: str = QUESTION) -> list[str]:
    """What a resident is sent for `question` when nothing goes wrong (the bot is
    deterministic)."""
    return [m["body"] for m in text_and_wait(stack, new_phone(), question)]


def replies_to(stack: Servers, phone: str, body: str, expected: int) -> list[str]:
    """Text `body`, wait until `expected` replies arrived (or 90 s), then until it is quiet."""
    response = post_signed(stack, inbound_form(stack, phone, body))
    assert response.status_code == 200, response.text
    wait_for_texts(stack, phone, expected, timeout=90)
    return [m["body"] for m in settle_texts(stack, phone, quiet=3.0, timeout=30)]


def outbound_statuses(stack: Servers, phone: str) -> list[str]:
    with session_scope(stack.database_url) as session:
        return list(session.execute(select(SmsMessage.status).where(
            SmsMessage.phone == phone, SmsMessage.direction == "outbound")).scalars())


# --- Twilio API failing or slow --------------------------------------------------------------


def test_twilio_500s_are_retried_and_each_reply_sent_once(stack: Servers) -> None:
    expected = reference_replies(stack)
    phone = new_phone()
    set_faults(stack, fail_next=3, status=500)  # quick retries fail, the outbox gets it out
    assert replies_to(stack, phone, QUESTION, len(expected)) == expected
    assert "failed" not in outbound_statuses(stack, phone)


def test_twilio_429_is_retried(stack: Servers) -> None:
    expected = reference_replies(stack)
    phone = new_phone()
    set_faults(stack, fail_next=2, status=429)
    assert replies_to(stack, phone, QUESTION, len(expected)) == expected


def test_slow_twilio_within_the_timeout_sends_once(stack: Servers) -> None:
    expected = reference_replies(stack)
    phone = new_phone()
    set_faults(stack, delay_next=2, seconds=3)
    assert replies_to(stack, phone, QUESTION, len(expected)) == expected


def test_twilio_down_for_ten_seconds_loses_no_reply(stack: Servers) -> None:
    expected = reference_replies(stack)
    phone = new_phone()
    set_faults(stack, fail_next=10_000, status=503)
    response = post_signed(stack, inbound_form(stack, phone, QUESTION))
    assert response.status_code == 200
    time.sleep(10)
    clear_faults(stack)
    texts = wait_for_texts(stack, phone, len(expected), timeout=40)
    assert [m["body"] for m in texts] == expected


def test_twilio_timeout_does_not_drop_the_rest_of_the_reply(stack: Servers) -> None:
    expected = reference_replies(stack, MULTI_TEXT_QUESTION)
    assert len(expected) > 1, "needs a multi-part reply to show the effect"
    timeout = float(stack.env.get("HTTP_TIMEOUT", "10"))
    phone = new_phone()
    set_faults(stack, delay_next=1, seconds=timeout + 2)
    response = post_signed(stack, inbound_form(stack, phone, MULTI_TEXT_QUESTION))
    assert response.status_code == 200
    texts = wait_for_texts(stack, phone, len(expected), timeout=timeout + 30)
    assert [m["body"] for m in settle_texts(stack, phone, timeout=10)] == expected, texts


def test_twilio_timeout_never_sends_a_part_twice(stack: Servers) -> None:
    timeout = float(stack.env.get("HTTP_TIMEOUT", "10"))
    phone = new_phone()
    set_faults(stack, delay_next=1, seconds=timeout + 2)
    assert post_signed(stack, inbound_form(stack, phone, QUESTION)).status_code == 200
    time.sleep(timeout + 4)
    bodies = [m["body"] for m in settle_texts(stack, phone, timeout=20)]
    assert bodies and len(bodies) == len(set(bodies)), bodies


# --- Twilio retrying our webhook ----------------------------------------------------------------


def test_webhook_retried_by_twilio_is_answered_once(stack: Servers) -> None:
    phone = new_phone()
    form = inbound_form(stack, phone, QUESTION)
    first = post_signed(stack, form)
    again = post_signed(stack, form)
    assert first.status_code == again.status_code == 200
    assert inbound_rows(stack, form["MessageSid"]) == 1
    replies = settle_texts(stack, phone, quiet=3.0, timeout=60)
    expected = reference_replies(stack)
    assert [m["body"] for m in replies] == expected


# --- SQLite briefly locked --------------------------------------------------------------------


def _sqlite_path(url: str) -> Path:
    return Path(url.split("sqlite:///", 1)[1])


@contextmanager
def write_lock_held(database_url: str, seconds: float) -> Iterator[None]:
    """Hold a write transaction on the app database for `seconds` in a background thread.

    Leaving the block waits for the hold to end, so the lock lasts `seconds` whatever ran inside.
    """
    locked = threading.Event()

    def hold() -> None:
        connection = sqlite3.connect(_sqlite_path(database_url), timeout=30,
                                     isolation_level=None)
        try:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("UPDATE councils SET name = name")
            locked.set()
            time.sleep(seconds)
            connection.execute("COMMIT")
        finally:
            connection.close()

    worker = threading.Thread(target=hold, daemon=True)
    worker.start()
    assert locked.wait(10), "could not take the write lock"
    try:
        yield
    finally:
        worker.join(seconds + 30)


def _ask_for_a_person(stack: Servers, sender: str) -> None:
    stack.say_text(sender, "can i talk to a real person please")
    stack.say_text(sender, "w10 6el, 07700 900118 after 6pm")


def _assert_one_submitted_case(stack: Servers, conversation_id: str) -> None:
    cases = cases_for(stack, conversation_id)
    assert len(cases) == 1, [c.reference for c in cases]
    assert cases[0].submitted


def test_case_lands_once_when_the_database_is_locked_during_submit(stack: Servers) -> None:
    sender = f"lock-{uuid.uuid4().hex[:10]}"
    _ask_for_a_person(stack, sender)
    with write_lock_held(stack.database_url, LOCK_SECONDS):
        started = time.monotonic()
        done = stack.say_text(sender, "skip")
        waited = time.monotonic() - started
    assert "reference" in done.lower(), done
    assert waited < 30
    _assert_one_submitted_case(stack, sender)
    assert cases_for(stack, sender)[0].reference in done


def test_case_lands_once_when_the_database_is_locked_during_the_whole_escalation(
    stack: Servers,
) -> None:
    sender = f"lock-{uuid.uuid4().hex[:10]}"
    with write_lock_held(stack.database_url, LOCK_SECONDS):
        stack.say_text(sender, "can i talk to a real person please")
    with write_lock_held(stack.database_url, LOCK_SECONDS):
        stack.say_text(sender, "w10 6el, 07700 900118 after 6pm")
    with write_lock_held(stack.database_url, LOCK_SECONDS):
        done = stack.say_text(sender, "skip")
    assert "reference" in done.lower(), done
    _assert_one_submitted_case(stack, sender)
    case = cases_for(stack, sender)[0]
    assert (case.phone, case.postcode) == ("+447700900118", "W10 6EL")


def test_urgent_sms_during_a_lock_is_acknowledged_and_makes_one_case(stack: Servers) -> None:
    phone = new_phone()
    with write_lock_held(stack.database_url, LOCK_SECONDS):
        started = time.monotonic()
        response = post_signed(stack, inbound_form(
            stack, phone, "my partner hit me again and im scared to go home"))
        ack_seconds = time.monotonic() - started
    assert response.status_code == 200, response.text
    assert ack_seconds < 15, f"Twilio gives up on a webhook after 15 s; took {ack_seconds:.1f}"
    texts = settle_texts(stack, phone, quiet=3.0, timeout=60)
    assert any("999" in m["body"] for m in texts), texts
    conversation_id = conversation_for(stack, phone)
    assert conversation_id is not None
    cases = cases_for(stack, conversation_id)
    assert len(cases) == 1 and cases[0].priority == "urgent"


def test_lock_longer_than_the_busy_timeout_spools_the_case_and_it_lands_once(
    stack: Servers,
) -> None:
    """Longer than the 10 s busy timeout: the action spools the case, the retry loop lands it."""
    sender = f"lock-{uuid.uuid4().hex[:10]}"
    _ask_for_a_person(stack, sender)
    with write_lock_held(stack.database_url, 14.0):
        done = stack.say_text(sender, "skip")
    assert "reference" in done.lower() or "has not been lost" in done, done
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not any(c.submitted for c in cases_for(stack, sender)):
        time.sleep(1)
    _assert_one_submitted_case(stack, sender)
    assert not any(_sqlite_path(stack.database_url).parent.glob("spool/*.json"))


def test_outbox_is_reachable(stack: Servers) -> None:
    """Sanity: the fake Twilio API the fault tests rely on answers."""
    assert isinstance(fake_outbox(stack), list)
