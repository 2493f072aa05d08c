"""Outbound SMS status rows on a real migrated database: later states win, whoever comes first."""

from __future__ import annotations

from sqlalchemy import select

from bot.channels import sms_store
from bot.db.engine import session_scope
from bot.db.models import SmsMessage


def row(db_url: str, sid: str) -> tuple[str, str | None, int | None, str] | None:
    with session_scope(db_url) as session:
        found = session.execute(
            select(SmsMessage.status, SmsMessage.error_code, SmsMessage.segments,
                   SmsMessage.phone).where(SmsMessage.message_sid == sid)
        ).one_or_none()
    return tuple(found) if found else None


def test_callback_before_the_sender_is_not_lost_and_is_not_overwritten(db_url: str) -> None:
    # Twilio's "sent" callback can beat the sender's own record of the sid it was given.
    assert sms_store.record_status("SM1", "sent") is False  # unknown and no phone: no row
    assert row(db_url, "SM1") is None
    assert sms_store.record_status("SM1", "delivered", phone="+447700900123") is True
    assert sms_store.record_status("SM1", "queued", phone="+447700900123", segments=2) is True
    assert row(db_url, "SM1") == ("delivered", None, 2, "+447700900123")


def test_later_states_win_and_an_error_code_is_kept(db_url: str) -> None:
    sms_store.record_status("SM2", "queued", phone="+447700900123")
    sms_store.record_status("SM2", "undelivered", error_code="30005")
    sms_store.record_status("SM2", "sent")  # late: must not undo the failure
    assert row(db_url, "SM2") == ("undelivered", "30005", None, "+447700900123")
    sms_store.record_status("SM2", "read", segments=1)
    assert row(db_url, "SM2") == ("read", "30005", 1, "+447700900123")


def test_an_unknown_status_counts_as_the_earliest(db_url: str) -> None:
    sms_store.record_status("SM3", "sent", phone="+447700900123")
    sms_store.record_status("SM3", "unknown")
    assert row(db_url, "SM3")[0] == "sent"
    sms_store.record_status("SM4", "unknown", phone="+447700900123")
    sms_store.record_status("SM4", "accepted")
    assert row(db_url, "SM4")[0] == "accepted"
