"""'Text me when it's back': subscriptions, restoration texts, four-eyes broadcasts.

A resident subscribes to one council service (`subscribe`); when staff set that service to
operating (`bot.services.status.set_status`, used by the console and `bot status set`) every
active subscriber is owed one text, and a supervisor's incident update, approved by a second
supervisor, is owed to a council's (or one service's) subscribers.

How "never twice, STOP respected, not at night, paced" is kept:

- every owed text is a row in `sms_notifications`, unique per (subscription, event), where the
  event is one `service_status_changes` row (a restoration) or one broadcast; queueing the same
  event again inserts nothing;
- rows wait (`waiting`) until their `not_before`: the next free slot of the sender number's pace
  (SMS_NOTIFY_PER_SECOND, slots persisted in the table, so several processes share one pace),
  moved out of quiet hours (21:00-08:00 Europe/London) to 08:00. They wait here, not in the
  SMS outbox, so a text held overnight never blocks the resident's own conversation, whose
  outbox parts leave strictly in order;
- `release_due` moves due rows into the SMS outbox in the same transaction that marks them
  `queued` (guarded UPDATE, so two processes never both move one); from there the outbox's own
  rules apply: retried while Twilio is down, never sent twice, STOP checked before each send.
  A number that texted STOP, or a subscription ended in the meantime, is `skipped` instead.

Functions take a session and leave committing to the caller, like the rest of bot.services.
"""

from __future__ import annotations

import math
import re
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.channels.sms_render import gsm7_segments, render_parts, to_gsm7
from bot.config import get_settings
from bot.db.models import (
    Council,
    Service,
    ServiceStatusChange,
    SmsBroadcast,
    SmsConversation,
    SmsMessage,
    SmsNotification,
    SmsOptOut,
    SmsOutboxItem,
    StaffUser,
    Subscription,
    utcnow,
)
from bot.parsing.contact import is_mobile, normalise_uk_phone

SUBSCRIPTION_DAYS = 30
UK = ZoneInfo("Europe/London")
QUIET_START = time(21, 0)
QUIET_END = time(8, 0)
CHANNELS = ("sms", "socketio", "rest")
E164 = re.compile(r"^\+[1-9]\d{7,14}$")
STOP_TEXTS = " Reply STOP to stop texts."
MAX_BROADCAST_SEGMENTS = 3

WAITING = "waiting"
QUEUED = "queued"
SKIPPED = "skipped"

AWAITING_APPROVAL = "awaiting_approval"
APPROVED = "approved"
REJECTED = "rejected"

_STOP_SERVICE = re.compile(r"^\s*(?:stop|unsubscribe|cancel)\s+(.{2,80}?)[\s.!]*$", re.I)


class BroadcastError(ValueError):
    """A broadcast that may not be drafted, approved or rejected as asked (message says why)."""


# --- subscriptions ---------------------------------------------------------------------------


def normalise_subscriber(phone: str, channel: str) -> str:
    """E.164 for a number that can take texts; ValueError otherwise.

    By SMS the number the resident texts from is used (UK or international E.164); on the web
    the resident types it, and it must be a UK mobile (a landline cannot take texts).
    """
    raw = (phone or "").strip()
    if channel == "sms":
        e164 = normalise_uk_phone(raw) or (raw if E164.match(raw) else None)
    else:
        e164 = normalise_uk_phone(raw)
        if e164 and not is_mobile(e164):
            raise ValueError("that is not a UK mobile number")
    if not e164:
        raise ValueError("that is not a phone number we can text")
    return e164


def subscribe(
    session: Session, council_id: str, service_id: str, phone: str, channel: str,
    now: datetime | None = None,
) -> Subscription:
    """Subscribe (or renew: active again, expiring 30 days from now). Idempotent.

    Raises ValueError for an unknown council or service, an unknown channel or a number that
    cannot take texts.
    """
    if channel not in CHANNELS:
        raise ValueError(f"channel must be one of {', '.join(CHANNELS)}")
    if session.get(Council, council_id) is None:
        raise ValueError(f"unknown council {council_id!r}")
    if session.get(Service, service_id) is None:
        raise ValueError(f"unknown service {service_id!r}")
    e164 = normalise_subscriber(phone, channel)
    now = now or utcnow()
    expires = now + timedelta(days=SUBSCRIPTION_DAYS)
    for _attempt in range(2):
        row = _find(session, council_id, service_id, e164)
        if row is not None:
            row.active, row.unsubscribed_at = True, None
            row.expires_at, row.channel = expires, channel
            session.flush()
            return row
        try:
            with session.begin_nested():
                row = Subscription(council_id=council_id, service_id=service_id, phone=e164,
                                   channel=channel, created_at=now, expires_at=expires,
                                   active=True)
                session.add(row)
            return row
        except IntegrityError:
            continue  # subscribed concurrently (a double tap): renew that row instead
    raise RuntimeError("could not subscribe")


