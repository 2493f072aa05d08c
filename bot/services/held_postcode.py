"""A postcode the resident gave before their conversation had a case, kept for the case.

Why: "my bins weren't collected, W10 6EL" is answered by the status turn and opens no case;
when "can I speak to someone" then opens one, the contact form asked for the postcode again.
The tracker store keeps only "[POSTCODE]" of the first message (bot/privacy/tracker_store.py:
contact details go where they belong when first received and are never read back from the
transcript), so the postcode is held in `held_postcodes` when a turn first reads it, and
`bot.services.cases.ensure_case` moves it onto the conversation's case (the form then finds
`contact_postcode` filled and does not ask).

Held: a full postcode only (an outward code such as "W10" picks a council but is not an
address); the first one (as on the case, a second does not replace it); never one typed to
check a case, which may be someone else's or a guess. Used for HOLD_FOR only: a conversation
picked up again days later is asked again. Retention purges what was never used.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.db.models import OPEN_CASE_STATUSES, Case, HeldPostcode, utcnow
from bot.parsing.contact import extract_contact

if TYPE_CHECKING:  # bot.services.cases imports this module, and bot.services.turn imports more
    from bot.services.turn import TurnContext

HOLD_FOR = timedelta(hours=24)
# the case-status questions: a postcode there checks a case, it does not describe this resident
_CHECKING_A_CASE = {"identity", "find_case", "case_ref"}


def hold_postcode(session: Session, ctx: TurnContext) -> None:
    """After a dialogue turn: keep a full postcode from this message for a case not yet open
    (or open without a postcode, as a complaint logged before the offer of a person)."""
    text = ctx.text or ""
    if (not text or text.startswith("/") or ctx.intent == "case_status"
            or ctx.slot("pending") in _CHECKING_A_CASE
            or ctx.slot("requested_slot")):  # a form is asking: it puts the postcode on the case
        return
    postcode = extract_contact(text).postcode
    if postcode is None:
        return
    has_postcode = session.scalar(select(Case.id).where(
        Case.conversation_id == ctx.conversation_id, Case.status.in_(OPEN_CASE_STATUSES),
        Case.postcode.is_not(None)).limit(1))
    if has_postcode is not None:
        return
    held = session.get(HeldPostcode, ctx.conversation_id)
    if held is not None and _fresh(held.created_at):
        return  # the first one is kept
    if held is not None:
        session.delete(held)
        session.flush()
    session.add(HeldPostcode(conversation_id=ctx.conversation_id, postcode=postcode))
    session.flush()


def take_held_postcode(session: Session, conversation_id: str) -> str | None:
    """The postcode held for this conversation, removed from the holding table (it now lives on
    the case); None when there is none or it is older than HOLD_FOR."""
    held = session.get(HeldPostcode, conversation_id)
    if held is None:
        return None
    postcode = held.postcode if _fresh(held.created_at) else None
    session.delete(held)
    session.flush()
    return postcode


def purge_held_postcodes(session: Session, now: datetime | None = None) -> int:
    """Delete postcodes held longer than HOLD_FOR (never used: no case was opened)."""
    cutoff = (now or utcnow()) - HOLD_FOR
    removed = session.execute(delete(HeldPostcode).where(HeldPostcode.created_at < cutoff))
    return removed.rowcount or 0


def _fresh(created_at: datetime) -> bool:
    return created_at >= utcnow() - HOLD_FOR
