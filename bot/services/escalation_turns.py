"""Turns that open, fill and submit escalation cases, urgent ones first.

Contact details go straight into the case row; slots only hold markers ("given", "skipped"),
so the tracker store never keeps a phone number or email address.
"""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from bot.db.models import Case
from bot.language import message
from bot.language.abuse_phrases import route_chosen_other_language
from bot.language.consent import consent_in_language
from bot.parsing.contact import extract_contact, is_skip
from bot.services.abuse_turns import abuse_followup_turn, abuse_signal, partner_threat
from bot.services.abuse_turns import put_out_by_partner_or_family as _put_out
from bot.services.cases import (
    EXPECTATION,
    ensure_case,
    follow_council,
    open_case_for,
    update_contact,
)
from bot.services.contact_turns import (
    CONSENT_NO,
    CONSENT_YES,
    apply_contact,
    asks_for_person,
    consent_answer,
    contact_markers,
    helper_consent_turn,
    how_we_will_contact,
    is_helper_answer,
    is_sensitive,
    is_time_like,
    join_or,
    mark_missing,
    name_from_answer,
    person_now,
    reask_text,
    record_consent,
    wants_person,
)
from bot.services.councils import list_councils
from bot.services.language_turns import interpreter_line, is_other_language, record_language
from bot.services.status import contact_routes, get_status
from bot.services.topics import label, pointer, secondary_topics
from bot.services.turn import (
    SMS_CHANNEL,
    Message,
    Outcome,
    TurnContext,
    button,
    council_info,
    redact_for_case,
    resolve_turn_council,
    resolve_turn_service,
    sms_phone,
)
from bot.services.urgent_sms import (
    NOT_SAFE_NOW_SMS,
    sms_confirmation,
    sms_urgent_case_line,
    sms_urgent_first,
    uses_council_phone,
)
from bot.triage import UrgentCategory, detect_risk, emergency_advice
from bot.triage.tier import POSSIBLE, NetVerdict, urgency_tier

CONTACT_SLOTS = ("contact_reach", "contact_postcode", "contact_time", "contact_name")
# Asked after a safe contact on a sensitive (domestic abuse) case, stored on the case.
CONSENT_QUESTION = "Is it safe for us to call you, or text only, and when?"
SMS_NUMBER_QUESTION = (
    "Is it safe for us to text this number? If not, send a safer number or an email."
)
NOT_SAFE_NOW = "Call 999 now. If you cannot speak, call 999, then press 55 when asked."
VULNERABILITY_QUESTION = "Is anyone in the home over 75, disabled, seriously ill, or a baby?"
FOOD_ROUTES = (
    "For food today, a food bank can help: ask the council for a food bank referral, or find "
    "one at trusselltrust.org. The council's local welfare scheme and hardship fund can help "
    "with food, gas and electric. Staff will check these with you."
)
_SAFETY_QUESTIONS = re.compile(
    r"\s*Are you(?:, and the person you are worried about,)? safe right now\?\s*"
)
_NOT_SAFE = re.compile(
    r"\b(?:not|isn'?t|aren'?t|ain'?t|never)\s+safe\b(?!\s+(?:to|for)\b)|\bunsafe\b|"
    r"\b(?:he|she|they)(?:'s|'re| is| are)\s+(?:outside|here|at the door|downstairs|coming|"
    r"back|in the house)\b",
    re.IGNORECASE,
)
_CANT_GO_HOME = re.compile(
    r"\b(?:can'?t|cant|cannot|can not|won'?t|not able to)\s+(?:go|get|stay|sleep)\s+"
    r"(?:back\s+)?(?:home|at home|in my (?:flat|house|home))|\bnowhere (?:safe )?to "
    r"(?:stay|sleep|go)\b",
    re.IGNORECASE,
)
_HEATING = re.compile(
    r"\b(?:heating|heater|boiler|radiators?|hot water|no water|cold water only|freezing)\b",
    re.IGNORECASE,
)
_VULNERABLE = re.compile(
    r"\b(?:baby|babies|newborn|infant|toddler|disabled|disability|wheelchair|elderly|"
    r"pensioner|ill|sick|cancer|chemo|oxygen|dialysis|frail|pregnant|(?:7[5-9]|[89]\d|1\d\d)"
    r"(?: ?years? old| ?yo)?)\b",
    re.IGNORECASE,
)
_YES, _NO = CONSENT_YES, CONSENT_NO


