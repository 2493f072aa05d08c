"""An SMS that did not reach the resident shows on their case (issue #15, item 8).

Why: a reply Twilio refused, one that expired in the outbox, or one Twilio later reported as
failed or undelivered was only a row in `sms_messages`; the officer saw "Message sent" and
waited for an answer that could never come. Now each such text adds one event to the latest
case of that conversation ("SMS not delivered"), which the case page lists, so staff can try
another route. One event per Twilio message id: status callbacks repeat.
"""

from __future__ import annotations

from sqlalchemy import select

from bot.db.engine import session_scope
from bot.db.models import Case, CaseEvent, SmsConversation
from bot.services.cases import record_event

NOT_DELIVERED = "sms_not_delivered"
FAILED_STATUSES = frozenset({"failed", "undelivered"})


def note_not_delivered(why: str, conversation_id: str | None = None, phone: str | None = None,
                       message_sid: str | None = None) -> bool:
    """Add the event to the conversation's latest case; True when one was added."""
    with session_scope() as session:
        if conversation_id is None and phone:
            conversation_id = session.execute(select(SmsConversation.conversation_id).where(
                SmsConversation.phone == phone)).scalar()
        if not conversation_id:
            return False
        case = session.execute(select(Case).where(Case.conversation_id == conversation_id)
                               .order_by(Case.id.desc()).limit(1)).scalar_one_or_none()
        if case is None:
            return False
        marker = f" [{message_sid}]" if message_sid else ""
        if marker and session.execute(select(CaseEvent.id).where(
                CaseEvent.case_id == case.id, CaseEvent.kind == NOT_DELIVERED,
                CaseEvent.detail.endswith(marker))).first():
            return False
        record_event(session, case, "sms", NOT_DELIVERED,
                     f"A text to the resident was not delivered ({why}). Try another way to "
                     f"reach them.{marker}")
        return True