def _find(session: Session, council_id: str, service_id: str, phone: str) -> Subscription | None:
    return session.execute(select(Subscription).where(
        Subscription.council_id == council_id, Subscription.service_id == service_id,
        Subscription.phone == phone,
    )).scalar_one_or_none()


def unsubscribe(
    session: Session, phone: str, service_id: str | None = None, council_id: str | None = None,
) -> int:
    """End a number's active subscriptions (all, or one service's); returns how many ended."""
    e164 = normalise_uk_phone(phone or "") or (phone or "").strip()
    query = select(Subscription).where(Subscription.phone == e164, Subscription.active.is_(True))
    if service_id:
        query = query.where(Subscription.service_id == service_id)
    if council_id:
        query = query.where(Subscription.council_id == council_id)
    rows = session.execute(query).scalars().all()
    now = utcnow()
    for row in rows:
        row.active, row.unsubscribed_at = False, now
    session.flush()
    return len(rows)


def _live(now: datetime):  # noqa: ANN202 - a SQL expression
    return (Subscription.active.is_(True)) & (Subscription.expires_at > now)


def subscribers_for(
    session: Session, council_id: str, service_id: str | None = None,
    now: datetime | None = None,
) -> list[Subscription]:
    """Active, unexpired subscriptions of a council's service (or of all its services)."""
    query = select(Subscription).where(Subscription.council_id == council_id,
                                       _live(now or utcnow()))
    if service_id:
        query = query.where(Subscription.service_id == service_id)
    return list(session.execute(query.order_by(Subscription.id)).scalars())


def active_subscriptions(session: Session, phone: str) -> list[Subscription]:
    """A number's live subscriptions (for the dialogue: 'you will get a text about ...')."""
    e164 = normalise_uk_phone(phone or "") or (phone or "").strip()
    return list(session.execute(
        select(Subscription).where(Subscription.phone == e164, _live(utcnow()))
        .order_by(Subscription.id)
    ).scalars())


def subscriber_counts(session: Session) -> list[tuple[str, str, int]]:
    """(council id, service id, live subscribers) for the console."""
    rows = session.execute(
        select(Subscription.council_id, Subscription.service_id, func.count())
        .where(_live(utcnow()))
        .group_by(Subscription.council_id, Subscription.service_id)
        .order_by(Subscription.council_id, Subscription.service_id)
    ).all()
    return [(council, service, count) for council, service, count in rows]


def stop_named_service(session: Session, phone: str, text: str) -> str | None:
    """For an SMS like "stop bins": end that one subscription and return the confirmation.

    None (the text is an ordinary message) unless the text is STOP + words naming a service
    the number is subscribed to, so "stop sending me letters" still reaches the assistant.
    """
    from bot.services.status import service_from_text  # status imports this module

    match = _STOP_SERVICE.match(text or "")
    if not match:
        return None
    service_id = service_from_text(match.group(1))
    if service_id is None or not unsubscribe(session, phone, service_id):
        return None
    service = session.get(Service, service_id)
    name = service.name if service else service_id
    return to_gsm7(f"OK, no more texts about {name}. Other texts you asked for still come. "
                   "Reply STOP to stop all texts.")


# --- when texts may go --------------------------------------------------------------------------


def after_quiet_hours(moment: datetime) -> datetime:
    """`moment` (naive UTC), or 08:00 UK time next if it falls between 21:00 and 08:00 UK."""
    local = moment.replace(tzinfo=timezone.utc).astimezone(UK)
    if QUIET_END <= local.time() < QUIET_START:
        return moment
    day = local.date() if local.time() < QUIET_END else local.date() + timedelta(days=1)
    morning = datetime.combine(day, QUIET_END, tzinfo=UK)
    return morning.astimezone(timezone.utc).replace(tzinfo=None)