def not_safe_now(text: str) -> bool:
    """'no I'm not safe, he's outside': danger now, not a question to ask again."""
    return bool(_NOT_SAFE.search(text or ""))


def cant_go_home(text: str) -> bool:
    return bool(_CANT_GO_HOME.search(text or "")) or _put_out(text)  # "he threw me out"


def _set_detail(case: Case, **values: object) -> None:
    details = dict(case.details or {})
    details.update(values)
    case.details = details

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


def _case_slots(case: Case) -> dict[str, object]:
    return {
        "case_ref": case.reference,
        "case_priority": case.priority,
        "case_category": case.category,
        **contact_markers(case),
    }


def _prefill(session: Session, ctx: TurnContext, case: Case, outcome: Outcome | None = None
             ) -> dict[str, object]:
    if abuse_signal(ctx.text):  # "he threw me out", whichever turn opened the case
        _set_detail(case, sensitive=True)
    phone = sms_phone(session, ctx)
    if phone and not case.phone and not is_sensitive(case):  # a shared phone: ask first
        update_contact(session, case, phone=phone, preferred_contact="text")
    return apply_contact(session, case, ctx.text, outcome if outcome is not None else Outcome())


SAFETY_QUESTION = message("safety_question")  # in every language we translate


def urgent_turn(session: Session, ctx: TurnContext) -> Outcome:
    """A clear disclosure: the right emergency route first, then an urgent case at once. A
    possible one (only the classifier, and not sure): one safety question first. No heating
    or hot water: one question about who is in the home sets the priority."""
    if ctx.slot("pending") == "vulnerability":  # "I have a 3 month old baby" answers it
        return vulnerability_answer_turn(session, ctx)
    asked = ctx.slot("pending") == "safety_check"
    existing = open_case_for(session, ctx.conversation_id)
    urgent_already = existing is not None and existing.priority == "urgent" and existing.submitted
    if not asked and not urgent_already and not not_safe_now(ctx.text) and (
        urgency_tier(ctx.text, ctx.intent_confidence, _net_verdict(ctx),
                     ctx.language if is_other_language(ctx) else None) == POSSIBLE
        and not _HEATING.search(ctx.text or "")
    ):
        return safety_question(ctx.language if is_other_language(ctx) else "en")
    if _needs_vulnerability_question(session, ctx):
        return vulnerability_question(session, ctx)
    return clear_urgent_turn(session, ctx)


def _net_verdict(ctx: TurnContext) -> NetVerdict | None:
    """The safety net's verdict carried on the message; an urgent_category entity alone (a
    message parsed before the verdict was recorded) still means the net fired."""
    if ctx.net is not None:
        return ctx.net
    return NetVerdict(fired=True) if ctx.entity("urgent_category") is not None else None


def _needs_vulnerability_question(session: Session, ctx: TurnContext) -> bool:
    if ctx.slot("pending") == "vulnerability" or is_other_language(ctx):
        return False
    if not _HEATING.search(ctx.text or "") or _VULNERABLE.search(ctx.text or ""):
        return False
    if _urgent_category(ctx) not in (UrgentCategory.NO_HEATING_OR_WATER, UrgentCategory.GENERAL):
        return False
    case = open_case_for(session, ctx.conversation_id)
    return case is None or "vulnerable" not in (case.details or {})


