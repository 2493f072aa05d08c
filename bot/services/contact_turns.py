"""Contact details on a case, whenever they arrive: in the form, with "get me a person", or later.

Why a module of its own: the same rules apply wherever a detail turns up. Several numbers are
all kept with the preferred one marked; the resident's own number is never replaced by a
helper's; a helper is recorded only once the resident says they may be contacted; a field is
filled only from an answer that fits it. After the case is submitted, details typed later are
still added to the same case and acknowledged, never answered with "Sorry, I'm not sure".
"""

from __future__ import annotations

import re
from dataclasses import replace

from sqlalchemy.orm import Session

from bot.db.models import Case
from bot.language import message
from bot.parsing.contact import (
    NAME_PHRASE,
    TIME_PHRASE,
    display_phone,
    extract_contact,
    is_skip,
    mask_phone,
)
from bot.parsing.phones import PhoneMention, helper_consent_given, phone_mentions
from bot.services.cases import follow_council, open_case_for, update_contact
from bot.services.councils import council_for_postcode
from bot.services.turn import Message, Outcome, TurnContext, button, redact_for_case

HELPER_QUESTION = (
    "Can council staff contact {who} about your case? Only say yes if they have agreed."
)
_PERSON = re.compile(
    r"\b(?:(?:get|give|put|find|connect|transfer|pass)\s+me\s+(?:through\s+)?(?:to\s+)?"
    r"(?:a|an|to a|someone|somebody|a real|an actual|the)?\s*"
    r"(?:real\s+|actual\s+|live\s+)?(?:person|human|someone|somebody|staff|advisor|adviser|agent|"
    r"operator|officer|manager|supervisor)|"
    r"(?:talk|speak|chat)\s+(?:to|with)\s+(?:a|an|someone|somebody|a real|an actual|the|real)?\s*"
    r"(?:real\s+|actual\s+|live\s+)?(?:person|human|someone|somebody|staff|advisor|adviser|agent|"
    r"operator|officer|manager|supervisor|member of staff)|"
    r"(?:real|actual|live)\s+(?:person|human)|\bhuman being\b|"
    r"stop asking(?:\s+me)?(?:\s+(?:all\s+)?(?:these|so many|the|any more)?\s*questions?)?|"
    r"(?:enough|too many|no more) questions|"
    r"(?:just|please)\s+(?:call|ring|phone)\s+me(?:\s+(?:back|now|instead|please))*\s*[.!]*$|"
    r"(?:call|ring|phone)\s+me\s+(?:back\s+)?(?:instead|now)\s*[.!]*$)",
    re.IGNORECASE,
)
_YES = re.compile(r"^\s*(?:yes|yeah|yep|yh|y|ok|okay|sure|fine|she has|he has|they have|"
                  r"she did|he did|they did|she agreed|he agreed|they agreed)\b", re.IGNORECASE)
_NO = re.compile(r"^\s*(?:no|nope|nah|n|not yet|don'?t|do not|please don'?t)\b", re.IGNORECASE)
# Answers to "Is it safe for us to call you, or text only, and when?" (the abuse path).
CONSENT_YES = re.compile(r"^\s*(?:yes|yeah|yep|yh|y|ok|okay|sure|it is|it's fine|fine|safe)\b",
                         re.IGNORECASE)
CONSENT_NO = re.compile(r"^\s*(?:no|nope|nah|n|not really|nobody|no one|none)\b", re.IGNORECASE)
_TIME_WORDS = re.compile(
    r"\b(?:morning|afternoon|evening|night|tonight|today|tomorrow|weekend|weekday|monday|"
    r"tuesday|wednesday|thursday|friday|saturday|sunday|noon|midday|lunch|now|asap|"
    r"any ?time|whenever|after work|before work|o'?clock|\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm)|"
    r"\d{1,2}[:.]\d{2}|(?:after|before|from|around|between|by)\s+\d{1,2})",
    re.IGNORECASE,
)
# Words that make a short answer not a name ("not right now", "just get me a person").
_NOT_NAME_WORDS = set("""
a an the and or but not no yes ok okay fine sure just please thanks thank you me my mine i im
i'm it its it's is are was be been am do does did done don't dont can can't cant will would
should could get give got put call ring phone text email help person human someone somebody
staff now later today tomorrow tonight never always any anytime whenever what why how when who
where which this that there here skip pass next none nothing nobody rather prefer say said tell
want need know think right wrong good bad sorry hello hi hey bye goodbye stop wait hold on off
up down in out at to from for with without about of by as if so too very really still again
urgent emergency danger safe council bins housing repair heating water rent tax benefit benefits
library parking school care worker mum dad daughter son wife husband partner friend neighbour
morning afternoon evening night weekend weekday after before lunch time day week hour minute
don't dunno idk n/a na same usual
""".split())