def _slots(session: Session, count: int, now: datetime) -> list[datetime]:
    """`count` send times: after the last one already planned, 1/SMS_NOTIFY_PER_SECOND apart,
    none in quiet hours."""
    interval = timedelta(seconds=1.0 / get_settings().sms_notify_per_second)
    last = session.execute(
        select(func.max(SmsNotification.not_before)).where(SmsNotification.state == WAITING)
    ).scalar()
    slot = max(now, last + interval) if last else now
    slots = []
    for _ in range(count):
        slot = after_quiet_hours(slot)
        slots.append(slot)
        slot += interval
    return slots


def _owe(
    session: Session, subscriptions: Iterable[Subscription], event_key: str, body: str,
    now: datetime, *, status_change_id: int | None = None, broadcast_id: int | None = None,
) -> int:
    """Insert one waiting notification per subscription not already owed this event."""
    candidates = list(subscriptions)
    if not candidates:
        return 0
    already = set(session.execute(
        select(SmsNotification.subscription_id).where(
            SmsNotification.event_key == event_key,
            SmsNotification.subscription_id.in_([s.id for s in candidates]),
        )
    ).scalars())
    fresh = [s for s in candidates if s.id not in already]
    for subscription, slot in zip(fresh, _slots(session, len(fresh), now), strict=True):
        session.add(SmsNotification(
            subscription_id=subscription.id, event_key=event_key, body=body, state=WAITING,
            not_before=slot, created_at=now, status_change_id=status_change_id,
            broadcast_id=broadcast_id,
        ))
    session.flush()  # the unique (subscription, event) refuses a concurrent duplicate here
    return len(fresh)


# --- restoration ------------------------------------------------------------------------------


def restoration_text(service_name: str, council_name: str, what_works: str = "") -> str:
    what = (what_works or "").strip().rstrip(".") or "You can use it as normal again"
    return to_gsm7(f"Good news: {service_name} in {council_name} is working again. {what}."
                   + STOP_TEXTS)


def record_status_change(
    session: Session, council_id: str, service_id: str, old_state: str | None, new_state: str,
    changed_by: str, what_works: str = "", now: datetime | None = None,
) -> int:
    """Called by set_status in its transaction. Records a change of state; on a restoration
    (anything -> operating) queues one text per live subscriber. Returns texts queued."""
    if old_state == new_state:
        return 0
    now = now or utcnow()
    change = ServiceStatusChange(council_id=council_id, service_id=service_id,
                                 old_state=old_state, new_state=new_state,
                                 changed_by=changed_by, changed_at=now)
    session.add(change)
    session.flush()
    if new_state != "operating" or old_state is None:
        return 0
    council, service = session.get(Council, council_id), session.get(Service, service_id)
    body = restoration_text(service.name, council.short_name, what_works)
    return _owe(session, subscribers_for(session, council_id, service_id, now),
                f"change-{change.id}", body, now, status_change_id=change.id)


# --- broadcasts -------------------------------------------------------------------------------


@dataclass(frozen=True)
class BroadcastPreview:
    text: str
    recipients: int
    segments: int
    parts: int


def broadcast_text(session: Session, council_id: str, body: str) -> str:
    council = session.get(Council, council_id)
    prefix = f"{council.short_name} council: " if council else ""
    return to_gsm7(prefix + " ".join((body or "").split()) + STOP_TEXTS)


def preview_broadcast(
    session: Session, council_id: str, service_id: str | None, body: str
) -> BroadcastPreview:
    text = broadcast_text(session, council_id, body)
    return BroadcastPreview(text, len(subscribers_for(session, council_id, service_id or None)),
                            gsm7_segments(text), len(render_parts(text)))


def draft_broadcast(
    session: Session, council_id: str, service_id: str | None, body: str, author: str,
) -> SmsBroadcast:
    """A broadcast awaiting a second supervisor's approval; BroadcastError if invalid."""
    if session.get(Council, council_id) is None:
        raise BroadcastError("choose a council")
    if service_id and session.get(Service, service_id) is None:
        raise BroadcastError("unknown service")
    if not (body or "").strip():
        raise BroadcastError("write the update first")
    preview = preview_broadcast(session, council_id, service_id, body)
    if preview.segments > MAX_BROADCAST_SEGMENTS:
        raise BroadcastError(f"too long: {preview.segments} text segments, at most "
                             f"{MAX_BROADCAST_SEGMENTS}")
    row = SmsBroadcast(council_id=council_id, service_id=service_id or None,
                       body=preview.text, segments=preview.segments, state=AWAITING_APPROVAL,
                       created_by=author)
    session.add(row)
    session.flush()
    return row


