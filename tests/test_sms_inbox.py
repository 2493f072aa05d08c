"""The SMS inbox's rules on a real migrated database: retries refused, orphans adopted once."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from bot.channels import sms_inbox
from bot.db.engine import session_scope
from bot.db.models import SmsInboxItem, SmsWorker, utcnow

PHONE = "+447700900123"


def text(sid: str, body: str = "hello") -> sms_inbox.QueuedText:
    return sms_inbox.QueuedText(sid, "sms-abc", PHONE, body, 0)


def age(db_url: str, minutes: float) -> None:
    """Make every queued text (and every heartbeat) `minutes` old."""
    past = utcnow() - timedelta(minutes=minutes)
    with session_scope(db_url) as session:
        session.execute(update(SmsInboxItem).values(created_at=past))
        session.execute(update(SmsWorker).values(heartbeat_at=past))


def test_a_retried_message_sid_is_not_queued_twice(db_url: str) -> None:
    assert sms_inbox.accept(text("SM1"), "a")
    assert not sms_inbox.accept(text("SM1"), "a")


def test_only_the_owner_starts_a_text_and_only_once(db_url: str) -> None:
    sms_inbox.accept(text("SM1"), "a")
    assert not sms_inbox.start("SM1", "b")
    assert sms_inbox.start("SM1", "a")
    assert not sms_inbox.start("SM1", "a")
    sms_inbox.finish("SM1")
    with session_scope(db_url) as session:
        row = session.execute(select(SmsInboxItem)).scalar_one()
    assert (row.state, row.body) == ("done", "")


def test_texts_of_a_live_owner_or_just_accepted_are_left_alone(db_url: str) -> None:
    sms_inbox.accept(text("SM1"), "dead")
    assert sms_inbox.adopt_orphans("me") == ([], [])  # too fresh to judge
    sms_inbox.heartbeat("alive")
    sms_inbox.accept(text("SM2"), "alive")
    age(db_url, 5)
    sms_inbox.heartbeat("alive")
    adopted, interrupted = sms_inbox.adopt_orphans("me")
    assert [t.message_sid for t in adopted] == ["SM1"] and interrupted == []


def test_orphans_are_adopted_once_in_order_and_cut_off_turns_reported(db_url: str) -> None:
    for sid in ("SM1", "SM2", "SM3"):
        sms_inbox.accept(text(sid, f"body {sid}"), "dead")
    assert sms_inbox.start("SM1", "dead")
    age(db_url, 5)
    sms_inbox.heartbeat("me")  # as the watch loop does before adopting
    adopted, interrupted = sms_inbox.adopt_orphans("me")
    assert [(t.message_sid, t.body) for t in adopted] == [("SM2", "body SM2"),
                                                           ("SM3", "body SM3")]
    assert interrupted == ["sms-abc"]
    assert sms_inbox.adopt_orphans("someone-else") == ([], [])
    assert sms_inbox.start("SM2", "me")