def wants_person(text: str) -> bool:
    """'just get me a person', 'can I talk to a human', 'stop asking me questions and call me'."""
    return bool(_PERSON.search(text or ""))


def is_time_like(text: str) -> bool:
    return bool(TIME_PHRASE.search(text or "") or _TIME_WORDS.search(text or ""))


def name_from_answer(text: str) -> str | None:
    """A name from an answer to "what name should we use?": one to three name-like words."""
    phrase = NAME_PHRASE.search(text or "")
    candidate = phrase.group(1) if phrase else re.sub(
        r"^(?:it'?s|i'?m|im|i am|this is|call me|just|name:?)\s+", "",
        (text or "").strip().strip(".!"), flags=re.IGNORECASE)
    words = candidate.replace(",", " ").split()
    if not 1 <= len(words) <= 3 or is_skip(text):
        return None
    for word in words:
        bare = word.replace("-", "").replace("'", "")
        if not bare.isalpha() or len(bare) < 2 or word.lower() in _NOT_NAME_WORDS:
            return None
    return " ".join(w[:1].upper() + w[1:] for w in words)


def _set_detail(case: Case, **values: object) -> None:
    details = dict(case.details or {})
    for key, value in values.items():
        if value is None:
            details.pop(key, None)
        else:
            details[key] = value
    case.details = details


def _helper_who(mention: PhoneMention) -> str:
    if mention.helper_name:
        return mention.helper_name
    return f"your {mention.relation}" if mention.relation else "this person"


def record_phones(session: Session, case: Case, text: str, outcome: Outcome) -> dict[str, object]:
    """Every number in `text` onto the case: own numbers kept with the preferred one marked,
    a helper's number held until the resident says the helper may be contacted."""
    mentions = phone_mentions(text)
    if not mentions:
        return {}
    own = [m for m in mentions if not m.helper]
    helpers = [m for m in mentions if m.helper]
    details = dict(case.details or {})
    listed = [n for n in details.get("phone_numbers") or []]
    explicit = len(own) > 1 or re.search(r"\b(?:instead|better|best|prefer|rather|use)\b",
                                         text, re.IGNORECASE)
    if own and case.phone and not explicit and all(m.number != case.phone for m in own):
        # one more number, said without "better" or "instead": the one already on the case (by
        # SMS, the number they text from) stays the one to try first, and staff see both
        current = display_phone(case.phone)
        if not any(n.startswith(current) for n in listed):
            listed.insert(0, f"{current} (first given, preferred)")
        own = [replace(m, preferred=False) for m in own]
    for mention in own:
        entry = mention.describe()
        digits = entry.split(" (")[0]
        listed = [n for n in listed if not n.startswith(digits)] + [entry]
    slots: dict[str, object] = {}
    if own:
        preferred = next((m for m in own if m.preferred), own[0])
        if not case.phone or explicit:
            update_contact(session, case, phone=preferred.number)
        if len(own) > 1:
            count = "both numbers" if len(own) == 2 else f"all {len(own)} numbers"
            outcome.say(f"Thank you. I've kept {count} and marked the "
                        f"{mask_phone(preferred.number)} as the one to try first.")
    if len(listed) > 1 or (listed and helpers):
        _set_detail(case, phone_numbers=listed)
    for mention in helpers[:1]:
        if helper_consent_given(text):
            _set_detail(case, helper=mention.describe(), helper_pending=None)
            outcome.say(f"Thank you. I've added {_helper_who(mention)} as someone staff can "
                        "contact about your case.")
        else:
            _set_detail(case, helper_pending=mention.describe())
            slots["pending"] = "helper_consent"
            outcome.say(HELPER_QUESTION.format(who=_helper_who(mention)),
                        [button("Yes", "affirm"), button("No", "deny")])
        if not case.phone and not case.email:
            _set_detail(case, reach="helper")
    return slots


def helper_consent_turn(session: Session, ctx: TurnContext, yes: bool | None = None) -> Outcome:
    """The answer to "Can council staff contact your daughter?": yes records them, no forgets
    the number."""
    case = open_case_for(session, ctx.conversation_id)
    outcome = Outcome(slots={"pending": None})
    pending = (case.details or {}).get("helper_pending") if case else None
    if case is None or not pending:
        return outcome.say("OK. Is there anything else I can help with?")
    if yes is None:
        yes = ctx.intent == "affirm" or bool(_YES.search(ctx.text or ""))
    if yes:
        _set_detail(case, helper=pending, helper_pending=None)
        outcome.say("Thank you. I've added them as someone staff can contact about your case.")
    else:
        _set_detail(case, helper_pending=None)
        if (case.details or {}).get("reach") == "helper":
            _set_detail(case, reach=None)
        outcome.say("OK, I haven't kept their number.")
    return outcome


