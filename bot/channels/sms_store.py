"""SMS bookkeeping in the app database: pseudonyms, MessageSid dedup, opt-outs, choices, statuses.

The Rasa tracker only ever sees a pseudonym (`sms-` + HMAC of the number); the number itself is
kept here, next to the pseudonym, so replies and staff call-backs can still reach the resident.
Every function is synchronous and opens one short session: the actions call them directly, and
the channel runs them in a thread pool so the Rasa server's event loop never waits on the
database.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Sequence

from sqlalchemy import Integer, String, bindparam, case, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from bot.channels import sms_inbox
from bot.channels.sms_render import help_text
from bot.config import conversation_id_key, get_settings
from bot.db.engine import get_engine, session_scope
from bot.db.models import (
    OPEN_CASE_STATUSES,
    Case,
    Council,
    SmsConversation,
    SmsMessage,
    SmsOptOut,
    utcnow,
)
from bot.parsing.contact import normalise_uk_phone
from bot.services.cases import record_event

PSEUDONYM_PREFIX = "sms-"
E164 = re.compile(r"^\+[1-9]\d{7,14}$")
# Later states win; a late "sent" callback never overwrites "delivered".
STATUS_RANK = {
    "accepted": 0, "scheduled": 0, "queued": 1, "sending": 2, "sent": 3,
    "delivered": 4, "undelivered": 4, "failed": 4, "read": 5,
}


def normalise_sender(raw: str) -> str | None:
    """E.164 for a UK number in any common format, or an international E.164 number as is."""
    raw = (raw or "").strip()
    return normalise_uk_phone(raw) or (raw if E164.match(raw) else None)


def conversation_key() -> str:
    """CONVERSATION_ID_KEY, or in local development a key generated into var/ (bot.config).

    Never the Twilio auth token, so rotating that token keeps every resident's conversation.
    """
    return conversation_id_key()


def pseudonym(phone: str, key: str) -> str:
    """The Rasa sender id for an E.164 number: not reversible without the key."""
    digest = hmac.new(key.encode("utf-8"), phone.encode("utf-8"), hashlib.sha256).hexdigest()
    return PSEUDONYM_PREFIX + digest[:20]


def _conversation_for_phone(phone: str) -> str | None:
    with session_scope() as session:
        row = session.execute(
            select(SmsConversation).where(SmsConversation.phone == phone)
        ).scalar_one_or_none()
        if row is None:
            return None
        row.last_inbound_at = utcnow()
        return row.conversation_id


def ensure_conversation(phone: str) -> str:
    """The conversation id of `phone`, created on its first message (race-safe).

    An existing mapping is reused even if the key changed since, so a resident keeps one
    conversation.
    """
    existing = _conversation_for_phone(phone)
    if existing is not None:
        return existing
    try:
        with session_scope() as session:
            session.add(SmsConversation(
                conversation_id=pseudonym(phone, conversation_key()), phone=phone,
                last_inbound_at=utcnow(),
            ))
    except IntegrityError:
        pass  # a concurrent first message from the same number created it
    created = _conversation_for_phone(phone)
    if created is None:
        raise RuntimeError("could not create the SMS conversation")
    return created


def accept_inbound(
    message_sid: str, phone: str, body: str, num_media: int, owner: str,
    segments: int | None = None,
) -> str | None:
    """Record and queue an inbound text; its conversation id, or None if it is a retry."""
    conversation_id = ensure_conversation(phone)
    text = sms_inbox.QueuedText(message_sid, conversation_id, phone, body, num_media)
    return conversation_id if sms_inbox.accept(text, owner, segments) else None


def phone_for_conversation(conversation_id: str) -> str | None:
    """The resident's E.164 number behind an SMS pseudonym (for actions pre-filling a case)."""
    with session_scope() as session:
        row = session.get(SmsConversation, conversation_id)
        return row.phone if row else None


def delivery_target(conversation_id: str) -> tuple[str | None, bool]:
    """(phone, opted_out) for a conversation, checked together right before each send."""
    with session_scope() as session:
        row = session.get(SmsConversation, conversation_id)
        if row is None:
            return None, False
        opt_out = session.get(SmsOptOut, row.phone)
        return row.phone, bool(opt_out and opt_out.opted_out)


