"""'Text me when it's back' on a real migrated database and the local fake Twilio API:
subscribe, restore -> one text per subscriber, never twice, STOP, quiet hours, pacing,
four-eyes broadcasts, privacy export and purge."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
import requests
from sqlalchemy import func, select

from bot.channels import sms_notify, sms_store
from bot.channels.sms_delivery import OutboxDelivery
from bot.channels.twilio_api import TwilioSender
from bot.config import get_settings
from bot.console.accounts import create_staff
from bot.db.engine import session_scope
from bot.db.models import SmsNotification, SmsOutboxItem, Subscription, utcnow
from bot.privacy.retention import export_resident, purge
from bot.services import subscriptions as subs
from bot.services.status import set_status
from devtools.fake_twilio import FakeTwilioServer, start_fake_twilio

TOKEN = "test-auth-token-0123456789abcdef"
ACCOUNT_SID = "AC" + "2" * 32
A, B, C = "+447700900111", "+447700900222", "+447700900333"
NOON_UTC = datetime(2026, 12, 1, 12, 0)  # 12:00 GMT


@pytest.fixture()
def fake(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeTwilioServer]:
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", TOKEN)
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", ACCOUNT_SID)
    monkeypatch.setenv("TWILIO_FROM_NUMBER", "+447700900000")
    monkeypatch.setenv("PUBLIC_BASE_URL", "")  # no status callbacks to a server we lack
    monkeypatch.setenv("CONVERSATION_ID_KEY", "test-conversation-id-key-0123456789")
    monkeypatch.setenv("SMS_NOTIFY_PER_SECOND", "1000")
    with start_fake_twilio(ACCOUNT_SID, TOKEN) as server:
        monkeypatch.setenv("TWILIO_API_BASE", server.base_url)
        yield server


def texts(fake: FakeTwilioServer, phone: str) -> list[str]:
    reply = requests.get(f"{fake.base_url}/_fake/messages", params={"to": phone}, timeout=5)
    return [message["body"] for message in reply.json()]


def send_due(limit: int = 1000) -> int:
    sender = TwilioSender(get_settings(), "/webhooks/twilio_sms/status", backoff=0.01)
    return asyncio.run(sms_notify.notify_once(OutboxDelivery(lambda: sender), limit))


def disrupt_then_restore(db_url: str, note: str | None = None) -> None:
    with session_scope(db_url) as session:
        set_status(session, "westminster", "waste", "disrupted", "tester",
                   affected="Bin collections are delayed")
    with session_scope(db_url) as session:
        set_status(session, "westminster", "waste", "operating", "tester", affected=note)


def at_daytime(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever the time the tests run, no quiet hours (they have tests of their own)."""
    monkeypatch.setattr(subs, "after_quiet_hours", lambda moment: moment)


