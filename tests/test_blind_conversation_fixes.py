"""What the blind conversations (tests/conversations/blind.yml, issue #14) found: "I can't
talk" and "he reads my texts" answered in context and recorded; an ex at the door is domestic
abuse; the skipped-contact note in the resident's language; a name ends at "and"; "what about
the bins then?" after a status answer is a status question; SMS scam steps fit 3 segments.
Against a real SQLite database (the `session` fixture)."""

from __future__ import annotations

import pytest

from bot.channels.sms_render import turn_segments
from bot.db.models import SmsConversation
from bot.parsing.contact import extract_contact
from bot.services.abuse_turns import abuse_followup_turn, partner_threat
from bot.services.advice_turns import complaint_turn, phishing_turn
from bot.services.cases import open_case_for
from bot.services.contact_turns import person_first
from bot.services.escalation_turns import contact_form_turn, start_case_turn, urgent_turn
from bot.services.status_turns import fallback_turn
from bot.services.turn import TurnContext


def ctx(text: str, intent: str | None = None, conversation: str = "c1", **kw) -> TurnContext:
    return TurnContext(conversation_id=conversation, text=text, intent=intent,
                       entities=kw.pop("entities", {}), **kw)


def texts(outcome) -> str:
    return " ".join(m.text for m in outcome.messages)


@pytest.mark.parametrize("cant", ["I can't talk", "cant speak right now", "I'm not able to talk"])
def test_cant_talk_on_an_abuse_case_gets_55_and_no_calls(session, cant: str) -> None:
    urgent_turn(session, ctx("my husband hurts me when he's drunk", "urgent_help"))
    # whatever the classifier made of it (a person, a skip): the form keeps going
    said = contact_form_turn(session, ctx(cant, "human_request", latest_action="action_listen"),
                             "contact_reach")
    assert "55" in texts(said) and "999" in texts(said)
    case = open_case_for(session, "c1")
    assert case.safe_to_call is False and case.details["cannot_speak"] is True
    assert not case.details.get("asked_for_person")


def test_watched_phone_by_sms_keeps_the_number_off_the_case(session) -> None:
    session.add(SmsConversation(conversation_id="sms-w", phone="+447700900555"))
    session.flush()
    kw = {"conversation": "sms-w", "channel": "twilio_sms"}
    urgent_turn(session, ctx("I need to get away from my partner, he hits me", "urgent_help",
                             **kw))
    said = person_first(fallback_turn)(session, ctx("he reads my texts", "nlu_fallback", **kw))
    assert "won't text or call this number" in texts(said)
    assert said.slots["contact_reach"] == "declined"
    case = open_case_for(session, "sms-w")
    assert case.phone is None and case.details["phone_watched"] is True


def test_text_only_with_a_reason_stays_a_consent_answer(session) -> None:
    urgent_turn(session, ctx("my husband is abusive and i'm scared", "urgent_help"))
    assert abuse_followup_turn(session, ctx("only text, he checks my phone")) is None


def test_no_followup_without_an_urgent_case(session) -> None:
    start_case_turn(session, ctx("get me a person", "human_request"))
    assert abuse_followup_turn(session, ctx("I can't talk now, at work")) is None


@pytest.mark.parametrize("text", ["my ex is banging on my door and I'm scared",
                                  "my boyfriend won't leave and I'm frightened"])
def test_partner_with_fear_is_domestic_abuse(session, text: str) -> None:
    assert partner_threat(text)
    urgent_turn(session, ctx(text, "urgent_help"))
    case = open_case_for(session, "c1")
    assert case.urgent_category == "domestic_abuse" and case.details["sensitive"] is True


def test_not_a_partner_threat() -> None:
    assert not partner_threat("the boiler is banging")


@pytest.mark.parametrize(("language", "word"), [("en", "case reference"), ("fr", "dossier"),
                                                  ("pl", "sprawy")])
def test_skipped_contact_note_in_the_residents_language(session, language, word) -> None:
    start_case_turn(session, ctx("get me a person", "human_request"))
    said = contact_form_turn(session, ctx("skip", "deny", latest_action="action_listen",
                                          language=language), "contact_reach")
    assert word in texts(said)


@pytest.mark.parametrize(("text", "name"), [("my name is Priya and I'm at W14 9AA", "Priya"),
                                            ("name's Tom Ellis, 07700 900321", "Tom Ellis"),
                                            ("my name is Ann Marie", "Ann Marie")])
def test_a_name_ends_where_the_sentence_goes_on(text: str, name: str) -> None:
    assert extract_contact(text).name == name


@pytest.mark.parametrize("text", ["and what about rubbish collections then",
                                  "ok so how about parking?"])
def test_what_about_another_service_is_a_status_question(session, text: str) -> None:
    said = complaint_turn(session, ctx(text, "complaint", entities={"council": ["westminster"]}))
    assert open_case_for(session, "c1") is None  # no complaint logged
    assert "(Westminster)" in texts(said) or "in Westminster" in texts(said)


def test_a_grumble_about_another_service_is_still_a_complaint(session) -> None:
    complaint_turn(session, ctx("and what about the bins, this is a disgrace", "complaint"))
    assert open_case_for(session, "c1").category == "complaint"


def test_sms_scam_after_card_given_fits_three_segments(session) -> None:
    said = phishing_turn(session, ctx("clicked the link and typed in my card number",
                                      "phishing_report", channel="twilio_sms"))
    answer = texts(said)
    assert "159" in answer and "0300 123 2040" in answer and "7726" in answer
    assert turn_segments((m.text, m.buttons) for m in said.messages) <= 3


def test_a_second_own_number_by_sms_is_kept_beside_the_texting_number(session) -> None:
    session.add(SmsConversation(conversation_id="sms-two", phone="+447700900555"))
    session.flush()
    kw = {"conversation": "sms-two", "channel": "twilio_sms"}
    start_case_turn(session, ctx("I need a person about my housing benefit", "human_request",
                                 **kw))
    contact_form_turn(session, ctx("my own landline is 020 7946 0888", "inform",
                                   latest_action="action_listen", **kw), "contact_time")
    case = open_case_for(session, "sms-two")
    assert case.phone == "+447700900555"  # never replaced without "better" or "instead"
    numbers = case.details["phone_numbers"]
    assert numbers[0] == "07700 900555 (first given, preferred)"
    assert numbers[1].startswith("020 7946 0888") and "preferred" not in numbers[1]


def test_a_second_number_said_to_be_better_replaces_the_first(session) -> None:
    session.add(SmsConversation(conversation_id="sms-better", phone="+447700900555"))
    session.flush()
    kw = {"conversation": "sms-better", "channel": "twilio_sms"}
    start_case_turn(session, ctx("I need a person about my rent", "human_request", **kw))
    contact_form_turn(session, ctx("use my landline instead, 020 7946 0888", "inform",
                                   latest_action="action_listen", **kw), "contact_time")
    assert open_case_for(session, "sms-better").phone == "+442079460888"


def test_cant_talk_about_a_boiler_is_not_the_abuse_path(session) -> None:
    urgent_turn(session, ctx("no heating and my mum is 90, W10 6EL", "urgent_help"))
    assert abuse_followup_turn(session, ctx("I can't talk now, I'm at work")) is None
