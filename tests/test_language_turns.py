"""Residents in their own language: detection, the conversation's language, replies in it,
the case's language, and honest scope (other councils, unlisted services), safety question."""

from __future__ import annotations

import pytest

from bot.db.models import Case
from bot.language import detect_language, language_name, message
from bot.language.names import english_name
from bot.services.advice_turns import deny_turn
from bot.services.cases import open_case_for
from bot.services.escalation_turns import (
    SAFETY_QUESTION,
    required_contact_slots,
    safety_check_answer_turn,
    start_case_turn,
    submit_case_turn,
    urgent_turn,
)
from bot.services.language_turns import conversation_language, finish_turn
from bot.services.scope import other_council, unlisted_service
from bot.services.status_turns import fallback_turn, inform_turn, service_status_turn
from bot.services.turn import Outcome, TurnContext
from bot.triage.tier import CLEAR, POSSIBLE, NetVerdict, urgency_tier


def ctx(text: str, intent: str | None = None, conversation: str = "c1", **kw) -> TurnContext:
    return TurnContext(conversation_id=conversation, text=text, intent=intent, **kw)


def texts(outcome: Outcome) -> str:
    return " ".join(m.text for m in outcome.messages)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("my bins weren't collected on tuesday", "en"),
        ("mój mąż mnie bije i boję się wrócić do domu", "pl"),
        ("no tengo calefacción y mi bebé tiene mucho frío", "es"),
        ("زوجي يضربني وأنا خائفة", "ar"),
        ("شوهرم مرا کتک می زند", "fa"),
        ("আমার স্বামী আমাকে মারে", "bn"),
        ("ሰብኣየይ ይወቕዓኒ ኣሎ", "ti"),
        ("kocam beni dövüyor, çok korkuyorum", "tr"),
    ],
)
def test_language_is_detected_offline(text: str, code: str) -> None:
    assert detect_language(text).code == code


@pytest.mark.parametrize("short", ["ok", "hello", "W10 6EL", "07700 900123", "yes", "/affirm"])
def test_short_messages_keep_the_conversations_language(short: str) -> None:
    guess = detect_language(short, previous="pl")
    assert guess.code == "pl" and guess.by == "kept"
    assert conversation_language({"code": "it", "by": "default"}, "pl") == "pl"
    assert conversation_language({"code": "it", "by": "detector"}, "pl") == "it"
    assert conversation_language({"code": "xx", "by": "detector"}, None) == "en"


def test_messages_fall_back_to_english_and_refuse_paths() -> None:
    assert "999" in message("emergency_line", "pl")
    assert message("emergency_line", "zz") == message("emergency_line", "en")
    assert language_name("../en") == "../en"  # never read as a file path
    with pytest.raises(KeyError):
        message("no_such_key", "en")


def test_urgent_disclosure_in_polish_gets_polish_advice_and_a_case_with_its_language(
    session,
) -> None:
    polish = ctx("mój mąż mnie bije", "urgent_help", language="pl",
                 entities={"urgent_category": ["domestic_abuse"]})
    outcome = finish_turn(session, polish, urgent_turn(session, polish))
    said = texts(outcome)
    assert "999" in said and "55" in said and "0808 2000 247" in said
    assert message("advice.domestic_abuse", "pl").split(".")[0] in said
    assert message("interpreter", "pl") in said
    case = open_case_for(session, "c1")
    assert case.priority == "urgent" and case.language == "pl"
    assert case.interpreter_language == english_name("pl") == "Polish"
    assert outcome.slots["language"] == "pl"
    assert required_contact_slots(session, polish) == ["contact_reach", "contact_safety"]


def test_unclear_message_in_another_language_gets_emergency_line_and_interpreter_offer(
    session,
) -> None:
    outcome = fallback_turn(session, ctx("xyz qwe", "nlu_fallback", language="so"))
    assert texts(outcome) == message("not_understood", "so")
    payloads = [b["payload"] for b in outcome.messages[0].buttons]
    assert payloads == ["/human_request", "/deny"]
    english = fallback_turn(session, ctx("xyz qwe", "nlu_fallback"))
    assert "not sure I understood" in texts(english)


