"""Turns that open, fill and submit escalation cases, urgent ones first.

Contact details go straight into the case row; slots only hold markers ("given", "skipped"),
so the tracker store never keeps a phone number or email address.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.db.models import Case
from bot.language import message
from bot.parsing.contact import extract_contact, is_skip, mask_phone
from bot.services.cases import EXPECTATION, ensure_case, open_case_for, update_contact
from bot.services.councils import council_for_postcode, list_councils
from bot.services.language_turns import is_other_language, record_language
from bot.services.status import contact_routes, get_status
from bot.services.topics import label, pointer, secondary_topics
from bot.services.turn import (
    Outcome,
    TurnContext,
    button,
    council_info,
    redact_for_case,
    resolve_turn_council,
    resolve_turn_service,
    sms_phone,
)
from bot.triage import UrgentCategory, detect_risk, emergency_advice
from bot.triage.tier import POSSIBLE, urgency_tier

CONTACT_SLOTS = ("contact_reach", "contact_postcode", "contact_time", "contact_name")
# A reply to a form question with one of these intents is not an answer: let the rules act.
INTERRUPTING_INTENTS = {
    "urgent_help",
    "human_request",
    "goodbye",
    "service_status",
    "data_concern",
    "bot_challenge",
}
CATEGORY_LABELS = {
    "urgent_help": "Urgent help",
    "human_request": "Asked to speak to a person",
    "data_concern": "Worried about personal data",
    "phishing_report": "Suspicious message claiming to be the council",
    "complaint": "Complaint",
    "service_status": "Service question",
}


def _issue_text(label: str, text: str) -> str:
    excerpt = redact_for_case(" ".join((text or "").split()))[:400]
    return f"{label}: {excerpt}" if excerpt and not excerpt.startswith("/") else label


def note_other_topics(case: Case | None, ctx: TurnContext, main: str, outcome: Outcome,
                      urgent: bool = False) -> None:
    """Record every other worry in the message on the case and point the resident to it."""
    others = secondary_topics(ctx.text, main)
    if case is not None:
        for topic, service in others:
            issues = list(case.issues or [])
            if label(topic, service) not in issues:
                case.issues = [*issues, label(topic, service)]
    if urgent and others:
        outcome.say("I've also noted the other things you mentioned on your case, so staff can "
                    "help with them too once you're safe.")
    else:
        for topic, service in others:
            outcome.say(pointer(topic, service))


def contact_markers(case: Case) -> dict[str, str | None]:
    """Slot markers derived from the case row: the row is the truth, slots only mirror it."""
    details = case.details or {}
    return {
        "contact_reach": "given" if (case.phone or case.email) else details.get("reach"),
        "contact_postcode": "given" if case.postcode else details.get("postcode"),
        "contact_time": "given" if case.contact_time else details.get("time"),
        "contact_name": "given" if case.name else details.get("name"),
    }


def _case_slots(case: Case) -> dict[str, object]:
    return {
        "case_ref": case.reference,
        "case_priority": case.priority,
        "case_category": case.category,
        **contact_markers(case),
    }


def _prefill(session: Session, ctx: TurnContext, case: Case) -> None:
    phone = sms_phone(session, ctx)
    if phone and not case.phone:
        update_contact(session, case, phone=phone, preferred_contact="text")
    found = extract_contact(ctx.text).found()
    if found:
        update_contact(session, case, **found)


SAFETY_QUESTION = (
    "Is anyone in danger or at risk right now? If someone is in danger, call 999 now."
)


def urgent_turn(session: Session, ctx: TurnContext) -> Outcome:
    """A clear disclosure: the right emergency route first, then an urgent case at once. A
    possible one (only the classifier, and not sure): one safety question first."""
    asked = ctx.slot("pending") == "safety_check"
    net_fired = ctx.entity("urgent_category") is not None
    if not asked and not is_other_language(ctx) and (
        urgency_tier(ctx.text, ctx.intent_confidence, net_fired) == POSSIBLE
    ):
        return safety_question()
    return clear_urgent_turn(session, ctx)


def safety_question() -> Outcome:
    """Ask once; yes or an unclear answer makes it urgent, no offers an ordinary case."""
    outcome = Outcome(slots={"pending": "safety_check", "offer": "case",
                             "case_category": "urgent_help", "case_priority": "urgent"})
    outcome.followup = "action_listen"  # no contact form until we know
    return outcome.say(SAFETY_QUESTION, [button("Yes", "affirm"), button("No", "deny")])


def safety_check_answer_turn(session: Session, ctx: TurnContext) -> Outcome:
    """An unclear answer to the safety question is treated as yes."""
    outcome = clear_urgent_turn(session, ctx)
    outcome.followup = "contact_form"
    return outcome


def safety_check_declined_turn(session: Session, ctx: TurnContext) -> Outcome:
    """No one in danger: the problem is still real, so offer an ordinary case."""
    outcome = Outcome(slots={"pending": None, "offer": "case", "case_category": "human_request",
                             "case_priority": "standard"})
    return outcome.say(
        "Thank you. I'm glad no one is in danger. If that changes, call 999. Would you like me "
        "to pass your problem to a member of staff?",
        [button("Yes, please", "affirm"), button("No, thanks", "deny")],
    )


def clear_urgent_turn(session: Session, ctx: TurnContext) -> Outcome:
    """The right emergency route for this situation first, then an urgent case at once."""
    category = _urgent_category(ctx)
    council_id = resolve_turn_council(session, ctx)
    council = council_info(session, council_id)
    language = ctx.language if is_other_language(ctx) else "en"
    if council is not None:
        advice = emergency_advice(category, council.out_of_hours_phone, council.short_name,
                                  language)
    else:
        numbers = "; ".join(
            f"{c.short_name} {c.out_of_hours_phone}" for c in list_councils(session)
        )
        advice = emergency_advice(category, f"(out-of-hours lines: {numbers})", "your council",
                                  language)
    case = ensure_case(
        session,
        ctx.conversation_id,
        ctx.channel,
        "urgent_help",
        "urgent",
        council_id=council_id,
        service_id=resolve_turn_service(ctx, use_slot=False),
        issue=_issue_text(f"URGENT ({category.value})", ctx.text),
        urgent_category=category.value,
        submit=True,
    )
    _prefill(session, ctx, case)
    outcome = Outcome(
        slots={**_case_slots(case), "offer": None, "pending": None, "council": council_id}
    )
    outcome.say(advice)
    if language != "en":
        record_language(session, ctx)
        outcome.localised = True
        opened = message("urgent_case_opened", language, reference=case.reference)
        if case.phone or case.email:
            opened += " " + message("urgent_expectation", language)
        return outcome.say(f"{opened} {message('interpreter', language)}")
    if case.phone or case.email:
        outcome.say(
            f"I've opened an urgent case ({case.reference}) and alerted council staff. "
            f"{EXPECTATION['urgent']}"
        )
    else:
        outcome.say(f"I've opened an urgent case ({case.reference}) and alerted council staff.")
    note_other_topics(case, ctx, "urgent_help", outcome, urgent=True)
    return outcome


def _urgent_category(ctx: TurnContext) -> UrgentCategory:
    value = ctx.entity("urgent_category")
    if value in {c.value for c in UrgentCategory}:
        return UrgentCategory(value)
    match = detect_risk(ctx.text)
    return match.category if match else UrgentCategory.GENERAL


def start_case_turn(session: Session, ctx: TurnContext) -> Outcome:
    """Open (or reuse) this conversation's case before the contact form asks its questions."""
    if ctx.slot("pending") == "safety_check" and ctx.slot("case_category") == "urgent_help":
        return clear_urgent_turn(session, ctx)  # "yes" to "is anyone in danger?"
    category = ctx.slot("case_category") if ctx.slot("offer") == "case" else None
    category = category or ("human_request" if ctx.intent == "human_request" else "human_request")
    priority = ctx.slot("case_priority") if ctx.slot("offer") == "case" else None
    priority = priority if priority in ("urgent", "high", "standard") else "standard"
    label = CATEGORY_LABELS.get(category, category)
    issue = _issue_text(label, ctx.text) if ctx.intent == "human_request" else label
    case = ensure_case(
        session,
        ctx.conversation_id,
        ctx.channel,
        category,
        priority,
        council_id=resolve_turn_council(session, ctx),
        service_id=resolve_turn_service(ctx),
        issue=issue,
    )
    _prefill(session, ctx, case)
    outcome = Outcome(slots={**_case_slots(case), "offer": None, "pending": None})
    note_other_topics(case, ctx, category, Outcome())  # recorded on the case, no pointers
    if is_other_language(ctx):
        record_language(session, ctx)
        outcome.localised = True
        return outcome.say(message("interpreter", ctx.language))
    if ctx.intent == "human_request":
        outcome.say(
            f"I'll pass this to a member of staff. {_phone_line_note(session, case.council_id)}"
            "They will get back to you by phone, text or email. I just need a few details: you "
            "can skip the optional ones."
        )
    return outcome


