"""The first reply for each urgent situation: the right number, then the hand-off line.

Plain GSM-7 text (no curly quotes or long dashes) so an SMS is not forced into UCS-2 and split
into many parts.
"""

from __future__ import annotations

from bot.triage.categories import UrgentCategory

C = UrgentCategory

_HAND_OFF = (
    "We will ask a person from {council} to contact you. "
    "The next question is only to find a safe way to reach you."
)

_ADVICE: dict[UrgentCategory, str] = {
    C.SELF_HARM: (
        "Thank you for telling us. Are you safe right now? If you have hurt yourself or "
        "might act on these thoughts, call 999. Samaritans are free to call, day or night, "
        "on 116 123."
    ),
    C.SAFEGUARDING: (
        "Thank you for telling us. Are you, and the person you are worried about, safe "
        "right now? If anyone is in immediate danger, call 999. Otherwise call the "
        "out-of-hours line on {phone}. If you are a professional and the referral portal is "
        "down, please phone the referral through rather than wait."
    ),
    C.DOMESTIC_ABUSE: (
        "Thank you for telling us. Are you safe right now? If you are in danger, call 999. "
        "If you cannot speak, call 999 then press 55 when asked. The National Domestic Abuse "
        "Helpline "
        "is free and open 24 hours: 0808 2000 247."
    ),
    C.GAS_LEAK: (
        "Are you safe right now? Call the National Gas Emergency line now: 0800 111 999 "
        "(free, 24 hours). Open doors and windows, do not use flames or electric switches, "
        "and turn the gas off at the meter if you can. If an alarm is sounding or anyone feels "
        "unwell, go outside and call 999."
    ),
    C.HOMELESS_TONIGHT: (
        "Thank you for telling us. If you have nowhere safe to stay tonight, please call "
        "the out-of-hours line on {phone} and say so. If you are in danger, call 999."
    ),
    C.NO_HEATING_OR_WATER: (
        "Thank you for telling us. No heating or water can be an emergency repair, most of "
        "all for someone older, disabled, ill or very young. Please call the out-of-hours "
        "line on {phone}. If anyone is very cold or unwell, call 111, or 999 in an emergency."
    ),
    C.UNSAFE_HOME: (
        "Are you safe right now? If there is fire or smoke, or someone is hurt, call 999. "
        "Keep away from sparking or wet electrics. Only if it is safe, turn off the power at "
        "the fuse box or the water at the stop tap. Then call the out-of-hours line on {phone}."
    ),
    C.NO_MONEY_FOR_ESSENTIALS: (
        "Thank you for telling us. Please call the out-of-hours line on {phone} and say "
        "you have no money for food, power or medicine, and ask about emergency help. If "
        "anyone is unwell or in danger, call 999."
    ),
    C.MISSED_CARE_VISIT: (
        "Thank you for telling us. If the person is hurt, unwell or cannot safely be left "
        "alone, call 999. Otherwise call the out-of-hours line on {phone} and say a care "
        "visit was missed."
    ),
    C.GENERAL: (
        "Are you safe right now? If anyone is in danger or hurt, call 999 now. Otherwise "
        "call the out-of-hours line on {phone}."
    ),
}


def emergency_advice(category: UrgentCategory, out_of_hours_phone: str, council_name: str) -> str:
    """The first reply for an urgent situation: the right number, then the hand-off line."""
    body = _ADVICE[UrgentCategory(category)].format(phone=out_of_hours_phone)
    return f"{body} {_HAND_OFF.format(council=council_name)}"

