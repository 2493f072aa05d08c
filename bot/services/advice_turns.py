"""Turns for data worries, scam reports, complaints, and the yes/no that follows an offer."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.services.advice import (
    MONEY_LOST_STEPS,
    PHISHING_STEPS,
    complaint_text,
    data_concern_text,
    money_lost,
)
from bot.services.cases import ensure_case, open_case_for
from bot.services.escalation_turns import (
    _issue_text,
    note_other_topics,
    safety_check_declined_turn,
    urgent_turn,
)
from bot.services.turn import (
    Outcome,
    TurnContext,
    button,
    council_info,
    resolve_turn_council,
    resolve_turn_service,
)
from bot.triage import detect_risk

OFFER_BUTTONS = [button("Yes please", "affirm"), button("No thanks", "deny")]


def data_concern_turn(session: Session, ctx: TurnContext) -> Outcome:
    """Approved facts and practical steps; a data worry that reveals a safety risk goes urgent."""
    if detect_risk(ctx.text):
        return urgent_turn(session, ctx)
    council_id = resolve_turn_council(session, ctx)
    outcome = Outcome(slots={"council": council_id, "pending": None})
    outcome.say(data_concern_text(session, council_info(session, council_id)))
    note_other_topics(None, ctx, "data_concern", outcome)
    outcome.slots.update(
        {"offer": "case", "case_category": "data_concern", "case_priority": "standard"}
    )
    return outcome.say(
        "Would you like me to log your concern so a member of staff can follow it up?",
        OFFER_BUTTONS,
    )


def phishing_turn(session: Session, ctx: TurnContext) -> Outcome:
    """How to report it; a high-priority case at once when details or money were handed over."""
    council_id = resolve_turn_council(session, ctx)
    outcome = Outcome(slots={"council": council_id, "pending": None})
    lost = money_lost(ctx.text)
    if lost:
        outcome.say(MONEY_LOST_STEPS)
    outcome.say(PHISHING_STEPS)
    priority = "high" if lost else "standard"
    case = ensure_case(
        session,
        ctx.conversation_id,
        ctx.channel,
        "phishing_report",
        priority,
        council_id=council_id,
        issue=_issue_text("Suspicious message reported", ctx.text),
        submit=lost,
    )
    outcome.slots.update(
        {"case_category": "phishing_report", "case_priority": priority, "offer": "case"}
    )
    if lost:
        outcome.slots["case_ref"] = case.reference
        return outcome.say(
            f"I've opened a high-priority case for you ({case.reference}). Can I take a safe way "
            "for a member of staff to contact you?",
            OFFER_BUTTONS,
        )
    return outcome.say(
        "Thank you for reporting it: I've noted the report. Would you like a member of staff to "
        "contact you about it?",
        OFFER_BUTTONS,
    )


def complaint_turn(session: Session, ctx: TurnContext) -> Outcome:
    """Acknowledge without arguing, log it with its service, give the route, offer a person."""
    council_id = resolve_turn_council(session, ctx)
    case = ensure_case(
        session,
        ctx.conversation_id,
        ctx.channel,
        "complaint",
        "standard",
        council_id=council_id,
        service_id=resolve_turn_service(ctx, use_slot=False),
        issue=_issue_text("Complaint", ctx.text),
        submit=True,
    )
    outcome = Outcome(
        slots={
            "council": council_id,
            "pending": None,
            "offer": "case",
            "case_category": "complaint",
            "case_priority": "standard",
            "case_ref": case.reference,
        }
    )
    outcome.say(
        f"{complaint_text(council_info(session, council_id))} "
        f"Your reference is {case.reference}."
    )
    return outcome.say("Would you like a member of staff to contact you about it?", OFFER_BUTTONS)


def affirm_turn(session: Session, ctx: TurnContext) -> Outcome:
    """A 'yes' with nothing offered: ask what they need rather than guess."""
    return Outcome().say("OK. What would you like help with?")


def deny_turn(session: Session, ctx: TurnContext) -> Outcome:
    """'No' to an offer: say what was already logged, if anything, and leave it there."""
    if ctx.slot("pending") == "safety_check":
        return safety_check_declined_turn(session, ctx)
    if ctx.slot("offer") != "case":
        return Outcome().say("OK. Is there anything else I can help with?")
    case = open_case_for(session, ctx.conversation_id)
    outcome = Outcome(slots={"offer": None})
    if case is not None and case.submitted:
        return outcome.say(
            f"OK. Your report is logged under {case.reference}; nobody will contact you unless "
            "you ask. Is there anything else I can help with?"
        )
    return outcome.say("OK, I won't log anything. Is there anything else I can help with?")