def _phone_line_note(session: Session, council_id: str | None) -> str:
    """What the status database says now about the council's phone lines (never assumed)."""
    if not council_id:
        return ""
    view = get_status(session, council_id, "phone_lines")
    if view is None or view.state == "operating":
        return ""
    return "Our phone lines are disrupted at the moment. "


def required_contact_slots(session: Session, ctx: TurnContext) -> list[str]:
    """Urgent cases, and residents who will be called back with an interpreter, are asked only
    for a safe way to reach them."""
    case = open_case_for(session, ctx.conversation_id)
    if case is not None and (case.priority == "urgent" or is_other_language(ctx)):
        return ["contact_reach"]
    return list(CONTACT_SLOTS)


def contact_form_turn(session: Session, ctx: TurnContext, requested: str | None) -> Outcome:
    """Take every detail the message holds, in any order; re-ask clearly when one is malformed.

    Returns only slot markers that changed: an empty outcome makes the form reject the turn,
    so an interrupting message (an emergency, "get me a person") reaches its own rule.
    """
    case = open_case_for(session, ctx.conversation_id) or ensure_case(
        session,
        ctx.conversation_id,
        ctx.channel,
        "human_request",
        council_id=resolve_turn_council(session, ctx),
    )
    interrupting = ctx.latest_action == "action_listen" and ctx.intent in INTERRUPTING_INTENTS
    details = extract_contact(ctx.text)
    found = details.found()
    if not interrupting and requested and not found and not ctx.text.startswith("/"):
        _free_text_answer(ctx.text, requested, found)
    if found:
        update_contact(session, case, **found)
        if found.get("postcode") and not case.council_id:
            case.council_id = council_for_postcode(session, str(found["postcode"]))
    outcome = Outcome()
    if interrupting:
        return outcome
    if requested and not found and is_skip(ctx.text):
        _mark_skipped(case, requested, outcome)
    if requested == "contact_reach" and details.invalid and not (case.phone or case.email):
        outcome.say(_reask_text(details.invalid))
        outcome.slots["contact_reach"] = None
    session.flush()
    for key, value in contact_markers(case).items():
        if value is not None and value != ctx.slot(key):
            outcome.slots[key] = value
    return outcome