def is_helper_answer(ctx: TurnContext) -> bool:
    return ctx.slot("pending") == "helper_consent" and (
        ctx.intent in ("affirm", "deny") or bool(_YES.search(ctx.text) or _NO.search(ctx.text)))


def apply_contact(session: Session, case: Case, text: str, outcome: Outcome,
                  found: dict[str, object] | None = None) -> dict[str, object]:
    """Write what `text` gives (or `found`, already read from it) onto the case, numbers by
    their owner; returns slot changes."""
    found = dict(found if found is not None else extract_contact(text).found())
    found.pop("phone", None)
    slots = record_phones(session, case, text, outcome)
    if found:
        update_contact(session, case, **found)
        if found.get("postcode") and not case.council_id:
            case.council_id = council_for_postcode(session, str(found["postcode"]))
            follow_council(session, case)
    if (case.details or {}).get("missing"):  # what staff still lack follows what came in
        mark_missing(case)
    return slots


def missing_details(case: Case) -> list[str]:
    """What staff still do not have (a choice to skip is not missing)."""
    details = case.details or {}
    missing = []
    if not (case.phone or case.email or details.get("helper")) and details.get(
            "reach") != "declined":
        missing.append("a phone number or email")
    if not case.postcode and details.get("postcode") != "skipped":
        missing.append("your postcode")
    return missing


def mark_missing(case: Case) -> list[str]:
    missing = missing_details(case)
    _set_detail(case, missing=missing or None)
    return missing


def _what_was_added(before: dict[str, object], case: Case) -> list[str]:
    added = []
    if case.phone and case.phone != before["phone"]:
        added.append(f"the {mask_phone(case.phone)}")
    if (case.details or {}).get("phone_numbers") != before["numbers"] and not added:
        added.append("your numbers")
    if case.email and case.email != before["email"]:
        added.append("your email")
    if case.postcode and case.postcode != before["postcode"]:
        added.append("your postcode")
    if case.name and case.name != before["name"]:
        added.append("your name")
    if case.contact_time and case.contact_time != before["time"]:
        added.append(f"the best time ({case.contact_time})")
    return added


_ROUTED_ELSEWHERE = {"service", "council", "case_ref", "identity", "find_case", "subscribe_phone",
                     "safety_check", "vulnerability", "overview"}


def late_contact_turn(session: Session, ctx: TurnContext) -> Outcome | None:
    """Contact details sent after the case was submitted: added to the same case and
    acknowledged. None when the message holds none, or answers another pending question."""
    if ctx.slot("pending") in _ROUTED_ELSEWHERE or (ctx.text or "").startswith("/"):
        return None
    case = open_case_for(session, ctx.conversation_id)
    if case is None or not case.submitted:
        return None
    details = extract_contact(ctx.text)
    useful = bool(details.phone or details.email or details.name or details.contact_time
                  or details.safe_to_call is not None
                  or (details.postcode and not case.postcode and not ctx.slot("waiting_status")))
    if not useful and not details.invalid:
        return None
    if details.invalid and not (details.phone or details.email):
        return Outcome().say(reask_text(details.invalid, ctx.language))
    before = {"phone": case.phone, "email": case.email, "postcode": case.postcode,
              "name": case.name, "time": case.contact_time,
              "numbers": (case.details or {}).get("phone_numbers"), "reference": case.reference}
    outcome = Outcome()
    if not (details.postcode and not case.postcode):
        details.postcode = None  # a second postcode does not replace the first
    slots = apply_contact(session, case, ctx.text, outcome, details.found())
    added = _what_was_added(before, case)
    if details.safe_to_call is not None:
        added.append("how to contact you")
    missing = mark_missing(case)
    session.flush()
    outcome.slots.update({k: v for k, v in contact_markers(case).items() if v is not None})
    outcome.slots.update(slots)
    if case.reference != before["reference"]:
        added.append(f"your council (your reference is now {case.reference})")
    if added:
        text = f"Thank you. I've added {_join_and(added)} to your case {case.reference}."
    else:
        text = f"Thank you. Your case {case.reference} already has that."
    if missing:
        text += f" If you can, send {_join_and(missing)} too."
    outcome.messages.insert(0, Message(text))  # the acknowledgement before any question
    return outcome