def vulnerability_question(session: Session, ctx: TurnContext) -> Outcome:
    """No heating or hot water: the emergency route, then who is in the home (sets priority)."""
    council_id = resolve_turn_council(session, ctx)
    council = council_info(session, council_id)
    phone = council.out_of_hours_phone if council else "your council's out-of-hours line"
    case = ensure_case(
        session, ctx.conversation_id, ctx.channel, "human_request", "standard",
        council_id=council_id, service_id="housing_repairs",
        issue=_issue_text("No heating or hot water", ctx.text),
        urgent_category=UrgentCategory.NO_HEATING_OR_WATER.value,
    )
    _prefill(session, ctx, case)
    outcome = Outcome(slots={"pending": "vulnerability", "offer": "case", "council": council_id,
                             "case_category": "urgent_help", "case_priority": "urgent"})
    outcome.followup = "action_listen"  # no contact form until we know the priority
    if ctx.channel == SMS_CHANNEL:
        outcome.say(sms_urgent_first(UrgentCategory.NO_HEATING_OR_WATER, phone))
    else:
        outcome.say(message("advice.no_heating_or_water", "en", phone=phone))
    return outcome.say(VULNERABILITY_QUESTION, [button("Yes", "affirm"), button("No", "deny")])


def vulnerability_answer_turn(session: Session, ctx: TurnContext, yes: bool | None = None
                              ) -> Outcome:
    """The answer to "is anyone in the home over 75 ...": yes makes the case urgent, no keeps it
    standard; an unclear answer is taken as yes (a false alarm costs a call back)."""
    if yes is None:
        text = ctx.text or ""
        yes = not (_NO.search(text) and not _VULNERABLE.search(text))
    case = open_case_for(session, ctx.conversation_id) or ensure_case(
        session, ctx.conversation_id, ctx.channel, "human_request", "standard",
        council_id=resolve_turn_council(session, ctx), service_id="housing_repairs",
        urgent_category=UrgentCategory.NO_HEATING_OR_WATER.value,
    )
    _set_detail(case, vulnerable=yes, vulnerability_answer=redact_for_case(ctx.text)[:120])
    if yes:
        case = ensure_case(session, ctx.conversation_id, ctx.channel, "urgent_help", "urgent",
                           submit=True)
        outcome = Outcome(slots={**_case_slots(case), "offer": None, "pending": None})
        outcome.followup = "contact_form"
        return outcome.say(
            f"Thank you. I've made this urgent ({case.reference}) and alerted council staff."
        )
    outcome = Outcome(slots={**_case_slots(case), "offer": None, "pending": None})
    outcome.followup = "contact_form"
    return outcome.say(
        "Thank you. I've logged it as a repair for staff. I just need a few details: you can "
        "skip the optional ones."
    )


def safety_question(language: str = "en") -> Outcome:
    """Ask once, in the resident's language; yes or an unclear answer makes it urgent, no
    offers an ordinary case."""
    outcome = Outcome(slots={"pending": "safety_check", "offer": "case",
                             "case_category": "urgent_help", "case_priority": "urgent"})
    outcome.followup = "action_listen"  # no contact form until we know
    outcome.localised = language != "en"
    return outcome.say(message("safety_question", language), [
        button(message("safety_yes", language), "affirm"),
        button(message("safety_no", language), "deny")])


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


def _housing_tonight(session: Session, council) -> str:  # noqa: ANN001 - CouncilInfo or None
    if council is not None:
        where = f"the {council.short_name} out-of-hours line on {council.out_of_hours_phone}"
    else:
        where = "your council's out-of-hours line (" + "; ".join(
            f"{c.short_name} {c.out_of_hours_phone}" for c in list_councils(session)) + ")"
    return (f"If you can't go home tonight, call {where} and ask for emergency housing. "
            "It is open all night.")