def is_opted_out(phone: str) -> bool:
    with session_scope() as session:
        row = session.get(SmsOptOut, phone)
        return bool(row and row.opted_out)


def set_opt_out(phone: str, opted_out: bool, conversation_id: str) -> int:
    """Record STOP (True) or START (False); flag the conversation's open cases for staff.

    Returns how many open cases changed.
    """
    with session_scope() as session:
        row = session.get(SmsOptOut, phone)
        if row is None:
            session.add(SmsOptOut(phone=phone, opted_out=opted_out))
        else:
            row.opted_out = opted_out
        cases = session.execute(
            select(Case).where(
                Case.conversation_id == conversation_id,
                Case.status.in_(OPEN_CASE_STATUSES),
                Case.sms_opted_out != opted_out,
            )
        ).scalars().all()
        for case in cases:
            case.sms_opted_out = opted_out
            record_event(session, case, "sms", *_opt_event(opted_out))
        return len(cases)


def _opt_event(opted_out: bool) -> tuple[str, str]:
    if opted_out:
        return "sms_opted_out", "Resident texted STOP: do not text them; use another route."
    return "sms_opted_in", "Resident texted START: texts may be sent again."


def save_choices(conversation_id: str, choices: Sequence[Sequence[str]]) -> None:
    """Remember the numbered (title, payload) choices just texted to this conversation."""
    with session_scope() as session:
        row = session.get(SmsConversation, conversation_id)
        if row is not None:
            row.offered_choices = [list(choice) for choice in choices]


def take_choices(conversation_id: str) -> list[list[str]]:
    """The choices offered last, forgotten as they are read: they answer only the next text."""
    with session_scope() as session:
        row = session.get(SmsConversation, conversation_id)
        if row is None or not row.offered_choices:
            return []
        choices = [list(choice) for choice in row.offered_choices]
        row.offered_choices = None
        return choices


def record_status(
    message_sid: str,
    status: str,
    *,
    phone: str | None = None,
    error_code: str | None = None,
    segments: int | None = None,
) -> bool:
    """Create or advance an outbound message's row; returns False if unknown and no phone given.

    Called both by the sender (with the sid Twilio returned) and by the status callback, which
    can arrive first: whichever comes second updates the row.
    """
    for _attempt in range(2):
        try:
            return _upsert_status(message_sid, status, phone, error_code, segments)
        except IntegrityError:
            continue  # the other writer inserted it just now: update it instead
    return False


# One prebuilt statement per upsert step: a reply part gets three or four status reports,
# and an ORM load-modify-flush for each cost the Rasa server more than the SQL itself.
_LATER = bindparam("new_rank", type_=Integer) >= case(STATUS_RANK, value=SmsMessage.status,
                                                     else_=0)
_ADVANCE_STATUS = (
    update(SmsMessage)
    .where(SmsMessage.message_sid == bindparam("sid", type_=String))
    .values(
        status=case((_LATER, bindparam("new_status", type_=String)), else_=SmsMessage.status),
        error_code=case(
            (_LATER, func.coalesce(bindparam("new_error", type_=String), SmsMessage.error_code)),
            else_=SmsMessage.error_code,
        ),
        segments=func.coalesce(bindparam("new_segments", type_=Integer), SmsMessage.segments),
    )
)


def _upsert_status(
    message_sid: str, status: str, phone: str | None, error_code: str | None,
    segments: int | None,
) -> bool:
    with get_engine().begin() as connection:
        advanced = connection.execute(_ADVANCE_STATUS, {
            "sid": message_sid, "new_rank": STATUS_RANK.get(status, 0), "new_status": status,
            "new_error": error_code, "new_segments": segments,
        })
        if advanced.rowcount:
            return True
        if phone is None:
            return False
        connection.execute(insert(SmsMessage).values(
            message_sid=message_sid, direction="outbound", phone=phone, status=status,
            error_code=error_code, segments=segments,
        ))
        return True


def help_reply() -> str:
    """HELP text with the default council's contact routes, or a generic one."""
    council_id = get_settings().default_council
    if not council_id:
        return help_text()
    with session_scope() as session:
        council = session.get(Council, council_id)
        if council is None:
            return help_text()
        phone = council.incident_helpline or council.out_of_hours_phone
        return help_text(council.short_name, phone, council.website)