def _join_and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def person_first(turn, late: bool = True):  # noqa: ANN001, ANN201 - a Turn in, a Turn out
    """Wrap a turn so "a person", however the classifier read it, opens and submits the case,
    helper answers go to the helper question, and contact details typed after the case was
    submitted are added to it (never "Sorry, I'm not sure I understood")."""

    def run(session: Session, ctx: TurnContext) -> Outcome:
        from bot.services.abuse_turns import abuse_followup_turn
        from bot.services.escalation_turns import start_case_turn

        followup = abuse_followup_turn(session, ctx)
        if followup is not None:  # on an urgent case: "I can't talk", "he reads my texts"
            return followup
        if is_helper_answer(ctx):
            return helper_consent_turn(session, ctx)
        if wants_person(ctx.text) and ctx.slot("pending") not in _ROUTED_ELSEWHERE:
            outcome = start_case_turn(session, TurnContext(**{**ctx.__dict__,
                                                              "intent": "human_request"}))
            outcome.followup = "contact_form"
            return outcome
        added = late_contact_turn(session, ctx) if late else None
        return added if added is not None else turn(session, ctx)

    run.__name__ = getattr(turn, "__name__", "turn")
    return run


def is_sensitive(case: Case | None) -> bool:
    return bool(case is not None and (case.details or {}).get("sensitive"))


def contact_markers(case: Case) -> dict[str, str | None]:
    """Slot markers derived from the case row: the row is the truth, slots only mirror it."""
    details = case.details or {}
    return {
        "contact_reach": "given" if (case.phone or case.email) else details.get("reach"),
        "contact_postcode": "given" if case.postcode else details.get("postcode"),
        "contact_time": "given" if case.contact_time else details.get("time"),
        "contact_name": "given" if case.name else details.get("name"),
        "contact_safety": "given" if details.get("contact_consent") else None,
    }


def reask_text(invalid: list[str], language: str = "en") -> str:
    """What was wrong with a number or email, in the resident's language."""
    return message("reask_phone" if "phone" in invalid else "reask_email", language)


def how_we_will_contact(case: Case) -> str:
    if is_sensitive(case) and not (case.details or {}).get("contact_consent") and case.phone:
        return "We will only contact you in a way you have told us is safe."
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


def join_or(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def consent_answer(text: str, found: dict[str, object]) -> bool:
    """An answer to "Is it safe for us to call you, or text only, and when?"."""
    if text.startswith("/"):
        return False
    return bool(found.get("safe_to_call") is not None or found.get("contact_time")
                or found.get("preferred_contact") or CONSENT_YES.search(text)
                or CONSENT_NO.search(text)
                or is_skip(text) or re.search(r"\b(?:call|ring|phone|text|txt)\b", text, re.I))


def record_consent(case: Case, text: str, found: dict[str, object]) -> None:
    """Store what the resident said is safe; no clear yes to calls means text only."""
    lowered = text.lower()
    safe_to_call = found.get("safe_to_call")
    if safe_to_call is None:
        if re.search(r"\btext\b|\btxt\b|\bsms\b", lowered) and not re.search(
                r"\b(?:call|ring|phone)\b", lowered):
            safe_to_call = False
        elif CONSENT_YES.search(text) or re.search(r"\b(?:can|could|may) (?:call|ring|phone)\b",
                                            lowered):
            safe_to_call = True
        else:
            safe_to_call = False  # no consent to call was given
    found["safe_to_call"] = safe_to_call
    if safe_to_call is False and not found.get("preferred_contact"):
        found["preferred_contact"] = "text"
    _set_detail(case, contact_consent=redact_for_case(text)[:160] or "given",
                consent_to_call=bool(safe_to_call))


def asks_for_person(ctx: TurnContext, requested: str | None) -> bool:
    """"Just get me a person" in any wording; a message the classifier called a request for a
    person but that answers the question ("call me on 07700 900118", "yes you can call") is an
    answer, not a request to stop."""
    if not (wants_person(ctx.text) or ctx.intent == "human_request"):
        return False
    if ctx.text.startswith("/"):
        return ctx.intent == "human_request"
    found = extract_contact(ctx.text).found()
    if requested == "contact_safety" and consent_answer(ctx.text, found):
        return False
    return wants_person(ctx.text) or not any(found.get(k) for k in ("phone", "email", "postcode"))


def person_now(session: Session, ctx: TurnContext, case: Case) -> Outcome:
    """'Just get me a person' in the middle of the form: keep what the message gives, then end
    the form so the case is submitted now (bot.services.contact_turns takes details later)."""
    outcome = Outcome()
    outcome.slots.update(apply_contact(session, case, ctx.text, outcome))
    _set_detail(case, asked_for_person=True)
    session.flush()
    outcome.slots.update({k: v for k, v in contact_markers(case).items() if v != ctx.slot(k)})
    outcome.slots["pending"] = "person_now"
    return outcome