def clear_urgent_turn(session: Session, ctx: TurnContext) -> Outcome:
    """The right emergency route for this situation first, then an urgent case at once.

    Said again in the same conversation, it is short: the 999 line, never "are you safe?"
    a second time, and never the same block of text again."""
    existing = open_case_for(session, ctx.conversation_id)
    repeat = bool(existing is not None and existing.submitted and existing.priority == "urgent")
    category = _urgent_category(ctx)
    if category == UrgentCategory.GENERAL and existing is not None and existing.urgent_category:
        category = UrgentCategory(existing.urgent_category)
    elif category == UrgentCategory.GENERAL and cant_go_home(ctx.text):
        category = UrgentCategory.HOMELESS_TONIGHT
    council_id = resolve_turn_council(session, ctx)
    council = council_info(session, council_id)
    language = ctx.language if is_other_language(ctx) else "en"
    if council is not None:
        advice = emergency_advice(category, council.out_of_hours_phone, council.short_name,
                                  language, text=ctx.text)
    else:
        numbers = "; ".join(
            f"{c.short_name} {c.out_of_hours_phone}" for c in list_councils(session)
        )
        advice = emergency_advice(category, f"(out-of-hours lines: {numbers})", "your council",
                                  language, text=ctx.text)
    danger = not_safe_now(ctx.text)
    asked_before = bool(existing is not None and (existing.details or {}).get("safety_asked"))
    if language == "en" and (danger or asked_before):
        advice = _SAFETY_QUESTIONS.sub(" ", advice).strip()
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
    flags: dict[str, object] = {"safety_asked": True}
    if category == UrgentCategory.DOMESTIC_ABUSE or case.urgent_category == "domestic_abuse" \
            or abuse_signal(ctx.text):
        flags["sensitive"] = True  # staff never call or text without the resident's consent
    if danger:
        flags["in_danger_now"] = True
    if cant_go_home(ctx.text):
        flags["cant_go_home_tonight"] = True
    _set_detail(case, **flags)
    _prefill(session, ctx, case)
    outcome = Outcome(
        slots={**_case_slots(case), "offer": None, "pending": None, "council": council_id}
    )
    if ctx.channel == SMS_CHANNEL and language == "en":
        return _sms_urgent(session, ctx, outcome, case, category, council, danger)
    if language == "en" and repeat:
        # the second time: short and calm, the numbers first, nothing asked again
        outcome.say(NOT_SAFE_NOW if danger or category == UrgentCategory.DOMESTIC_ABUSE
                    else "If anyone is in danger, call 999 now.")
        if cant_go_home(ctx.text):
            outcome.say(_housing_tonight(session, council))
        return outcome.say(f"Your urgent case {case.reference} is with council staff.")
    if language == "en" and danger:
        outcome.say(NOT_SAFE_NOW)
    outcome.say(advice)
    if language == "en" and cant_go_home(ctx.text) and category != UrgentCategory.HOMELESS_TONIGHT:
        outcome.say(_housing_tonight(session, council))
    if language == "en" and category == UrgentCategory.NO_MONEY_FOR_ESSENTIALS:
        outcome.say(FOOD_ROUTES)
    if language != "en":
        record_language(session, ctx)
        outcome.localised = True
        opened = message("urgent_case_opened", language, reference=case.reference)
        if case.phone or case.email:
            opened += " " + message("urgent_expectation", language)
        return outcome.say(f"{opened} {interpreter_line(ctx)}")
    if case.phone or case.email:
        outcome.say(
            f"I've opened an urgent case ({case.reference}) and alerted council staff. "
            f"{EXPECTATION['urgent']}"
        )
    else:
        outcome.say(f"I've opened an urgent case ({case.reference}) and alerted council staff.")
    note_other_topics(case, ctx, "urgent_help", outcome, urgent=True)
    return outcome


def _sms_urgent(session: Session, ctx: TurnContext, outcome: Outcome, case: Case,
                category: UrgentCategory, council, danger: bool) -> Outcome:  # noqa: ANN001
    """By SMS: the numbers in the first text, the reference in the second (bot.services.
    urgent_sms); other worries are recorded on the case, not spelt out."""
    phone = council.out_of_hours_phone if council else "the out-of-hours line below"
    note_other_topics(case, ctx, "urgent_help", Outcome())
    housing = phone if cant_go_home(ctx.text) and category != UrgentCategory.HOMELESS_TONIGHT \
        else None
    outcome.say(sms_urgent_first(category, phone, danger))
    if council is None and (uses_council_phone(category, danger) or housing):
        outcome.say("Out-of-hours lines: " + "; ".join(
            f"{c.short_name} {c.out_of_hours_phone}" for c in list_councils(session)) + ".")
    if case.phone and not housing:
        return outcome  # the case confirmation follows at once, with the reference
    return outcome.say(sms_urgent_case_line(case, housing))