def test_interpreter_call_back_case_and_confirmation_in_language(session) -> None:
    request = ctx("chcę rozmawiać z kimś", "human_request", language="pl")
    opened = finish_turn(session, request, start_case_turn(session, request))
    assert texts(opened) == message("interpreter", "pl")
    assert open_case_for(session, "c1").language == "pl"
    done = submit_case_turn(session, ctx("07700 900123", "inform", language="pl"))
    reference = open_case_for(session, "c1") or session.query(Case).one()
    assert message("case_confirmation", "pl", reference=reference.reference) in texts(done)


def test_english_replies_are_introduced_once_in_the_residents_language(session) -> None:
    first = ctx("czy biblioteka jest otwarta", "service_status", language="es")
    outcome = finish_turn(session, first, service_status_turn(session, first))
    assert outcome.messages[0].text == message("status_intro", "es")
    english = ctx("is the library open", "service_status")
    assert finish_turn(session, english, service_status_turn(session, english)).messages[0].text \
        != message("status_intro", "en")


def test_another_borough_is_told_plainly_where_to_go(session) -> None:
    outcome = service_status_turn(
        session, ctx("I live in Camden, when are my bins collected", "service_status",
                     entities={"service": ["waste"]}))
    said = texts(outcome)
    assert "only covers Kensington and Chelsea, Hammersmith and Fulham and Westminster" in said
    assert "camden.gov.uk" in said and not outcome.messages[0].buttons
    by_postcode = inform_turn(session, ctx("SE15 3AB", "inform",
                                           slots={"pending": "council", "service": "waste"}))
    assert "Southwark" in texts(by_postcode)
    assert other_council("my bins in W10 6EL", {"W10"}) is None
    assert other_council("Sutton Road bins") is None  # a street, not the borough


def test_unlisted_service_gets_an_honest_answer_not_a_menu_loop(session) -> None:
    outcome = service_status_turn(session, ctx("is pest control still coming for the rats",
                                              "service_status"))
    assert "I don't have a status for pest control" in texts(outcome)
    assert unlisted_service("school admissions deadline") == "school admissions"
    asked = service_status_turn(session, ctx("is it working?", "service_status"))
    again = inform_turn(session, ctx("the thing with the forms", "inform", slots=asked.slots))
    assert "I don't have a status for that" in texts(again)
    assert not any(m.buttons for m in again.messages)


def test_urgency_tiers() -> None:
    assert urgency_tier("my husband hits me", 0.3) == CLEAR  # no verdict came: the rules see it
    quiet = NetVerdict(fired=False)
    assert urgency_tier("the lift keeps stopping between floors", 0.45, quiet) == POSSIBLE
    assert urgency_tier("the lift keeps stopping between floors", 0.95, quiet) == CLEAR
    assert urgency_tier("/urgent_help", 0.1, quiet) == CLEAR
    assert urgency_tier("anything", 0.1, NetVerdict(fired=True)) == CLEAR


def test_possible_urgency_asks_once_then_yes_no_or_unclear(session) -> None:
    weak = ctx("the lift keeps stopping between floors", "urgent_help", intent_confidence=0.4)
    asked = urgent_turn(session, weak)
    assert texts(asked) == SAFETY_QUESTION and asked.followup == "action_listen"
    assert open_case_for(session, "c1") is None  # no urgent case for a possible signal
    slots = asked.slots
    declined = deny_turn(session, ctx("no", "deny", slots=slots))
    assert "glad no one is in danger" in texts(declined) and declined.slots["pending"] is None
    assert open_case_for(session, "c1") is None
    yes = start_case_turn(session, ctx("yes", "affirm", slots=slots))
    assert "999" in texts(yes) and open_case_for(session, "c1").priority == "urgent"
    unclear = safety_check_answer_turn(session, ctx("i dont know", "nlu_fallback",
                                                    conversation="c2", slots=slots))
    assert unclear.followup == "contact_form"
    assert open_case_for(session, "c2").priority == "urgent"
    routed = fallback_turn(session, ctx("hmm", "nlu_fallback", conversation="c3", slots=slots))
    assert open_case_for(session, "c3").priority == "urgent" and "999" in texts(routed)
