"""Turns for data worries, scam reports, complaints, and the yes/no that follows an offer."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from bot.services.advice import (
    MONEY_LOST_STEPS,
    MONEY_LOST_STEPS_SMS,
    NEVER_ASKS,
    PHISHING_STEPS,
    complaint_text,
    data_concern_text,
    money_lost,
    scam_loss,
)
from bot.services.cases import ensure_case, open_case_for
from bot.services.escalation_turns import (
    _issue_text,
    note_other_topics,
    safety_check_declined_turn,
    urgent_turn,
    vulnerability_answer_turn,
)
from bot.services.subscription_turns import subscribe_no_turn, subscribe_yes_turn
from bot.services.turn import (
    SMS_CHANNEL,
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
    if scam_loss(ctx.text):  # "I gave them my bank details": the bank first, not data advice
        return phishing_turn(session, ctx)
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
    if lost and ctx.channel == SMS_CHANNEL:
        outcome.say(MONEY_LOST_STEPS_SMS)
    elif lost:
        outcome.say(MONEY_LOST_STEPS)
        outcome.say(NEVER_ASKS)
    else:
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
        details = dict(case.details or {})
        details["details_handed_over"] = True
        case.details = details
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


# "and what about rubbish collections then?": a status question about another service, even
# when the classifier hears a grumble in it; a real grievance word keeps it a complaint
_FOLLOW_UP = re.compile(r"^\W*(?:(?:and|so|ok|okay|right|well|but)\W+)*(?:what|how)\s+about\b|"
                        r"^\W*(?:and|so)\s+(?:is|are|what of)\b|^\W*what of\b", re.IGNORECASE)
_GRIEVANCE = re.compile(r"\b(?:complain\w*|disgrace\w*|useless|joke|angry|furious|fed up|"
                        r"unacceptable|shocking|appalling|ridiculous|terrible|awful|sick of|"
                        r"rubbish service|pathetic|incompetent)\b", re.IGNORECASE)


def asks_about_another_service(ctx: TurnContext) -> bool:
    return bool(_FOLLOW_UP.search(ctx.text or "") and not _GRIEVANCE.search(ctx.text or "")
                and resolve_turn_service(ctx, use_slot=False))


def complaint_turn(session: Session, ctx: TurnContext) -> Outcome:
    """Acknowledge without arguing, log it with its service, give the route, offer a person."""
    if asks_about_another_service(ctx):
        from bot.services.status_turns import service_status_turn

        return service_status_turn(session, ctx)
    council_id = resolve_turn_council(session, ctx)
    earlier = open_case_for(session, ctx.conversation_id)
    again = earlier is not None and (
        earlier.category == "complaint" or ctx.slot("case_category") == "complaint"
    )
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
    if again:
        # the second time: shorter and calmer, never the same block of text again
        return outcome.say(
            f"I'm sorry. I hear you. I've added this to your complaint ({case.reference}) and "
            "a person will read it. Would you like someone to contact you?",
            OFFER_BUTTONS,
        )
    outcome.say(
        f"{complaint_text(council_info(session, council_id))} "
        f"Your reference is {case.reference}."
    )
    return outcome.say("Would you like a member of staff to contact you about it?", OFFER_BUTTONS)


def affirm_turn(session: Session, ctx: TurnContext) -> Outcome:
    """A 'yes' to the text-me offer, or with nothing offered: ask what they need."""
    if ctx.slot("subscribe_offer"):
        return subscribe_yes_turn(session, ctx)
    return Outcome().say("OK. What would you like help with?")


def deny_turn(session: Session, ctx: TurnContext) -> Outcome:
    """'No' to an offer: say what was already logged, if anything, and leave it there."""
    if ctx.slot("subscribe_offer") and ctx.slot("offer") != "case":
        return subscribe_no_turn(session, ctx)
    if ctx.slot("pending") == "safety_check":
        return safety_check_declined_turn(session, ctx)
    if ctx.slot("pending") == "vulnerability":
        return vulnerability_answer_turn(session, ctx, yes=False)
    if ctx.slot("pending") in ("case_ref", "find_case"):  # "no, I don't have it"
        from bot.services.case_status_turns import case_status_turn

        return case_status_turn(session, ctx)
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


WELCOME = "You're welcome. Is there anything else I can help with?"


def thanks_turn(session: Session, ctx: TurnContext) -> Outcome:
    """'Thanks' on its own gets a short welcome; 'thanks, so what about the bins?' is a
    status question, and a scam loss said with thanks still gets the bank steps."""
    if scam_loss(ctx.text):
        return phishing_turn(session, ctx)
    if resolve_turn_service(ctx, use_slot=False):
        from bot.services.status_turns import service_status_turn

        return service_status_turn(session, ctx)
    return Outcome().say(WELCOME)