def _urgent_category(ctx: TurnContext) -> UrgentCategory:
    value = ctx.entity("urgent_category")
    if value in {c.value for c in UrgentCategory}:
        return UrgentCategory(value)
    match = detect_risk(ctx.text)
    if match is None and partner_threat(ctx.text):  # "my ex is banging on my door, I'm scared"
        return UrgentCategory.DOMESTIC_ABUSE
    return match.category if match else UrgentCategory.GENERAL


def start_case_turn(session: Session, ctx: TurnContext) -> Outcome:
    """Open (or reuse) this conversation's case before the contact form asks its questions."""
    if ctx.slot("pending") == "safety_check" and ctx.slot("case_category") == "urgent_help":
        return clear_urgent_turn(session, ctx)  # "yes" to "is anyone in danger?"
    if ctx.slot("pending") == "vulnerability":
        outcome = vulnerability_answer_turn(session, ctx, yes=True)
        outcome.followup = None  # the rule opens the contact form next
        return outcome
    category = ctx.slot("case_category") if ctx.slot("offer") == "case" else None
    category = category or ("human_request" if ctx.intent == "human_request" else "human_request")
    priority = ctx.slot("case_priority") if ctx.slot("offer") == "case" else None
    priority = priority if priority in ("urgent", "high", "standard") else "standard"
    label = CATEGORY_LABELS.get(category, category)
    person = ctx.intent == "human_request" or wants_person(ctx.text)
    issue = _issue_text(label, ctx.text) if person else label
    case = ensure_case(
        session,
        ctx.conversation_id,
        ctx.channel,
        category,
        priority,
        council_id=resolve_turn_council(session, ctx),
        service_id=resolve_turn_service(ctx),
        issue=issue,
        submit=person,  # "a person" puts the case in the staff queue at once
    )
    outcome = Outcome()
    helper_slots = _prefill(session, ctx, case, outcome)
    if person:
        mark_missing(case)
    outcome.slots.update({**_case_slots(case), "offer": None, "pending": None, **helper_slots})
    note_other_topics(case, ctx, category, Outcome())  # recorded on the case, no pointers
    if is_other_language(ctx):
        record_language(session, ctx)
        outcome.localised = True
        return outcome.say(interpreter_line(ctx))
    if person and ctx.channel == SMS_CHANNEL:
        outcome.messages.insert(0, Message(
            f"I've passed this to council staff (case {case.reference}). A few questions "
            "follow: reply SKIP to any."))
    elif person:
        outcome.messages.insert(0, Message(
            f"I've passed this to a member of staff (case {case.reference}). "
            f"{_phone_line_note(session, case.council_id)}They will get back to you by phone, "
            "text or email. I just need a few details: you can skip the optional ones."
        ))
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
    if ctx.slot("pending") == "person_now":
        return []  # "just get me a person": submit now with what we have
    case = open_case_for(session, ctx.conversation_id)
    if is_sensitive(case):  # the consent question is asked in the resident's language too
        declined = (case.details or {}).get("reach") == "declined"
        return ["contact_reach"] if declined else ["contact_reach", "contact_safety"]
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
    if ctx.latest_action not in (None, "action_listen"):
        # the form starting, or coming back after another action answered this message:
        # the message is not an answer to the question the form is about to ask
        return Outcome(slots={k: v for k, v in contact_markers(case).items()
                              if v is not None and v != ctx.slot(k)})
    listening = ctx.latest_action == "action_listen"
    answered = listening and not ctx.text.startswith("/")
    followup = abuse_followup_turn(session, ctx) if answered else None
    if followup is not None:  # "I can't talk", "he reads my texts": never a skip or a person
        session.flush()
        followup.slots.update({k: v for k, v in contact_markers(case).items() if v != ctx.slot(k)})
        return followup
    helper_answer = answered and is_helper_answer(ctx)  # "yes, he can speak for me"
    if listening and asks_for_person(ctx, requested) and not helper_answer:
        return person_now(session, ctx, case)
    if answered and not_safe_now(ctx.text) and ctx.intent != "urgent_help":
        # "no I'm not safe, he's outside", whatever the classifier made of it: 999 first,
        # never taken as an answer to the question on screen
        _set_detail(case, in_danger_now=True, safety_asked=True,
                    **({"sensitive": True} if abuse_signal(ctx.text) else {}))
        outcome = Outcome(slots={"pending": None})
        return outcome.say(NOT_SAFE_NOW_SMS if ctx.channel == SMS_CHANNEL else NOT_SAFE_NOW)
    if helper_answer:
        outcome = helper_consent_turn(session, ctx)
        session.flush()
        outcome.slots.update({k: v for k, v in contact_markers(case).items() if v != ctx.slot(k)})
        return outcome
    details = extract_contact(ctx.text, asking_time=requested in ("contact_time",
                                                                  "contact_safety"))
    found = details.found()
    if requested == "contact_time" and found.get("contact_time") and len(ctx.text.split()) <= 6 \
            and not (found.get("phone") or found.get("email")):
        found["contact_time"] = ctx.text.strip()[:120]  # "weekday evenings", all of it
    if requested == "contact_safety" or (requested == "contact_reach" and is_sensitive(case)
                                         and route_chosen_other_language(ctx.text)):
        # {} for English; "SMS only" answers the consent question early, as "text only" does
        found.update(consent_in_language(ctx.text, ctx.language))
    consent = requested == "contact_safety" and consent_answer(ctx.text, found)
    if requested == "contact_reach" and is_sensitive(case) and (
        found.get("safe_to_call") is not None or found.get("preferred_contact")
    ):
        consent = True  # "text me on 07700 900118, it's safe to text" answers both questions
    interrupting = (
        ctx.latest_action == "action_listen" and ctx.intent in INTERRUPTING_INTENTS
        and not (consent and not not_safe_now(ctx.text))  # "text only, he checks my phone"
        # an answer that fits the question is an answer, whatever the classifier says
        # ("skip" read as goodbye, "W10 6EL" read as a status question); an emergency never is
        and (ctx.intent == "urgent_help" or not (is_skip(ctx.text) or any(
            found.get(key) for key in ("phone", "email", "postcode"))))
    )
    if not interrupting and is_sensitive(case) and requested == "contact_reach" and not found:
        sms_answer = _sms_number_answer(session, ctx, case)
        if sms_answer is not None:
            return sms_answer
    if not interrupting and consent:
        record_consent(case, ctx.text, found)
    if not interrupting and requested and not found and not ctx.text.startswith("/"):
        _free_text_answer(ctx.text, requested, found)
    outcome = Outcome()
    reference = case.reference
    if found:
        outcome.slots.update(apply_contact(session, case, ctx.text, outcome, found))
        follow_council(session, case)
    if interrupting:
        return outcome
    if case.submitted and case.reference != reference:
        outcome.say(f"Your case reference is now {case.reference} (for your council).")
    if requested and not found and is_skip(ctx.text) and not consent:
        _mark_skipped(case, requested, outcome, ctx.language)
    if requested == "contact_reach" and details.invalid and not (case.phone or case.email):
        outcome.say(reask_text(details.invalid, ctx.language))
        outcome.slots["contact_reach"] = None
    session.flush()
    for key, value in contact_markers(case).items():
        if value is not None and value != ctx.slot(key):
            outcome.slots[key] = value
    return outcome


