"""The SMS inbox: an accepted text stays in the database until its turn has run.

The webhook answers Twilio at once and the turn runs later from an in-memory queue; once the
MessageSid is recorded, Twilio's retries are ignored. So a server that dies with texts queued
would lose them for good. Here every accepted text is written, in the same transaction as its
MessageSid, with the server process that owns it; each process sends heartbeats, and a live
process adopts the texts of one whose heartbeat stopped:
- a text whose turn never started is run by the adopter, in order per conversation;
- a text whose turn was running is not run again (Rasa may have stored it, the reply may have
  gone): the resident is asked to send it again instead of silently getting nothing.
The body is blanked once the turn has run. Synchronous, one short session per call.
"""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from bot.config import get_settings
from bot.db.engine import session_scope
from bot.db.models import SmsInboxItem, SmsMessage, SmsWorker, utcnow

QUEUED = "queued"
RUNNING = "running"
DONE = "done"
INTERRUPTED = "interrupted"


def new_owner() -> str:
    """Names this server process: host, pid and a random part (a pid can be reused)."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass(frozen=True)
class QueuedText:
    message_sid: str
    conversation_id: str
    phone: str
    body: str
    num_media: int


def accept(text: QueuedText, owner: str, segments: int | None = None) -> bool:
    """Record the MessageSid and queue the text in one transaction; False for a retry."""
    try:
        with session_scope() as session:
            session.add(SmsMessage(
                message_sid=text.message_sid, direction="inbound", phone=text.phone,
                status="received", segments=segments,
            ))
            session.add(SmsInboxItem(
                message_sid=text.message_sid, conversation_id=text.conversation_id,
                phone=text.phone, body=text.body, num_media=text.num_media, state=QUEUED,
                owner=owner,
            ))
    except IntegrityError:
        return False
    return True


def start(message_sid: str, owner: str) -> bool:
    """Mark the text's turn as running; False if it is no longer this owner's to run."""
    with session_scope() as session:
        won = session.execute(
            update(SmsInboxItem)
            .where(SmsInboxItem.message_sid == message_sid, SmsInboxItem.state == QUEUED,
                   SmsInboxItem.owner == owner)
            .values(state=RUNNING, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        ).rowcount
    return won == 1


def finish(message_sid: str) -> None:
    with session_scope() as session:
        session.execute(
            update(SmsInboxItem).where(SmsInboxItem.message_sid == message_sid)
            .values(state=DONE, body="", updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )


def heartbeat(owner: str) -> None:
    with session_scope() as session:
        row = session.get(SmsWorker, owner)
        if row is None:
            session.add(SmsWorker(owner=owner, heartbeat_at=utcnow()))
        else:
            row.heartbeat_at = utcnow()


def adopt_orphans(owner: str) -> tuple[list[QueuedText], list[str]]:
    """Take over the texts of owners whose heartbeat stopped.

    Returns (texts to run now, in arrival order; conversations whose running turn was cut
    off). Each row is moved by a guarded UPDATE, so two adopters never both take it.
    """
    stale_after = timedelta(seconds=get_settings().sms_worker_stale_seconds)
    cutoff = utcnow() - stale_after
    with session_scope() as session:
        alive = set(session.execute(
            select(SmsWorker.owner).where(SmsWorker.heartbeat_at >= cutoff)
        ).scalars())
        alive.add(owner)
        rows = session.execute(
            select(SmsInboxItem)
            .where(SmsInboxItem.state.in_((QUEUED, RUNNING)), SmsInboxItem.owner.not_in(alive),
                   SmsInboxItem.created_at < cutoff)  # never a text just accepted
            .order_by(SmsInboxItem.id).limit(500)
        ).scalars().all()
        adopted: list[QueuedText] = []
        interrupted: list[str] = []
        for row in rows:
            queued = row.state == QUEUED
            values = (dict(owner=owner) if queued
                      else dict(owner=owner, state=INTERRUPTED, body=""))
            won = session.execute(
                update(SmsInboxItem)
                .where(SmsInboxItem.id == row.id, SmsInboxItem.owner == row.owner,
                       SmsInboxItem.state == row.state)
                .values(updated_at=utcnow(), **values)
                .execution_options(synchronize_session=False)
            ).rowcount
            if won != 1:
                continue
            if queued:
                adopted.append(QueuedText(row.message_sid, row.conversation_id, row.phone,
                                          row.body, row.num_media))
            elif row.conversation_id not in interrupted:
                interrupted.append(row.conversation_id)
        session.execute(
            SmsWorker.__table__.delete().where(SmsWorker.heartbeat_at < cutoff - stale_after)
        )
    return adopted, interrupted
