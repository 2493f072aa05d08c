"""The first reply for each urgent situation: the right number, then the hand-off line.

The texts live in bot/language/translations (en.yml is the source). English ones are plain
GSM-7 text (no curly quotes or long dashes) so an SMS is not forced into UCS-2 and split
into many parts.
"""

from __future__ import annotations

from bot.language.messages import message
from bot.triage.categories import UrgentCategory


def emergency_advice(
    category: UrgentCategory, out_of_hours_phone: str, council_name: str, language: str = "en"
) -> str:
    """The first reply for an urgent situation: the right number, then the hand-off line, in
    the resident's language (bot/language/translations; English when there is none)."""
    body = message(f"advice.{UrgentCategory(category).value}", language, phone=out_of_hours_phone)
    return f"{body} {message('hand_off', language, council=council_name)}"
