"""The SMS outbox: every reply part is written here first and leaves only when Twilio takes it.

Why a table and not just retries in memory: an outage of Twilio's API (or of our network to
it) can last minutes, longer than any request should wait, and a Rasa process can restart in
the meantime. Replies wait here and go out, in order, once the API answers again.

Rules the functions keep, whichever process (several Rasa instances share one database) calls:
- one conversation's parts leave strictly in `id` order: only the oldest unsettled part (the
  head) may be claimed, and nothing behind a head that is being sent or waiting for a retry;
- a part is claimed by a guarded UPDATE (`state = 'pending'`), so two senders never both send it;
- a claim that outlives its sender (the process died mid-request) is never resent: Twilio may
  have taken it, and a text twice is the one thing worse than a text late. It is marked
  `unconfirmed`, like a request that timed out after it left;
- the body is blanked once a part is settled: the transcript is the record, not this table;
  until then it is sealed (AES-GCM, bot/privacy/sealed.py, through the column type), so the
  database file, its WAL and backups never hold a pending reply's words in clear. Only
  `claim_head`, which hands the part to the sender, reads it back.

All functions are synchronous with one short session each; the channel calls them in a thread.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from bot.db.engine import get_engine, session_scope
from bot.db.models import SmsOutboxItem, utcnow

PENDING = "pending"
SENDING = "sending"
UNSETTLED = (PENDING, SENDING)
SENT = "sent"
UNCONFIRMED = "unconfirmed"
REFUSED = "refused"
CANCELLED = "cancelled"
EXPIRED = "expired"
MAX_RETRY_DELAY = 60.0


@dataclass(frozen=True)
class ClaimedPart:
    id: int
    conversation_id: str
    batch: str
    body: str
    attempts: int
    created_at: datetime


def enqueue(conversation_id: str, parts: Sequence[str], segments: Sequence[int | None]) -> str:
    """Queue one reply's parts behind anything still unsent for the conversation; returns batch."""
    batch = uuid.uuid4().hex
    now = utcnow()
    with session_scope() as session:
        for body, count in zip(parts, segments, strict=False):
            session.add(SmsOutboxItem(
                conversation_id=conversation_id, batch=batch, body=body, segments=count,
                state=PENDING, attempts=0, next_attempt_at=now, created_at=now,
            ))
    return batch


def claim_head(conversation_id: str, claim_seconds: float) -> ClaimedPart | None:
    """The conversation's next part, now reserved for the caller; None if nothing may go now."""
    now = utcnow()
    with session_scope() as session:
        while True:
            head = session.execute(
                select(SmsOutboxItem)
                .where(SmsOutboxItem.conversation_id == conversation_id,
                       SmsOutboxItem.state.in_(UNSETTLED))
                .order_by(SmsOutboxItem.id).limit(1)
            ).scalar_one_or_none()
            if head is None:
                return None
            if head.state == SENDING:
                if head.claimed_until and head.claimed_until > now:
                    return None  # another sender has it: keep the order, wait
                _settle(head, UNCONFIRMED, "sender-lost")
                session.flush()
                continue
            if head.next_attempt_at > now:
                return None
            won = session.execute(
                update(SmsOutboxItem)
                .where(SmsOutboxItem.id == head.id, SmsOutboxItem.state == PENDING)
                .values(state=SENDING, attempts=SmsOutboxItem.attempts + 1,
                        claimed_until=now + timedelta(seconds=claim_seconds), updated_at=now)
                .execution_options(synchronize_session=False)
            ).rowcount
            if won != 1:
                return None
            return ClaimedPart(head.id, head.conversation_id, head.batch, head.body,
                               head.attempts + 1, head.created_at)


def mark_sent(part_id: int, message_sid: str | None, unconfirmed: bool = False) -> None:
    """Settle a part Twilio took (or may have taken): one UPDATE, as it runs for every part."""
    with get_engine().begin() as connection:
        connection.execute(
            update(SmsOutboxItem).where(SmsOutboxItem.id == part_id).values(
                message_sid=message_sid, updated_at=utcnow(),
                **_settled(UNCONFIRMED if unconfirmed else SENT, None),
            )
        )


def defer(part_id: int, error: str, attempts: int) -> datetime:
    """Put a claimed part back for a later try, with capped exponential backoff; returns when."""
    delay = min(MAX_RETRY_DELAY, 2.0 ** max(attempts - 1, 0))
    when = utcnow() + timedelta(seconds=delay + random.uniform(0, delay / 4))
    with session_scope() as session:
        row = session.get(SmsOutboxItem, part_id)
        if row is not None and row.state == SENDING:
            row.state = PENDING
            row.claimed_until = None
            row.next_attempt_at = when
            row.last_error = error[:40]
    return when


def refuse(part_id: int, state: str, error: str) -> int:
    """Settle a part Twilio will never take (or that expired) and cancel the rest of its reply.

    Later parts of the same reply would read out of context without it; other replies still go.
    Returns how many parts were settled.
    """
    with session_scope() as session:
        row = session.get(SmsOutboxItem, part_id)
        if row is None:
            return 0
        _settle(row, state, error)
        rest = session.execute(
            select(SmsOutboxItem).where(SmsOutboxItem.batch == row.batch,
                                        SmsOutboxItem.state == PENDING)
        ).scalars().all()
        for later in rest:
            _settle(later, CANCELLED, "earlier-part-" + state)
        return 1 + len(rest)


def cancel_conversation(conversation_id: str, reason: str) -> int:
    """Drop every unsent part (the resident opted out, or we no longer know their number)."""
    with session_scope() as session:
        rows = session.execute(
            select(SmsOutboxItem).where(SmsOutboxItem.conversation_id == conversation_id,
                                        SmsOutboxItem.state.in_(UNSETTLED))
        ).scalars().all()
        for row in rows:
            _settle(row, CANCELLED, reason)
        return len(rows)


def due_conversations(limit: int = 200) -> list[str]:
    """Conversations whose head part may be tried now (or whose sender vanished mid-send)."""
    now = utcnow()
    with session_scope() as session:
        ready = (SmsOutboxItem.state == PENDING) & (SmsOutboxItem.next_attempt_at <= now)
        lost = (SmsOutboxItem.state == SENDING) & (SmsOutboxItem.claimed_until <= now)
        rows = session.execute(
            select(SmsOutboxItem.conversation_id, func.min(SmsOutboxItem.id).label("first"))
            .where(ready | lost)
            .group_by(SmsOutboxItem.conversation_id)
            .order_by("first").limit(limit)
        ).all()
    return [row.conversation_id for row in rows]


def backlog() -> dict[str, int]:
    """Parts per state, for the console and the benchmarks."""
    with session_scope() as session:
        rows = session.execute(
            select(SmsOutboxItem.state, func.count()).group_by(SmsOutboxItem.state)
        ).all()
    return {state: count for state, count in rows}


def _settled(state: str, error: str | None) -> dict[str, object]:
    """The columns of a settled part: final state, no claim, body blanked (the transcript is
    the record), and why, if it went wrong."""
    values: dict[str, object] = {"state": state, "claimed_until": None, "body": ""}
    if error:
        values["last_error"] = error[:40]
    return values


def _settle(row: SmsOutboxItem, state: str, error: str | None) -> None:
    for column, value in _settled(state, error).items():
        setattr(row, column, value)
