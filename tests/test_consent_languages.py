"""The abuse path's consent question ("Is it safe for us to call you, or text only, and
when?") and the SMS-number question in every language, and the answers read safely."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import yaml

from bot.db.models import SmsConversation
from bot.language import SUPPORTED, message
from bot.language.consent import consent_in_language
from bot.services.cases import open_case_for
from bot.services.escalation_turns import (
    ask_contact_reach_turn,
    contact_form_turn,
    required_contact_slots,
    urgent_turn,
)
from bot.services.turn import SMS_CHANNEL, TurnContext

ROOT = Path(__file__).resolve().parent.parent
OTHER_LANGUAGES = [code for code in SUPPORTED if code != "en"]


def _domain_variants() -> dict[str | None, str]:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    variants: dict[str | None, str] = {}
    for variant in domain["responses"]["utter_ask_contact_safety"]:
        conditions = variant.get("condition") or []
        code = conditions[0]["value"] if conditions else None
        assert code not in variants, f"two variations for {code}"
        variants[code] = variant["text"]
    return variants


def test_domain_asks_the_consent_question_in_every_language() -> None:
    variants = _domain_variants()
    assert variants[None] == message("consent_question", "en")
    for code in OTHER_LANGUAGES:
        assert variants.get(code) == message("consent_question", code), code
        assert variants[code] != variants[None]


def test_rasa_picks_the_residents_language_for_the_question() -> None:
    from rasa.core.nlg import TemplatedNaturalLanguageGenerator
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import SlotSet
    from rasa.shared.core.trackers import DialogueStateTracker

    domain = Domain.load(str(ROOT / "domain.yml"))
    nlg = TemplatedNaturalLanguageGenerator(domain.responses)
    for code in ("pl", "ar", "en", None):
        tracker = DialogueStateTracker.from_events(
            "t", [SlotSet("language", code)], slots=domain.slots)
        said = asyncio.run(nlg.generate("utter_ask_contact_safety", tracker, "rest"))
        assert said["text"] == message("consent_question", code or "en"), code


@pytest.mark.parametrize(
    ("code", "answer", "safe_to_call"),
    [
        ("pl", "tak, możecie dzwonić po 18", True),  # yes, you can call after 6pm
        ("pl", "tylko SMS, on sprawdza mój telefon", False),  # text only, he checks my phone
        ("pl", "nie dzwońcie", False),  # don't call
        ("es", "sí, pueden llamarme por la mañana", True),  # yes, call me in the morning
        ("es", "solo mensajes por favor", False),  # messages only please
        ("ar", "نعم، يمكنكم الاتصال بعد الساعة 6", True),  # yes, you can call after 6
        ("ar", "رسائل فقط", False),  # messages only
        ("ar", "لا تتصلوا", False),  # don't call
        ("fr", "non, seulement des SMS", False),  # no, texts only
        ("tr", "evet arayabilirsiniz", True),  # yes you can call
        ("so", "fariin kaliya", False),  # message only
        ("pt", "não sei", False),  # I don't know: unclear is text only
        ("it", "boh", False),  # unclear
    ],
)
def test_answers_are_read_and_unclear_means_text_only(code: str, answer: str,
                                                      safe_to_call: bool) -> None:
    found = consent_in_language(answer, code)
    assert found["safe_to_call"] is safe_to_call
    assert (found.get("preferred_contact") == "text") is (not safe_to_call)


def test_english_and_new_danger_are_left_to_the_other_rules() -> None:
    assert consent_in_language("yes you can call", "en") == {}
    assert consent_in_language("/affirm", "pl") == {}
    assert consent_in_language("on mnie bije, jest tutaj", "pl") == {}  # he hits me, he's here


def _abuse_case(session, code: str, channel: str = "rest") -> TurnContext:
    opened = TurnContext(conversation_id=f"a-{code}", text="help", intent="urgent_help",
                         language=code, channel=channel,
                         entities={"urgent_category": ["domestic_abuse"]})
    urgent_turn(session, opened)
    return opened


def test_consent_is_asked_and_recorded_in_polish(session) -> None:
    opened = _abuse_case(session, "pl")
    assert required_contact_slots(session, opened) == ["contact_reach", "contact_safety"]
    answer = TurnContext(conversation_id="a-pl", text="tylko SMS, wieczorem", language="pl",
                         latest_action="action_listen", intent="inform")
    outcome = contact_form_turn(session, answer, "contact_safety")
    assert outcome.slots.get("contact_safety") == "given"
    case = open_case_for(session, "a-pl")
    assert case.safe_to_call is False and case.preferred_contact == "text"
    assert "wieczorem" in case.details["contact_consent"]  # "in the evening", for staff


@pytest.mark.parametrize("code", ["pl", "ar", "es"])
def test_sms_number_question_in_the_residents_language(session, code: str) -> None:
    conversation = f"a-{code}"
    session.add(SmsConversation(conversation_id=conversation, phone=f"+4477009001{len(code)}"
                                f"{OTHER_LANGUAGES.index(code):02d}"))
    session.flush()
    opened = _abuse_case(session, code, channel=SMS_CHANNEL)
    asked = ask_contact_reach_turn(session, opened)
    assert asked.messages[0].text == message("sms_number_question", code)
    assert "YES" in asked.messages[0].text and "NO" in asked.messages[0].text
    titles = [b["title"] for b in asked.messages[0].buttons]
    assert titles == [message("sms_yes", code), message("sms_no", code)]  # not English
    assert "Yes" not in titles


@pytest.mark.parametrize("code", ["pl", "ar"])
def test_no_to_the_sms_number_is_answered_in_the_residents_language(session, code: str) -> None:
    conversation = f"a-{code}"
    session.add(SmsConversation(conversation_id=conversation,
                                phone=f"+44770090{OTHER_LANGUAGES.index(code):02d}55"))
    session.flush()
    _abuse_case(session, code, channel=SMS_CHANNEL)
    answer = TurnContext(conversation_id=conversation, text="NO", intent="deny", language=code,
                         channel=SMS_CHANNEL, latest_action="action_listen")
    outcome = contact_form_turn(session, answer, "contact_reach")
    case = open_case_for(session, conversation)
    assert outcome.messages[0].text == message("sms_declined", code, reference=case.reference)
    assert case.phone is None and outcome.slots["contact_reach"] == "declined"
