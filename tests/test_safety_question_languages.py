"""Two tiers in the languages we translate: an unsure "urgent" is met with the safety question
in the resident's own language; only a clear "no" takes the urgent path away.

Hand-written examples (meaning beside them), not taken from any evaluation set."""

from __future__ import annotations

import pytest

from bot.language import SUPPORTED, message
from bot.services.advice_turns import deny_turn
from bot.services.cases import open_case_for
from bot.services.escalation_turns import SAFETY_QUESTION, urgent_turn
from bot.services.status_turns import fallback_turn
from bot.services.turn import Outcome, TurnContext
from bot.triage.tier import CLEAR, POSSIBLE, NetVerdict, urgency_tier

NOT_BACKED = NetVerdict(fired=False)


def ctx(text: str, intent: str | None, language: str, conversation: str = "c1",
        **kw) -> TurnContext:
    return TurnContext(conversation_id=conversation, text=text, intent=intent,
                       language=language, **kw)


def texts(outcome: Outcome) -> str:
    return " ".join(m.text for m in outcome.messages)


@pytest.mark.parametrize("code", sorted(SUPPORTED))
def test_every_language_we_translate_has_its_own_safety_question(code: str) -> None:
    question = message("safety_question", code)
    assert "999" in question
    assert question != SAFETY_QUESTION or code == "en"
    assert message("safety_yes", code) and message("safety_no", code)


def test_the_tier_is_the_same_rule_in_a_translated_language() -> None:
    # "my parcel did not come and I am going crazy" (pl): only the classifier, unsure
    text = "paczka nie przyszła i zaraz zwariuję"
    assert urgency_tier(text, 0.45, NOT_BACKED, "pl") == POSSIBLE
    assert urgency_tier(text, 0.95, NOT_BACKED, "pl") == CLEAR
    assert urgency_tier(text, 0.45, NetVerdict(fired=True), "pl") == CLEAR
    # a language we recognise but do not translate: the question could not be read
    assert urgency_tier("мне очень плохо дома", 0.35, NOT_BACKED, "ru") == CLEAR


def test_an_unsure_polish_urgent_gets_the_question_in_polish_and_no_case(session) -> None:
    turn = ctx("paczka nie przyszła i zaraz zwariuję", "urgent_help", "pl",
               intent_confidence=0.45, net=NOT_BACKED)
    outcome = urgent_turn(session, turn)
    assert texts(outcome) == message("safety_question", "pl")
    assert [b["title"] for b in outcome.messages[0].buttons] == ["Tak", "Nie"]
    assert outcome.localised and outcome.slots["pending"] == "safety_check"
    assert open_case_for(session, "c1") is None


def test_a_clear_no_keeps_it_ordinary_and_an_unclear_answer_makes_it_urgent(session) -> None:
    asked = {"pending": "safety_check", "offer": "case", "case_category": "urgent_help",
             "case_priority": "urgent"}
    declined = deny_turn(session, ctx("nie", "deny", "pl", slots=dict(asked)))
    case = open_case_for(session, "c1")
    assert case is None or case.priority != "urgent"
    assert declined.slots.get("pending") is None
    # "I don't know, maybe" (ar) is not a no: urgent, with the emergency number
    unclear = fallback_turn(session, ctx("لا أعرف ربما", "nlu_fallback", "ar",
                                         conversation="c2", slots=dict(asked)))
    assert "999" in texts(unclear)
    assert open_case_for(session, "c2").priority == "urgent"


def test_a_lexicon_backed_disclosure_is_urgent_at_once(session) -> None:
    # "I took all my pills" (es), the net backs it: no question first
    turn = ctx("me he tomado todas las pastillas", "urgent_help", "es",
               intent_confidence=0.45, net=NetVerdict(fired=True))
    outcome = urgent_turn(session, turn)
    assert message("safety_question", "es") not in texts(outcome)
    assert open_case_for(session, "c1").priority == "urgent"
