"""Residents with no internet or only a landline: no reply sends them online, and the offline
routes (call back, helpline, customer service centre with hours, offline payments) come first,
all from the council's own data."""

from __future__ import annotations

import re

import pytest

from bot.services.advice_turns import complaint_turn, data_concern_turn, phishing_turn
from bot.services.cases import open_case_for
from bot.services.councils import get_council
from bot.services.escalation_turns import start_case_turn, urgent_turn
from bot.services.landline import SLOT, says_offline, strip_online
from bot.services.language_turns import finish_turn
from bot.services.status import get_status
from bot.services.status_turns import service_status_turn
from bot.services.turn import Outcome, TurnContext

SENDS_ONLINE = re.compile(r"https?://|www\.|@|\.gov\.uk|\.org\b|website|online form|email the",
                          re.IGNORECASE)


def texts(outcome: Outcome) -> str:
    return " ".join(m.text for m in outcome.messages)


def run(session, turn, text: str, intent: str, conversation: str = "l1", **kw) -> Outcome:
    ctx = TurnContext(conversation_id=conversation, text=text, intent=intent, **kw)
    return finish_turn(session, ctx, turn(session, ctx))


@pytest.mark.parametrize("text", [
    "I haven't got the internet", "i dont have a computer or internet", "I only have a landline",
    "landline only please", "I'm not online", "I can't go online, how do I pay",
    "no internet at home", "I don't have an email address", "I just have a house phone",
    "not good with computers", "I don't have a mobile, ring the house",
])
def test_says_offline(text: str) -> None:
    assert says_offline(text)


@pytest.mark.parametrize("text", [
    "the website is down", "my bins were not collected", "is the internet payment working",
    "I have no heating", "call my landline on 020 7946 0999 please", "my online account",
    "no mobile signal here",
])
def test_other_messages_are_not_offline(text: str) -> None:
    assert not says_offline(text)


def test_strip_online_keeps_what_helps() -> None:
    text, changed = strip_online(
        "To reach a person: incident helpline 020 7946 0100, email help@x.example.gov.uk, "
        "Customer Service Centre. Online payments are not working. Do not click links. "
        "Fill in the form on our website. Send a phone number or an email address.")
    assert changed
    assert "020 7946 0100" in text and "Customer Service Centre" in text
    assert "Online payments are not working." in text and "Do not click links." in text
    assert "website" not in text and "@" not in text and "email" not in text
    assert "Send a phone number." in text
    assert strip_online("Call 999 now.") == ("Call 999 now.", False)


def test_status_answer_for_an_offline_resident_puts_offline_routes_first(session) -> None:
    outcome = run(session, service_status_turn,
                  "I haven't got the internet, how do I pay my council tax? I'm in W10 6EL",
                  "service_status", entities={"service": ["council_tax"]})
    council = get_council(session, "kensington_chelsea")
    first = outcome.messages[0].text
    assert first.startswith("You do not need the internet")
    assert "call you back on your landline" in first
    assert council.incident_helpline in first  # from the council row, not made up
    hours = re.search(r"open [^,]+", council.customer_service_centre).group(0)
    assert hours in first  # the centre with its opening hours
    view = get_status(session, "kensington_chelsea", "council_tax")
    assert "Direct Debit" in first and "Direct Debit" in view.workaround  # a way from the data
    assert not SENDS_ONLINE.search(texts(outcome))
    assert outcome.slots[SLOT] == "no_internet"


def test_later_turns_remember_and_landline_gets_no_text_offer(session) -> None:
    said = run(session, service_status_turn, "I only have a landline. Is housing benefit ok?",
               "service_status", entities={"service": ["benefits"], "council": ["westminster"]})
    assert said.slots[SLOT] == "landline"
    assert "Want a text" not in texts(said) and said.slots.get("subscribe_offer") is None
    slots = {SLOT: "landline", "council": "westminster"}
    for turn, text, intent in [
        (data_concern_turn, "was my data stolen", "data_concern"),
        (phishing_turn, "I got a text asking for my bank details", "phishing_report"),
        (complaint_turn, "I want to complain", "complaint"),
    ]:
        outcome = run(session, turn, text, intent, conversation=f"l-{intent}", slots=slots)
        assert outcome.messages, intent
        assert not SENDS_ONLINE.search(texts(outcome)), (intent, texts(outcome))
    scam = run(session, phishing_turn, "a scam text", "phishing_report", conversation="l-s",
               slots=slots)
    assert "7726" in texts(scam)  # forwarding a scam text works without the internet
    letter = run(session, complaint_turn, "I want to complain", "complaint", conversation="l-c",
                 slots=slots)
    assert "write to the Complaints Team" in texts(letter)


def test_case_records_landline_only(session) -> None:
    run(session, start_case_turn, "I only have a landline, please ring me", "human_request",
        conversation="l-case")
    assert open_case_for(session, "l-case").landline_only is True


def test_emergency_guidance_still_comes_first(session) -> None:
    outcome = run(session, urgent_turn, "I only have a landline and my husband hits me",
                  "urgent_help", conversation="l-urgent",
                  entities={"urgent_category": ["domestic_abuse"]})
    assert "999" in outcome.messages[0].text
    assert any(m.text.startswith("You do not need the internet") for m in outcome.messages[1:])


def test_residents_online_are_not_changed(session) -> None:
    outcome = run(session, phishing_turn, "I got a scam text", "phishing_report",
                  conversation="l-online")
    assert "report@phishing.gov.uk" in texts(outcome)
    assert SLOT not in outcome.slots


def test_a_resident_who_says_it_in_polish_is_not_sent_online(session) -> None:
    outcome = run(session, service_status_turn,
                  "Nie mam internetu, jak zapłacić podatek lokalny? Mieszkam W10 6EL",
                  "service_status", conversation="l-pl", language="pl",
                  entities={"service": ["council_tax"]})
    council = get_council(session, "kensington_chelsea")
    assert council.incident_helpline in texts(outcome)
    assert not SENDS_ONLINE.search(texts(outcome))
    assert outcome.slots[SLOT] == "no_internet"