def frozen_noon(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(subs, "utcnow", lambda: NOON_UTC)


def notifications(db_url: str) -> list[SmsNotification]:
    with session_scope(db_url) as session:
        rows = list(session.execute(select(SmsNotification).order_by(SmsNotification.id))
                    .scalars())
        session.expunge_all()
    return rows


# --- subscriptions ------------------------------------------------------------------------------


def test_subscribe_is_idempotent_renews_and_keeps_only_the_number(session) -> None:
    first = subs.subscribe(session, "westminster", "waste", "07700 900111", "socketio",
                           now=NOON_UTC)
    assert first.phone == A and first.expires_at == NOON_UTC + timedelta(days=30)
    subs.unsubscribe(session, A, "waste")
    later = NOON_UTC + timedelta(days=10)
    again = subs.subscribe(session, "westminster", "waste", A, "sms", now=later)
    assert again.id == first.id and again.active and again.unsubscribed_at is None
    assert again.expires_at == later + timedelta(days=30)
    assert session.execute(select(func.count()).select_from(Subscription)).scalar() == 1
    with pytest.raises(ValueError, match="mobile"):
        subs.subscribe(session, "westminster", "waste", "020 7946 0200", "socketio")
    with pytest.raises(ValueError):
        subs.subscribe(session, "westminster", "no_such_service", A, "sms")
    assert subs.subscribe(session, "westminster", "waste", "+12025550123", "sms").phone == \
        "+12025550123"  # by SMS the number texting us, international included


def test_subscribers_for_skips_expired_and_unsubscribed(session) -> None:
    subs.subscribe(session, "westminster", "waste", A, "sms")
    subs.subscribe(session, "westminster", "waste", B, "sms", now=utcnow() - timedelta(days=31))
    subs.subscribe(session, "westminster", "waste", C, "sms")
    subs.subscribe(session, "westminster", "parking", C, "sms")
    assert subs.unsubscribe(session, C, "parking") == 1
    assert [s.phone for s in subs.subscribers_for(session, "westminster", "waste")] == [A, C]
    assert [s.phone for s in subs.subscribers_for(session, "westminster")] == [A, C]
    assert subs.subscriber_counts(session) == [("westminster", "waste", 2)]


# --- restoration ------------------------------------------------------------------------------


def test_restore_texts_each_subscriber_exactly_once(
    db_url: str, fake: FakeTwilioServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    at_daytime(monkeypatch)
    with session_scope(db_url) as session:
        for phone in (A, B):
            subs.subscribe(session, "westminster", "waste", phone, "sms")
    disrupt_then_restore(db_url, note="Collections are back to the usual days")
    assert send_due() == 2
    for phone in (A, B):
        assert texts(fake, phone) == [
            "Good news: Bins, recycling and bulky waste in Westminster is working again. "
            "Collections are back to the usual days. Reply STOP to stop texts."
        ]
    # Saved again as operating, and the loop passing again: nothing more.
    with session_scope(db_url) as session:
        set_status(session, "westminster", "waste", "operating", "tester", affected="ok")
    assert send_due() == 0
    assert [len(texts(fake, phone)) for phone in (A, B)] == [1, 1]
    with session_scope(db_url) as session:
        states = session.execute(select(SmsOutboxItem.state)).scalars().all()
    assert states == ["sent", "sent"]


def test_an_unchanged_note_is_not_read_out_as_what_works(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at_daytime(monkeypatch)
    with session_scope(db_url) as session:
        subs.subscribe(session, "westminster", "waste", A, "sms")
    disrupt_then_restore(db_url, note="Bin collections are delayed")  # the old note, resent
    [row] = notifications(db_url)
    assert "delayed" not in row.body and "You can use it as normal again." in row.body


def test_the_same_restoration_is_never_owed_twice(db_url: str, monkeypatch) -> None:
    at_daytime(monkeypatch)
    with session_scope(db_url) as session:
        subs.subscribe(session, "westminster", "waste", A, "sms")
    disrupt_then_restore(db_url)
    with session_scope(db_url) as session:
        [row] = session.execute(select(SmsNotification)).scalars().all()
        subscription = session.get(Subscription, row.subscription_id)
        again = subs._owe(session, [subscription], row.event_key, "again", NOON_UTC,
                          status_change_id=row.status_change_id)
    assert again == 0 and len(notifications(db_url)) == 1


def test_stop_is_honoured_and_stop_bins_ends_one_subscription(
    db_url: str, fake: FakeTwilioServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    at_daytime(monkeypatch)
    with session_scope(db_url) as session:
        subs.subscribe(session, "westminster", "waste", A, "sms")
        subs.subscribe(session, "westminster", "waste", B, "socketio")
        subs.subscribe(session, "westminster", "parking", B, "socketio")
    sms_store.set_opt_out(A, True, sms_store.ensure_conversation(A))  # STOP, as the channel does
    assert sms_notify.stop_named_service(B, "stop sending me letters") is None
    reply = sms_notify.stop_named_service(B, "Stop bins")
    assert reply and "Bins, recycling and bulky waste" in reply
    assert sms_notify.stop_named_service(B, "stop bins") is None  # nothing left to stop
    disrupt_then_restore(db_url)
    assert send_due() == 0
    assert texts(fake, A) == [] and texts(fake, B) == []
    with session_scope(db_url) as session:
        assert [s.service_id for s in subs.active_subscriptions(session, B)] == ["parking"]
    assert sms_notify.unsubscribe_all(B) == 1


def test_quiet_hours(monkeypatch: pytest.MonkeyPatch) -> None:
    winter_evening = datetime(2026, 12, 1, 21, 30)  # 21:30 GMT
    assert subs.after_quiet_hours(winter_evening) == datetime(2026, 12, 2, 8, 0)
    assert subs.after_quiet_hours(datetime(2026, 12, 2, 3, 0)) == datetime(2026, 12, 2, 8, 0)
    assert subs.after_quiet_hours(NOON_UTC) == NOON_UTC
    summer_evening = datetime(2026, 7, 1, 19, 30)  # 20:30 BST: still allowed
    assert subs.after_quiet_hours(summer_evening) == summer_evening
    assert subs.after_quiet_hours(datetime(2026, 7, 1, 20, 30)) == datetime(2026, 7, 2, 7, 0)


def test_a_restoration_at_night_waits_until_eight(
    db_url: str, fake: FakeTwilioServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    night = datetime(2026, 12, 1, 22, 15)
    monkeypatch.setattr(subs, "utcnow", lambda: night)
    with session_scope(db_url) as session:
        subs.subscribe(session, "westminster", "waste", A, "sms")
    disrupt_then_restore(db_url)
    [row] = notifications(db_url)
    assert row.state == "waiting" and row.not_before == datetime(2026, 12, 2, 8, 0)
    with session_scope(db_url) as session:
        assert subs.release_due(session, 100, now=night) == []
        assert subs.release_due(session, 100, now=datetime(2026, 12, 2, 7, 59)) == []
        assert len(subs.release_due(session, 100, now=datetime(2026, 12, 2, 8, 0))) == 1
    assert notifications(db_url)[0].state == "queued"


def test_sending_is_paced_per_sender_number(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    frozen_noon(monkeypatch)
    monkeypatch.setenv("SMS_NOTIFY_PER_SECOND", "2")
    with session_scope(db_url) as session:
        for phone in (A, B, C):
            subs.subscribe(session, "westminster", "waste", phone, "sms")
    disrupt_then_restore(db_url)
    slots = [row.not_before for row in notifications(db_url)]
    assert slots == [NOON_UTC + timedelta(seconds=0.5 * i) for i in range(3)]
    # A second event is planned after the first one's slots, not on top of them.
    with session_scope(db_url) as session:
        subs.subscribe(session, "westminster", "parking", A, "sms")
        set_status(session, "westminster", "parking", "unavailable", "tester")
        set_status(session, "westminster", "parking", "operating", "tester")
    assert notifications(db_url)[-1].not_before == NOON_UTC + timedelta(seconds=1.5)
    assert subs.release_pace() == (0.5, 1)
    with session_scope(db_url) as session:
        assert len(subs.release_due(session, 1, now=NOON_UTC + timedelta(seconds=5))) == 1


# --- broadcasts -------------------------------------------------------------------------------


def test_a_broadcast_needs_a_second_supervisor(
    db_url: str, fake: FakeTwilioServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    at_daytime(monkeypatch)
    with session_scope(db_url) as session:
        for name, role in (("sup1", "supervisor"), ("sup2", "supervisor"), ("agent1", "agent")):
            create_staff(session, name, "correct horse battery staple", role, name)
        subs.subscribe(session, "westminster", "waste", A, "sms")
        subs.subscribe(session, "westminster", "parking", B, "sms")
        subs.subscribe(session, "hammersmith_fulham", "waste", C, "sms")
        preview = subs.preview_broadcast(session, "westminster", None, "Payments work again.")
        assert (preview.recipients, preview.segments) == (2, 1)
        draft = subs.draft_broadcast(session, "westminster", None, "Payments work again.",
                                     "sup1")
        broadcast_id = draft.id
        for who in ("sup1", "agent1"):
            with pytest.raises(subs.BroadcastError):
                subs.approve_broadcast(session, broadcast_id, who)
    assert notifications(db_url) == []
    with session_scope(db_url) as session:
        assert subs.approve_broadcast(session, broadcast_id, "sup2") == 2
        with pytest.raises(subs.BroadcastError, match="already approved"):
            subs.approve_broadcast(session, broadcast_id, "sup2")
    assert send_due() == 2
    assert texts(fake, A) == ["Westminster council: Payments work again. Reply STOP to stop texts."]
    assert texts(fake, C) == []
    with session_scope(db_url) as session:
        [sid] = session.execute(select(SmsOutboxItem.message_sid).join(
            SmsNotification, SmsNotification.batch == SmsOutboxItem.batch).where(
            SmsNotification.subscription_id == 1)).scalars().all()
    sms_store.record_status(sid, "delivered")  # as Twilio's status callback would
    with session_scope(db_url) as session:
        figures = subs.broadcast_figures(session, [broadcast_id])[broadcast_id]
    assert figures == {"queued": 0, "sent": 1, "delivered": 1, "failed": 0, "not_sent": 0}


def test_an_over_long_broadcast_is_refused(session) -> None:
    with pytest.raises(subs.BroadcastError, match="too long"):
        subs.draft_broadcast(session, "westminster", None, "word " * 120, "sup1")


# --- privacy ----------------------------------------------------------------------------------


def test_export_lists_subscriptions_and_purge_removes_ended_ones(
    db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    tracker = f"sqlite:///{tmp_path / 'tracker.db'}"
    with session_scope(db_url) as session:
        subs.subscribe(session, "westminster", "waste", A, "socketio")
        subs.subscribe(session, "westminster", "parking", A, "socketio",
                       now=utcnow() - timedelta(days=200))
        subs.subscribe(session, "westminster", "libraries", B, "socketio")
        subs.unsubscribe(session, B)
    exported = export_resident(phone="07700 900111", app_url=db_url, tracker_url=tracker)
    assert sorted(s["service_id"] for s in exported["subscriptions"]) == ["parking", "waste"]
    report = purge(timedelta(days=90), app_url=db_url, tracker_url=tracker)
    assert report.subscriptions == 1  # expired 170 days ago; B's ended today
    with session_scope(db_url) as session:
        left = session.execute(select(Subscription.phone, Subscription.service_id)
                               .order_by(Subscription.id)).all()
    assert [tuple(row) for row in left] == [(A, "waste"), (B, "libraries")]


def test_a_pass_releases_the_pace_share_of_the_time_since_the_last_one() -> None:
    from bot.channels.sms_notify import MAX_PASS_SECONDS, pass_limit

    assert pass_limit(0.05, 3, None) == 3  # first pass: the fixed share
    assert pass_limit(0.05, 3, 0.04) == 3
    assert pass_limit(0.05, 3, 0.2) == 12  # 60 texts/s x 0.2 s: work time counts
    assert pass_limit(0.05, 3, 30.0) == round(60 * MAX_PASS_SECONDS)  # a stall never bursts