def _sms_number_answer(session: Session, ctx: TurnContext, case: Case) -> Outcome | None:
    """By SMS on a sensitive case the number is used only after a yes (it may be shared)."""
    phone = sms_phone(session, ctx)
    if not phone or case.phone or case.email:
        return None
    if ctx.intent == "affirm" or _YES.search(ctx.text or ""):
        update_contact(session, case, phone=phone, preferred_contact="text")
        _set_detail(case, sms_number_confirmed=True)
        return Outcome(slots={"contact_reach": "given"})
    if ctx.intent == "deny" or _NO.search(ctx.text or ""):
        _set_detail(case, reach="declined", sms_number_confirmed=False)
        outcome = Outcome(slots={"contact_reach": "declined"})
        return outcome.say(message("sms_declined", ctx.language, reference=case.reference))
    return None


def _mark_skipped(case: Case, requested: str, outcome: Outcome, language: str = "en") -> None:
    details = dict(case.details or {})
    key = requested.replace("contact_", "")
    details[key] = "declined" if requested == "contact_reach" else "skipped"
    case.details = details
    if requested == "contact_reach":  # in the resident's language (translations/*.yml)
        outcome.say(message("contact_skipped", language))


def _free_text_answer(text: str, requested: str, found: dict[str, object]) -> None:
    """A short reply to 'best time?' or 'what name?' is the answer itself, if it fits: a time
    only from a time-like answer, a name only from a name-like one."""
    words = text.strip().split()
    if is_skip(text) or not words or len(words) > 8:
        return
    if requested == "contact_time" and is_time_like(text):
        found["contact_time"] = text.strip()[:120]
    elif requested == "contact_name":
        name = name_from_answer(text)
        if name:
            found["name"] = name


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
    follow_council(session, case)
    missing = mark_missing(case)
    council = council_info(session, case.council_id)
    how = how_we_will_contact(case)
    routes = f" If you need help sooner: {contact_routes(council)}" if council else ""
    text = (
        f"Thank you. Your case reference is {case.reference}. {EXPECTATION[case.priority]} "
        f"{how}{routes}"
    )
    if case.priority == "urgent":
        text += " If anyone is in immediate danger, call 999."
    if ctx.slot("pending") == "person_now":
        text = (f"I've passed your case to a member of staff now. Your case reference is "
                f"{case.reference}. {EXPECTATION[case.priority]} {how}")
        if missing:
            text += (f" We don't have {join_or(missing)} yet: send it here at any time and "
                     "I'll add it to your case.")
    if ctx.channel == SMS_CHANNEL and not is_other_language(ctx):
        text = sms_confirmation(case)
        if missing and ctx.slot("pending") == "person_now":
            text += f" Text {join_or(missing)} any time to add it."
    outcome = Outcome(slots={**_case_slots(case), "offer": None, "pending": None})
    if is_other_language(ctx):
        record_language(session, ctx)
        outcome.localised = True
        outcome.say(message("case_confirmation", ctx.language, reference=case.reference))
    outcome.say(text)
    waiting = ctx.slot("waiting_status")
    if waiting and council is not None:  # the status question asked before the council was known
        view = get_status(session, council.id, waiting)
        if view is not None:
            from bot.services.status_turns import _status_text

            outcome.slots["waiting_status"] = None
            outcome.say(f"You asked earlier: {_status_text(ctx, view, council)}")
    return outcome


def ask_contact_reach_turn(session: Session, ctx: TurnContext) -> Outcome:
    """The contact form's first question, in the resident's language."""
    outcome = Outcome()
    outcome.localised = True
    case = open_case_for(session, ctx.conversation_id)
    if is_sensitive(case) and sms_phone(session, ctx) and not (case.phone or case.email):
        if is_other_language(ctx):
            return outcome.say(message("sms_number_question", ctx.language),
                               [button(message("sms_yes", ctx.language), "affirm"),
                                button(message("sms_no", ctx.language), "deny")])
        # English: the short wording, so an urgent SMS turn stays within 3 segments
        return outcome.say(SMS_NUMBER_QUESTION, [button("Yes", "affirm"), button("No", "deny")])
    return outcome.say(message("ask_safe_contact", ctx.language if is_other_language(ctx)
                               else "en"))
