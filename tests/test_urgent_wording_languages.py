"""Urgent replies in every language: no English "your council" inside a translated reply, and
an overdose or poisoning of someone else gets "call 999 now for them", not self-harm wording."""

from __future__ import annotations

import pytest

from bot.language import SUPPORTED, message
from bot.language.someone_else import overdose_of_someone_else
from bot.services.escalation_turns import urgent_turn
from bot.services.language_turns import finish_turn
from bot.services.turn import Outcome, TurnContext
from bot.triage import UrgentCategory, detect_risk, emergency_advice
from bot.triage.advice import UNKNOWN_COUNCIL, UNKNOWN_PHONE, advice_key

OTHER_LANGUAGES = [code for code in SUPPORTED if code != "en"]

# "My mother took all her pills" (or similar) in each language, with its English meaning.
SOMEONE_ELSE = {
    "en": "my mum took all her pills",
    "es": "mi madre se tomó todas sus pastillas",  # my mother took all her pills
    "pl": "moja mama połknęła wszystkie tabletki",  # my mum swallowed all the pills
    "ar": "أمي أخذت كل حبوبها",  # my mother took all her pills
    "fr": "ma mère a pris tous ses médicaments",  # my mother took all her medicines
    "pt": "minha mãe tomou todos os comprimidos",  # my mother took all the tablets
    "it": "mia madre ha preso tutte le pillole",  # my mother took all the pills
}


def texts(outcome: Outcome) -> str:
    return " ".join(m.text for m in outcome.messages)


@pytest.mark.parametrize("code", OTHER_LANGUAGES)
def test_unknown_council_is_named_in_the_residents_language(code: str) -> None:
    for category in UrgentCategory:
        reply = emergency_advice(category, UNKNOWN_PHONE, UNKNOWN_COUNCIL, code)
        assert "your council" not in reply, (code, category)
        assert message("your_council", code) in reply
        listed = emergency_advice(category, "(out-of-hours lines: Westminster 020 7946 0301)",
                                  UNKNOWN_COUNCIL, code)
        assert "out-of-hours lines" not in listed and "your council" not in listed


def test_english_keeps_your_council_and_a_known_council_keeps_its_name() -> None:
    assert "from your council" in emergency_advice(UrgentCategory.GENERAL, UNKNOWN_PHONE, None)
    polish = emergency_advice(UrgentCategory.GENERAL, "020 7946 0101", "Westminster", "pl")
    assert "Westminster" in polish and "020 7946 0101" in polish


@pytest.mark.parametrize("code", OTHER_LANGUAGES)
def test_urgent_turn_without_a_council_has_no_english_stand_in(session, code: str) -> None:
    turn = TurnContext(conversation_id=f"u-{code}", text="help", intent="urgent_help",
                       language=code, entities={"urgent_category": ["domestic_abuse"]})
    said = texts(finish_turn(session, turn, urgent_turn(session, turn)))
    assert "your council" not in said and "out-of-hours lines" not in said
    assert "999" in said and "55" in said


@pytest.mark.parametrize(("code", "text"), sorted(SOMEONE_ELSE.items()))
def test_overdose_of_someone_else_gets_call_999_for_them(session, code: str, text: str) -> None:
    risk = detect_risk(text)
    assert risk is not None and risk.category == UrgentCategory.SELF_HARM
    assert advice_key(risk.category, text) == "advice.someone_else_overdose"
    turn = TurnContext(conversation_id=f"o-{code}", text=text, intent="urgent_help",
                       language=code)
    said = texts(finish_turn(session, turn, urgent_turn(session, turn)))
    expected = message("advice.someone_else_overdose", code)
    assert expected in said
    assert message("advice.self_harm", code) not in said
    assert "999" in said and "55" in said and "111" in said


def test_someone_else_wording_in_english() -> None:
    said = emergency_advice(UrgentCategory.SELF_HARM, "020 7946 0101", "Westminster",
                            text="my son has taken an overdose")
    assert said.startswith("Call 999 now and ask for an ambulance for them.")
    assert "then press 55" in said and "NHS 111" in said and "hurt yourself" not in said
    poisoned = emergency_advice(UrgentCategory.GENERAL, "020", "Westminster",
                                text="my dad swallowed bleach")
    assert poisoned.startswith("Call 999 now")


@pytest.mark.parametrize(
    "text",
    ["I took all my pills", "I want to kill myself", "I have taken an overdose",
     "my husband hits me", "my mum doesn't know I took all my tablets", "i want to die"],
)
def test_own_risk_keeps_the_self_harm_wording(text: str) -> None:
    assert not overdose_of_someone_else(text)
    assert advice_key(UrgentCategory.SELF_HARM, text) == "advice.self_harm"


@pytest.mark.parametrize(
    "text",
    ["annem bütün haplarını içti", "مادرم همه قرص‌هایش را خورد", "আমার মা সব ওষুধ খেয়ে ফেলেছে",
     "hooyaday waxay liqday kaniinka oo dhan", "ኣደይ ኩሉ ከኒና ውሒጣ", "mama a luat toate pastilele"],
)
def test_someone_else_is_seen_in_the_other_languages(text: str) -> None:
    assert overdose_of_someone_else(text)


def test_other_categories_are_untouched() -> None:
    assert advice_key(UrgentCategory.DOMESTIC_ABUSE, "my mum took all her pills") == \
        "advice.domestic_abuse"
