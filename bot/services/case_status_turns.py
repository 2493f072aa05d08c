"""Case status: find the case by a (possibly mistyped) reference, reveal nothing before an
identity check (postcode AND the last four digits of the phone), and rate-limit guessing per
conversation and, across conversations, per case reference and per client
(bot/services/case_status_guard).

A lost reference can be found with the phone number and postcode on the case (both must
match, which is the identity check); an unknown reference is said to be unknown, with a "did
you mean" only for a one-character slip of a reference that exists, and never the same
question twice in a row.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Case
from bot.parsing.contact import extract_contact
from bot.parsing.references import ALPHABET, normalise_reference
from bot.services.case_status_guard import (
    client_locked_until,
    identity_matches,
    locked_until,
    record_check,
)
from bot.services.cases import (
    STATUS_WORDS,
    get_case_by_reference,
    lookups_remaining,
    open_case_for,
    record_lookup,
    verify_identity,
)
from bot.services.status import describe_age
from bot.services.turn import Outcome, TurnContext, button

WEB_PREFIX = "web-"  # the web chat's conversations (bot/channels/chat_session.py)
ASK_REFERENCE = (
    "What is your case reference? It looks like KC-7KQ2-M9XD and was in the message that "
    "confirmed your case."
)
ASK_IDENTITY = (
    "To protect your privacy, please tell me the postcode and the last four digits of the "
    "phone number on the case, in one message. For example: W10 6EL 0118."
)
NO_MATCH = (
    "Sorry, I can't share a case with those details. Please check the reference and try again, "
    "or ask to speak to a person."
)
LOCKED = (
    "There have been too many attempts from this conversation, so I can't look up cases for "
    "now. Please try again in an hour, or ask to speak to a person."
)
CASE_LOCKED = (
    "There have been too many wrong answers for this case, so I can't share it for now. "
    "Please try again in an hour, or ask to speak to a person."
)
CLIENT_LOCKED = (
    "There have been too many wrong answers from this phone or network, so I can't look up "
    "cases for now. Please try again in an hour, or ask to speak to a person."
)
FIND_BY_PHONE = (
    "I can find your case with the phone number and postcode you gave us. Send them both in "
    "one message, for example 07700 900123 W10 6EL. Or I can open a new case for you."
)
NOT_FOUND_BY_PHONE = (
    "Sorry, I can't find a case with that phone number and postcode. I can open a new case "
    "for you, or pass you to a person."
)
OPTIONS = [button("Open a new case", "human_request")]
_LOST = re.compile(
    r"\b(?:lost|lose|forgot|forget|forgotten|don'?t (?:have|know|remember)|do not (?:have|know)|"
    r"can'?t (?:find|remember)|cannot (?:find|remember)|no idea|never got|didn'?t get|"
    r"haven'?t got|deleted|no reference|not sure)\b|^\s*(?:no|nope|nah)\b",
    re.IGNORECASE,
)
_BY_PHONE = re.compile(r"\bfind it by phone\b|\bby (?:my )?phone\b", re.IGNORECASE)


def case_status_turn(session: Session, ctx: TurnContext) -> Outcome:
    if lookups_remaining(session, ctx.conversation_id) == 0:
        return Outcome(slots={"pending": None, "lookup_ref": None}).say(LOCKED)
    if client_locked_until(session, ctx.client) is not None:
        return Outcome(slots={"pending": None, "lookup_ref": None}).say(
            CLIENT_LOCKED, [button("Speak to a person", "human_request")])
    typed_ref = normalise_reference(ctx.entity("case_ref") or "") or normalise_reference(ctx.text)
    pending = ctx.slot("pending")
    if pending == "identity" and ctx.slot("lookup_ref") and not typed_ref:
        return _check_identity(session, ctx)
    if typed_ref is None:
        details = extract_contact(ctx.text)
        if pending == "find_case" or (details.phone and details.postcode):
            return _find_by_phone(session, ctx)
        if _LOST.search(ctx.text or "") or _BY_PHONE.search(ctx.text or "") or (
            pending == "case_ref" and not ctx.text.startswith("/")
        ):
            # never "What is your case reference?" twice in a row
            return Outcome(slots={"pending": "find_case", "lookup_ref": None}).say(
                FIND_BY_PHONE, [button("Open a new case", "human_request")]
            )
        own = open_case_for(session, ctx.conversation_id)
        if own is not None and own.submitted:
            if ctx.conversation_id.startswith(WEB_PREFIX):
                # A web chat can be resumed on a shared computer by the next person: the
                # identity check again, and the reference is not said before it.
                return Outcome(slots={"pending": "identity", "lookup_ref": own.reference}).say(
                    ASK_IDENTITY)
            return Outcome().say(_status_text(own))
        return Outcome(slots={"pending": "case_ref"}).say(
            f"{ASK_REFERENCE} If you don't have it, say so and I'll find it another way."
        )
    if get_case_by_reference(session, typed_ref) is not None:
        if locked_until(session, typed_ref) is not None:
            return Outcome(slots={"pending": None, "lookup_ref": None}).say(
                CASE_LOCKED, [button("Speak to a person", "human_request")])
        return Outcome(slots={"pending": "identity", "lookup_ref": typed_ref}).say(
            f"Thanks, reference {typed_ref}. {ASK_IDENTITY}"
        )
    near = one_slip_matches(session, typed_ref)
    # Guessing is limited per conversation; a reference that is not even one slip away from
    # a real one is a made-up guess, not a typo, so it counts per client too (#15.3).
    record_lookup(session, ctx.conversation_id, succeeded=False,
                  client=None if near else ctx.client)
    if len(near) == 1:
        return Outcome(slots={"pending": "identity", "lookup_ref": near[0]}).say(
            f"I can't find a case {typed_ref}. Did you mean {near[0]}? If so, please tell me "
            "the postcode and the last four digits of the phone number on the case."
        )
    return Outcome(slots={"pending": "find_case", "lookup_ref": None}).say(
        f"I can't find a case with the reference {typed_ref}. Please check it. "
        f"{FIND_BY_PHONE}",
        [button("Open a new case", "human_request")],
    )


def one_slip_matches(session: Session, reference: str) -> list[str]:
    """Existing references one character away from `reference` (same prefix)."""
    prefix, body = reference[:2], reference[3:].replace("-", "")
    candidates = set()
    for i, char in enumerate(body):
        for other in ALPHABET:
            if other != char:
                slipped = body[:i] + other + body[i + 1:]
                candidates.add(f"{prefix}-{slipped[:4]}-{slipped[4:]}")
    found = session.execute(select(Case.reference).where(Case.reference.in_(candidates)))
    return sorted(found.scalars())


def _find_by_phone(session: Session, ctx: TurnContext) -> Outcome:
    """Both the phone number and the postcode must match the case: that is the identity check."""
    details = extract_contact(ctx.text)
    if not (details.phone and details.postcode):
        if ctx.slot("pending") == "find_case" and ctx.intent in ("human_request", "affirm"):
            return Outcome(slots={"pending": None})
        return Outcome(slots={"pending": None, "lookup_ref": None}).say(
            "I need both the phone number and the postcode on the case. If you don't have "
            "them, I can open a new case for you.",
            OPTIONS,
        )
    cases = session.execute(
        select(Case).where(Case.phone == details.phone, Case.postcode == details.postcode,
                           Case.submitted.is_(True)).order_by(Case.id.desc())
    ).scalars().all()
    match = next((c for c in cases if verify_identity(c, details.postcode)), None)
    record_lookup(session, ctx.conversation_id, succeeded=match is not None, client=ctx.client)
    outcome = Outcome(slots={"pending": None, "lookup_ref": None})
    if match is None:
        return outcome.say(NOT_FOUND_BY_PHONE, [button("Open a new case", "human_request"),
                                                button("Speak to a person", "human_request")])
    return outcome.say(_status_text(match))


def _check_identity(session: Session, ctx: TurnContext) -> Outcome:
    case = get_case_by_reference(session, ctx.slot("lookup_ref"))
    outcome = Outcome(slots={"pending": None, "lookup_ref": None})
    if case is None:
        record_lookup(session, ctx.conversation_id, succeeded=False)
        return outcome.say(NO_MATCH)
    if locked_until(session, case.reference) is not None:  # not even checked while locked
        return outcome.say(CASE_LOCKED, [button("Speak to a person", "human_request")])
    matched = identity_matches(case, ctx.text)
    record_check(session, ctx.conversation_id, case, succeeded=matched, client=ctx.client)
    if not matched:
        return outcome.say(NO_MATCH)
    return outcome.say(_status_text(case))


def _status_text(case) -> str:  # noqa: ANN001 - a Case row
    words = STATUS_WORDS.get(case.status, case.status)
    return (
        f"Your case {case.reference} {words} (last change {describe_age(case.updated_at)}). "
        "Is there anything else I can help with?"
    )