def _decidable(session: Session, broadcast_id: int, supervisor: str) -> SmsBroadcast:
    row = session.get(SmsBroadcast, broadcast_id, with_for_update=True)
    if row is None:
        raise BroadcastError("no such broadcast")
    if row.state != AWAITING_APPROVAL:
        raise BroadcastError(f"this broadcast is already {row.state.replace('_', ' ')}")
    staff = session.execute(
        select(StaffUser).where(StaffUser.username == supervisor)
    ).scalar_one_or_none()
    if staff is None or not staff.active or staff.role != "supervisor":
        raise BroadcastError("only a supervisor may approve or reject a broadcast")
    return row


def approve_broadcast(
    session: Session, broadcast_id: int, approver: str, now: datetime | None = None
) -> int:
    """Four eyes: a supervisor other than the author sends it; returns texts queued."""
    row = _decidable(session, broadcast_id, approver)
    if row.created_by == approver:
        raise BroadcastError("a second supervisor must approve: you wrote this one")
    now = now or utcnow()
    won = session.execute(
        update(SmsBroadcast)
        .where(SmsBroadcast.id == row.id, SmsBroadcast.state == AWAITING_APPROVAL)
        .values(state=APPROVED, decided_by=approver, decided_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if won != 1:
        raise BroadcastError("this broadcast was decided by someone else just now")
    session.refresh(row)
    queued = _owe(session, subscribers_for(session, row.council_id, row.service_id, now),
                  f"broadcast-{row.id}", row.body, now, broadcast_id=row.id)
    row.recipients = queued
    session.flush()
    return queued


def reject_broadcast(session: Session, broadcast_id: int, supervisor: str) -> None:
    """Any supervisor (the author too, to withdraw it) may reject a broadcast not yet sent."""
    row = _decidable(session, broadcast_id, supervisor)
    row.state, row.decided_by, row.decided_at = REJECTED, supervisor, utcnow()
    session.flush()


FIGURES = ("queued", "sent", "delivered", "failed", "not_sent")
_OUTCOME_RANK = {"queued": 0, "failed": 1, "not_sent": 2, "sent": 3, "delivered": 4}


def _outcome(notification_state: str, part_state: str | None, sms_status: str | None) -> str:
    if notification_state == WAITING:
        return "queued"
    if notification_state == SKIPPED:
        return "not_sent"
    if part_state in (None, "pending", "sending"):
        return "queued"
    if part_state == "cancelled":
        return "not_sent"
    if part_state in ("refused", "expired"):
        return "failed"
    if sms_status in ("failed", "undelivered"):
        return "failed"
    if sms_status in ("delivered", "read"):
        return "delivered"
    return "sent"


def broadcast_figures(session: Session, broadcast_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """Per broadcast: texts queued, sent, delivered (Twilio's status callbacks), failed, not
    sent (STOP, unsubscribed). A text in several parts counts by its least advanced part."""
    ids = list(broadcast_ids)
    figures = {bid: dict.fromkeys(FIGURES, 0) for bid in ids}
    if not ids:
        return figures
    rows = session.execute(
        select(SmsNotification.id, SmsNotification.broadcast_id, SmsNotification.state,
               SmsOutboxItem.state, SmsMessage.status)
        .outerjoin(SmsOutboxItem, SmsOutboxItem.batch == SmsNotification.batch)
        .outerjoin(SmsMessage, SmsMessage.message_sid == SmsOutboxItem.message_sid)
        .where(SmsNotification.broadcast_id.in_(ids))
    ).all()
    outcome: dict[int, tuple[int, str]] = {}
    for notification_id, broadcast_id, state, part_state, sms_status in rows:
        result = _outcome(state, part_state, sms_status)
        previous = outcome.get(notification_id)
        if previous is None or _OUTCOME_RANK[result] < _OUTCOME_RANK[previous[1]]:
            outcome[notification_id] = (broadcast_id, result)
    for broadcast_id, result in outcome.values():
        figures[broadcast_id][result] += 1
    return figures


def broadcasts(session: Session, limit: int = 50) -> list[SmsBroadcast]:
    return list(session.execute(
        select(SmsBroadcast).order_by(SmsBroadcast.id.desc()).limit(limit)
    ).scalars())


# --- into the SMS outbox ----------------------------------------------------------------------


def _conversation_id(session: Session, phone: str) -> str:
    """The SMS conversation (pseudonym) of a number, created if it never texted us."""
    from bot.channels.sms_store import conversation_key, pseudonym

    row = session.execute(
        select(SmsConversation).where(SmsConversation.phone == phone)
    ).scalar_one_or_none()
    if row is None:
        row = SmsConversation(conversation_id=pseudonym(phone, conversation_key()), phone=phone)
        session.add(row)
        session.flush()
    return row.conversation_id


def release_due(session: Session, limit: int, now: datetime | None = None) -> list[str]:
    """Move up to `limit` due notifications into the SMS outbox; their conversation ids.

    Each row is taken with a guarded UPDATE (waiting -> queued), so two processes never both
    move it; the outbox rows are written in the same transaction (the caller's).
    """
    now = now or utcnow()
    due = session.execute(
        select(SmsNotification)
        .where(SmsNotification.state == WAITING, SmsNotification.not_before <= now)
        .order_by(SmsNotification.not_before, SmsNotification.id).limit(limit)
    ).scalars().all()
    conversations: list[str] = []
    for notification in due:
        subscription = session.get(Subscription, notification.subscription_id)
        opted_out = subscription is not None and session.execute(
            select(SmsOptOut.opted_out).where(SmsOptOut.phone == subscription.phone)
        ).scalar()
        sendable = subscription is not None and subscription.active and not opted_out
        batch = uuid.uuid4().hex if sendable else None
        won = session.execute(
            update(SmsNotification)
            .where(SmsNotification.id == notification.id, SmsNotification.state == WAITING)
            .values(state=QUEUED if sendable else SKIPPED, released_at=now, batch=batch)
            .execution_options(synchronize_session=False)
        ).rowcount
        if won != 1 or not sendable:
            continue
        conversation_id = _conversation_id(session, subscription.phone)
        for part in render_parts(notification.body):
            session.add(SmsOutboxItem(
                conversation_id=conversation_id, batch=batch, body=part,
                segments=gsm7_segments(part) or None, state="pending", attempts=0,
                next_attempt_at=now, created_at=now,
            ))
        conversations.append(conversation_id)
    session.flush()
    return list(dict.fromkeys(conversations))


def release_pace() -> tuple[float, int]:
    """(seconds between passes, notifications per pass) for SMS_NOTIFY_PER_SECOND."""
    rate = get_settings().sms_notify_per_second
    tick = max(0.05, 1.0 / rate)
    return tick, max(1, math.ceil(rate * tick))


def pending_counts(session: Session) -> dict[str, int]:
    """Notifications per state, for the console and the benchmarks."""
    rows = session.execute(
        select(SmsNotification.state, func.count()).group_by(SmsNotification.state)
    ).all()
    return dict(Counter({state: count for state, count in rows}))


# --- privacy ----------------------------------------------------------------------------------


def export_rows(session: Session, phones: Iterable[str]) -> list[Subscription]:
    return list(session.execute(
        select(Subscription).where(Subscription.phone.in_(list(phones)))
        .order_by(Subscription.id)
    ).scalars())


def purge_subscriptions(session: Session, cutoff: datetime) -> int:
    """Delete subscriptions that ended (expired or unsubscribed) before `cutoff`, with the
    notifications owed to them; returns how many subscriptions went."""
    ended = session.execute(select(Subscription.id).where(or_(
        Subscription.expires_at < cutoff,
        (Subscription.active.is_(False)) & (Subscription.unsubscribed_at < cutoff),
    ))).scalars().all()
    if not ended:
        return 0
    for chunk_start in range(0, len(ended), 500):
        chunk = ended[chunk_start:chunk_start + 500]
        session.execute(SmsNotification.__table__.delete().where(
            SmsNotification.subscription_id.in_(chunk)))
        session.execute(Subscription.__table__.delete().where(Subscription.id.in_(chunk)))
    return len(ended)
