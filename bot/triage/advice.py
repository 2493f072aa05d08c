"""The first reply for each urgent situation: the right number, then the hand-off line.

The texts live in bot/language/translations (en.yml is the source). English ones are plain
GSM-7 text (no curly quotes or long dashes) so an SMS is not forced into UCS-2 and split
into many parts.

When the council is not known yet, callers pass ``UNKNOWN_COUNCIL`` ("your council") and,
for the phone, ``UNKNOWN_PHONE`` or the list of every council's line introduced by
``(out-of-hours lines: ``. Those English words are swapped for the resident's language here,
so a Polish reply never says "your council" in English.
"""

from __future__ import annotations

from bot.language.messages import message
from bot.language.someone_else import overdose_of_someone_else
from bot.triage.categories import UrgentCategory

UNKNOWN_COUNCIL = "your council"
UNKNOWN_PHONE = "your council's out-of-hours line"
_LINES_PREFIX = "(out-of-hours lines: "
# Urgent kinds under which "my mum took all her pills" / "my dad swallowed bleach" are filed.
_OVERDOSE_CATEGORIES = (UrgentCategory.SELF_HARM, UrgentCategory.GENERAL)


def advice_key(category: UrgentCategory, text: str | None = None) -> str:
    """The translation key of the first reply: an overdose or poisoning of someone else gets
    "call 999 now for them", not the self-harm wording."""
    category = UrgentCategory(category)
    if category in _OVERDOSE_CATEGORIES and overdose_of_someone_else(text):
        return "advice.someone_else_overdose"
    return f"advice.{category.value}"


def _localise_unknowns(phone: str, council: str | None, language: str) -> tuple[str, str]:
    """The English stand-ins for an unknown council, in the resident's language."""
    if not council or council == UNKNOWN_COUNCIL:
        council = message("your_council", language)
    if language == "en":
        return phone, council
    if phone == UNKNOWN_PHONE:
        phone = message("your_council", language)
    elif phone.startswith(_LINES_PREFIX):
        phone = f"({message('out_of_hours_lines', language)}: {phone[len(_LINES_PREFIX):]}"
    return phone, council


def emergency_advice(
    category: UrgentCategory, out_of_hours_phone: str, council_name: str | None,
    language: str = "en", text: str | None = None,
) -> str:
    """The first reply for an urgent situation: the right number, then the hand-off line, in
    the resident's language (bot/language/translations; English when there is none).

    `text` is the resident's message: it tells an overdose of someone else from self-harm."""
    phone, council = _localise_unknowns(out_of_hours_phone, council_name, language)
    body = message(advice_key(category, text), language, phone=phone)
    return f"{body} {message('hand_off', language, council=council)}"
