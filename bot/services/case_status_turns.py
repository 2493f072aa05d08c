"""Case status: find the case by a (possibly mistyped) reference, reveal nothing before an
identity check, and rate-limit guessing per conversation.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.parsing.references import normalise_reference
from bot.services.cases import (
    STATUS_WORDS,
    get_case_by_reference,
    lookups_remaining,
    open_case_for,
    record_lookup,
    verify_identity,
)
from bot.services.status import describe_age
from bot.services.turn import Outcome, TurnContext

ASK_REFERENCE = (
    "What is your case reference? It looks like KC-7KQ2-M9XD and was in the message that "
    "confirmed your case."
)
ASK_IDENTITY = (
    "To protect your privacy, please tell me the postcode or the last four digits of the phone "
    "number on the case."
)
NO_MATCH = (
    "Sorry, I can't share a case with those details. Please check the reference and try again, "
    "or ask to speak to a person."
)
LOCKED = (
    "There have been too many attempts from this conversation, so I can't look up cases for "
    "now. Please try again in an hour, or ask to speak to a person."
)


def case_status_turn(session: Session, ctx: TurnContext) -> Outcome:
    if lookups_remaining(session, ctx.conversation_id) == 0:
        return Outcome(slots={"pending": None, "lookup_ref": None}).say(LOCKED)
    typed_ref = normalise_reference(ctx.entity("case_ref") or "") or normalise_reference(ctx.text)
    if ctx.slot("pending") == "identity" and ctx.slot("lookup_ref") and not typed_ref:
        return _check_identity(session, ctx)
    if typed_ref is None:
        own = open_case_for(session, ctx.conversation_id)
        if own is not None and own.submitted:
            return Outcome().say(_status_text(own))
        return Outcome(slots={"pending": "case_ref"}).say(ASK_REFERENCE)
    return Outcome(slots={"pending": "identity", "lookup_ref": typed_ref}).say(
        f"Thanks, reference {typed_ref}. {ASK_IDENTITY}"
    )


def _check_identity(session: Session, ctx: TurnContext) -> Outcome:
    case = get_case_by_reference(session, ctx.slot("lookup_ref"))
    matched = case is not None and verify_identity(case, ctx.text)
    record_lookup(session, ctx.conversation_id, succeeded=matched)
    outcome = Outcome(slots={"pending": None, "lookup_ref": None})
    if not matched:
        return outcome.say(NO_MATCH)
    return outcome.say(_status_text(case))


def _status_text(case) -> str:  # noqa: ANN001 - a Case row
    words = STATUS_WORDS.get(case.status, case.status)
    return (
        f"Your case {case.reference} {words} (last change {describe_age(case.updated_at)}). "
        "Is there anything else I can help with?"
    )
