"""Urgent replies by SMS: the numbers first, the whole turn in at most three segments.

Why a separate wording: on a phone the first text must be the one that helps if nothing else
arrives, so it starts with the number to call; four texts of web-chat paragraphs (~8 segments)
arrive out of order on old handsets and cost the resident credit. Each line here fits one
GSM-7 segment (160 characters) with a real council number in it.
"""

from __future__ import annotations

from bot.db.models import Case
from bot.parsing.contact import mask_phone
from bot.triage import UrgentCategory

SMS_URGENT_SEGMENTS = 3
_FIRST: dict[UrgentCategory, str] = {
    UrgentCategory.SELF_HARM: "999 if you have hurt yourself or might act on it. Samaritans, "
    "free day or night: 116 123.",
    UrgentCategory.SAFEGUARDING: "999 if anyone is in danger now. Otherwise call {phone} "
    "(out of hours) to report it.",
    UrgentCategory.DOMESTIC_ABUSE: "999 if you are in danger (can't speak? 999 then press 55). "
    "Free 24h abuse helpline: 0808 2000 247.",
    UrgentCategory.GAS_LEAK: "Gas: call 0800 111 999 now (free, 24h). Open windows, no flames "
    "or switches. 999 if anyone is unwell.",
    UrgentCategory.HOMELESS_TONIGHT: "999 if you are in danger. For emergency housing tonight "
    "call {phone} (open all night).",
    UrgentCategory.NO_HEATING_OR_WATER: "999 in an emergency, 111 if anyone is very cold or "
    "unwell. Out-of-hours repairs: {phone}.",
    UrgentCategory.UNSAFE_HOME: "999 if fire, smoke or someone is hurt. Keep away from wet "
    "electrics. Then call {phone}.",
    UrgentCategory.NO_MONEY_FOR_ESSENTIALS: "999 if anyone is unwell or in danger. Help with "
    "food or power: {phone}. Food banks: trusselltrust.org",
    UrgentCategory.MISSED_CARE_VISIT: "999 if the person is hurt or can't be left alone. Else "
    "call {phone}: say a care visit was missed.",
    UrgentCategory.GENERAL: "999 if anyone is in danger or hurt. Otherwise call {phone} (out "
    "of hours).",
}
NOT_SAFE_NOW_SMS = "Call 999 now. Can't speak? Call 999, then press 55."


def uses_council_phone(category: UrgentCategory, danger: bool = False) -> bool:
    """Whether the first text names the council's out-of-hours line (some need only 999)."""
    return not danger and "{phone}" in _FIRST.get(category, _FIRST[UrgentCategory.GENERAL])


def sms_urgent_first(category: UrgentCategory, phone: str, danger: bool = False) -> str:
    """The first text of an urgent turn: the emergency numbers before anything else."""
    if danger:
        return NOT_SAFE_NOW_SMS
    return _FIRST.get(category, _FIRST[UrgentCategory.GENERAL]).format(phone=phone)


def sms_urgent_case_line(case: Case, cant_go_home_phone: str | None = None) -> str:
    """The second text: the case reference and who will contact the resident."""
    text = f"Urgent case {case.reference}: council staff are alerted."
    if cant_go_home_phone:
        text = f"Nowhere to stay tonight? Call {cant_go_home_phone}. " + text
    return text


def sms_confirmation(case: Case) -> str:
    """The case confirmation by SMS: reference, when, how; one or two segments."""
    when = {"urgent": "usually within the hour", "high": "within one working day",
            "standard": "within five working days (replies are slower this week)"}[case.priority]
    if case.phone and case.safe_to_call is False:
        how = f"We will text, not call, the {mask_phone(case.phone)}"
    elif case.phone:
        how = f"Staff will contact you on the {mask_phone(case.phone)}"
    elif case.email:
        how = "Staff will reply by email"
    else:
        how = "We have no number or email for you: text me for updates"
    text = f"Thank you. Your case reference is {case.reference}. {how}, {when}."
    if case.priority == "urgent":
        text += " Danger: 999."
    return text