def _mark_skipped(case: Case, requested: str, outcome: Outcome) -> None:
    details = dict(case.details or {})
    key = requested.replace("contact_", "")
    details[key] = "declined" if requested == "contact_reach" else "skipped"
    case.details = details
    if requested == "contact_reach":
        outcome.say(
            "That's fine. Without a phone number or email staff cannot get back to you, so "
            "keep your case reference and ask me for an update at any time."
        )


def _free_text_answer(text: str, requested: str, found: dict[str, object]) -> None:
    """A short reply to 'best time?' or 'what name?' is the answer itself."""
    words = text.strip().split()
    if is_skip(text) or not words or len(words) > 6:
        return
    if requested == "contact_time":
        found["contact_time"] = text.strip()[:120]
    elif (
        requested == "contact_name"
        and len(words) <= 4
        and all(w.replace("-", "").replace("'", "").isalpha() for w in words)
    ):
        found["name"] = " ".join(w.capitalize() for w in words)


def _reask_text(invalid: list[str]) -> str:
    if "phone" in invalid:
        return (
            "That number doesn't look like a UK phone number. A mobile has 11 digits and starts "
            "07 (like 07700 900123); a landline starts 01 or 02."
        )
    return "That email address doesn't look complete. It should look like name@example.com."


def submit_case_turn(session: Session, ctx: TurnContext) -> Outcome:
    """Submit with whatever was collected, and say honestly what happens next."""
    case = open_case_for(session, ctx.conversation_id)
    category = ctx.slot("case_category") or "human_request"
    case = ensure_case(
        session,
        ctx.conversation_id,
        ctx.channel,
        case.category if case else category,
        case.priority if case else "standard",
        council_id=resolve_turn_council(session, ctx),
        submit=True,
    )
    council = council_info(session, case.council_id)
    how = _how_we_will_contact(case)
    routes = f" If you need help sooner: {contact_routes(council)}" if council else ""
    text = (
        f"Thank you. Your case reference is {case.reference}. {EXPECTATION[case.priority]} "
        f"{how}{routes}"
    )
    if case.priority == "urgent":
        text += " If anyone is in immediate danger, call 999."
    outcome = Outcome(slots={**_case_slots(case), "offer": None, "pending": None})
    if is_other_language(ctx):
        record_language(session, ctx)
        outcome.localised = True
        outcome.say(message("case_confirmation", ctx.language, reference=case.reference))
    return outcome.say(text)


def ask_contact_reach_turn(session: Session, ctx: TurnContext) -> Outcome:
    """The contact form's first question, in the resident's language."""
    outcome = Outcome()
    outcome.localised = True
    return outcome.say(message("ask_safe_contact", ctx.language if is_other_language(ctx)
                               else "en"))


def _how_we_will_contact(case: Case) -> str:
    if case.phone and case.safe_to_call is False:
        return f"We will text, not call, the {mask_phone(case.phone)}."
    if case.phone:
        timing = f" ({case.contact_time})" if case.contact_time else ""
        return f"We will contact you on the {mask_phone(case.phone)}{timing}."
    if case.email:
        return "We will reply by email."
    return (
        "We have no phone number or email for you, so please keep the reference and ask me "
        "for updates."
    )
