"""Issue #14 items 2-5 against a real SQLite database: "a person" at any point, contact details
done right, the reference prefix following the council, SMS brevity, the greeting from the
status database."""

from __future__ import annotations

import pytest

from bot.channels.sms_render import gsm7_segments, sms_texts, turn_segments
from bot.db.models import Case, SmsConversation
from bot.parsing.contact import extract_contact
from bot.parsing.phones import helper_consent_given, phone_mentions
from bot.services.cases import ensure_case, get_case_by_reference, open_case_for
from bot.services.contact_turns import (
    is_time_like,
    late_contact_turn,
    name_from_answer,
    person_first,
    wants_person,
)
from bot.services.escalation_turns import (
    contact_form_turn,
    required_contact_slots,
    start_case_turn,
    submit_case_turn,
    urgent_turn,
)
from bot.services.greeting_turns import disruption_sentence, greet_turn
from bot.services.status import set_status
from bot.services.status_turns import fallback_turn
from bot.services.turn import TurnContext
from bot.services.urgent_sms import _FIRST
from bot.triage import UrgentCategory


def ctx(text: str, intent: str | None = None, conversation: str = "c1", **kw) -> TurnContext:
    kw.setdefault("latest_action", "action_listen")
    return TurnContext(conversation_id=conversation, text=text, intent=intent,
                       entities=kw.pop("entities", {}), **kw)


def texts(outcome) -> str:
    return " ".join(m.text for m in outcome.messages)


# --- parsing ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "just get me a person", "can I talk to a human", "stop asking me questions and call me",
    "I want a real person", "put me through to someone", "speak to a member of staff",
    "too many questions, just ring me back",
])
def test_a_person_in_any_wording(text: str) -> None:
    assert wants_person(text)


@pytest.mark.parametrize("text", ["call me after 6pm", "is the library open", "07700 900118",
                                  "I spoke to my neighbour", "Sam"])
def test_not_a_person_request(text: str) -> None:
    assert not wants_person(text)


def test_several_numbers_all_kept_with_the_preferred_marked() -> None:
    found = phone_mentions("landline 020 7946 0000, or my mobile 07700 900118 is best")
    assert [m.number for m in found] == ["+442079460000", "+447700900118"]
    assert [m.preferred for m in found] == [False, True]
    assert not any(m.helper for m in found)


def test_a_helper_number_is_the_helpers() -> None:
    found = phone_mentions("mine is 07700 900118 and my daughter Sarah is on 07700 900333")
    assert found[0].helper is False and found[0].preferred
    assert found[1].helper and found[1].relation == "daughter" and found[1].helper_name == "Sarah"
    assert helper_consent_given("she said it's fine to call her")
    assert not helper_consent_given("my daughter's number")


@pytest.mark.parametrize("text,asked,expected", [
    ("can't get down till the weekend", False, None),
    ("07700 900118, I can't get down till the weekend", False, None),
    ("07700 900118 after 6pm", False, "after 6pm"),
    ("weekends", True, "weekends"),
    ("call me mornings", False, "mornings"),
])
def test_a_time_only_from_an_answer_that_fits(text: str, asked: bool, expected) -> None:
    assert extract_contact(text, asking_time=asked).contact_time == expected


@pytest.mark.parametrize("text,expected", [
    ("Sam", "Sam"), ("it's Priya", "Priya"), ("my name is tom jones", "Tom Jones"),
    ("not right now", None), ("just get me a person", None), ("skip", None), ("dunno", None),
])
def test_a_name_only_from_a_name_like_answer(text: str, expected) -> None:
    assert name_from_answer(text) == expected


def test_time_like() -> None:
    assert is_time_like("after 6") and is_time_like("tuesday morning")
    assert not is_time_like("I don't know")


# --- "a person" at any point ------------------------------------------------------------------

def test_a_person_at_the_start_submits_at_once(session) -> None:
    outcome = start_case_turn(session, ctx("can I speak to someone", "human_request"))
    case = open_case_for(session, "c1")
    assert case.submitted and case.reference in texts(outcome)
    assert "a phone number or email" in case.details["missing"]


@pytest.mark.parametrize("intent", ["human_request", "service_status", "deny", "nlu_fallback"])
def test_a_person_in_the_form_submits_with_what_is_known(session, intent: str) -> None:
    start_case_turn(session, ctx("my rent account is wrong, I need help", "human_request"))
    contact_form_turn(session, ctx("07700 900118", "inform"), "contact_reach")
    ended = contact_form_turn(session, ctx("stop asking me questions and call me", intent),
                              "contact_postcode")
    assert ended.slots["pending"] == "person_now"
    assert required_contact_slots(session, ctx("", slots={"pending": "person_now"})) == []
    done = submit_case_turn(session, ctx("", slots={"pending": "person_now"}))
    case = open_case_for(session, "c1")
    assert "passed your case to a member of staff" in texts(done)
    assert "your postcode" in texts(done) and case.details["missing"] == ["your postcode"]
    assert case.contact_time is None and case.phone == "+447700900118"
    assert done.slots["pending"] is None


def test_details_after_submission_are_added_to_the_same_case(session) -> None:
    start_case_turn(session, ctx("get me a person", "human_request"))
    first = open_case_for(session, "c1").reference
    assert first.startswith("RC-")
    turn = person_first(fallback_turn)
    added = turn(session, ctx("my number is 07700 900118", "nlu_fallback"))
    assert "added the number ending 118" in texts(added) and "Sorry" not in texts(added)
    added = turn(session, ctx("W10 6EL", "inform"))
    case = open_case_for(session, "c1")
    assert "your postcode" in texts(added) and case.postcode == "W10 6EL"
    assert case.reference == "KC-" + first[3:]  # the prefix follows the council
    assert get_case_by_reference(session, first).id == case.id  # the old one still finds it
    turn(session, ctx("please call after 5pm", "inform"))
    assert open_case_for(session, "c1").contact_time == "after 5pm"
    count = session.query(Case).filter(Case.conversation_id == "c1").count()
    assert count == 1


def test_nothing_useful_after_submission_falls_through(session) -> None:
    start_case_turn(session, ctx("get me a person", "human_request"))
    assert late_contact_turn(session, ctx("what is the weather", "nlu_fallback")) is None


# --- contact details done right ---------------------------------------------------------------

def test_own_number_never_overwritten_by_a_helpers(session) -> None:
    start_case_turn(session, ctx("speak to a human", "human_request"))
    contact_form_turn(session, ctx("020 7946 0000", "inform"), "contact_reach")
    asked = contact_form_turn(session, ctx("or my daughter's mobile 07700 900333", "inform"),
                              "contact_postcode")
    case = open_case_for(session, "c1")
    assert case.phone == "+442079460000"
    assert "Can council staff contact your daughter" in texts(asked)
    assert "helper" not in case.details and case.details["helper_pending"]
    answered = contact_form_turn(session, ctx("yes", "affirm", slots={"pending": "helper_consent"}),
                                 "contact_postcode")
    case = open_case_for(session, "c1")
    assert answered.slots["pending"] is None and "07700 900333" in case.details["helper"]
    assert case.phone == "+442079460000"


def test_a_yes_that_reads_like_asking_for_a_person_answers_the_helper_question(session) -> None:
    # "he can speak for me" looks like a request for a person to the classifier; with the
    # helper question on screen it is the answer to it, not a new hand-off
    start_case_turn(session, ctx("speak to a human", "human_request"))
    contact_form_turn(session, ctx("my son deals with this, his number is 07700 900789",
                                   "inform"), "contact_reach")
    answered = contact_form_turn(
        session, ctx("yes that's fine, he can speak for me", "human_request",
                     slots={"pending": "helper_consent"}), "contact_postcode")
    case = open_case_for(session, "c1")
    assert answered.slots["pending"] is None and "07700 900789" in case.details["helper"]


def test_a_helper_refused_is_not_kept(session) -> None:
    start_case_turn(session, ctx("speak to a human", "human_request"))
    contact_form_turn(session, ctx("07700 900118 or my son Ali on 07700 900444", "inform"),
                      "contact_reach")
    contact_form_turn(session, ctx("no", "deny", slots={"pending": "helper_consent"}),
                      "contact_postcode")
    case = open_case_for(session, "c1")
    assert "helper" not in case.details and "helper_pending" not in case.details
    assert case.phone == "+447700900118"


def test_several_numbers_in_the_form(session) -> None:
    start_case_turn(session, ctx("speak to a human", "human_request"))
    said = contact_form_turn(
        session, ctx("020 7946 0000 or 07700 900118, the mobile is better", "inform"),
        "contact_reach")
    case = open_case_for(session, "c1")
    assert case.phone == "+447700900118" and "kept both numbers" in texts(said)
    assert len(case.details["phone_numbers"]) == 2
    assert any("preferred" in n and n.startswith("07700") for n in case.details["phone_numbers"])


def test_the_time_question_takes_only_a_time(session) -> None:
    start_case_turn(session, ctx("speak to a human", "human_request"))
    contact_form_turn(session, ctx("I can't get down till the weekend", "inform"),
                      "contact_postcode")
    assert open_case_for(session, "c1").contact_time is None
    contact_form_turn(session, ctx("no idea really", "inform"), "contact_time")
    assert open_case_for(session, "c1").contact_time is None
    contact_form_turn(session, ctx("weekday evenings", "inform"), "contact_time")
    assert open_case_for(session, "c1").contact_time == "weekday evenings"


def test_skip_on_optional_questions(session) -> None:
    start_case_turn(session, ctx("speak to a human", "human_request"))
    out = contact_form_turn(session, ctx("skip", "deny"), "contact_name")
    assert out.slots["contact_name"] == "skipped"


# --- SMS brevity ------------------------------------------------------------------------------

@pytest.mark.parametrize("category", list(UrgentCategory))
def test_every_sms_urgent_first_text_is_one_segment(category: UrgentCategory) -> None:
    text = _FIRST[category].format(phone="020 7361 3008")
    assert gsm7_segments(text) == 1
    assert text[:4] in ("999 ", "020 ", "Gas:") or text.startswith("{")


def _sms(session, phone: str = "+447700900555", conversation: str = "s1") -> None:
    session.add(SmsConversation(conversation_id=conversation, phone=phone))
    session.flush()


@pytest.mark.parametrize("text", [
    "there's a gas smell in my kitchen in W10 6EL",
    "my boiler is broken and my baby is freezing, W10 6EL",
    "I have nowhere to sleep tonight",
    "my partner hits me and I'm scared",
])
def test_sms_urgent_turn_starts_with_the_numbers_within_three_segments(session, text) -> None:
    _sms(session)
    turn = urgent_turn(session, ctx(text, "urgent_help", conversation="s1", channel="twilio_sms"))
    messages = [(m.text, m.buttons) for m in turn.messages]
    case = open_case_for(session, "s1")
    if case.phone:  # the form is done at once: the confirmation is part of the same turn
        done = submit_case_turn(session, ctx("", conversation="s1", channel="twilio_sms"))
        messages += [(m.text, m.buttons) for m in done.messages]
    else:
        messages.append(("Is it safe for us to text this number? If not, send a safer number "
                         "or an email.", [{"title": "Yes", "payload": "/affirm"},
                                          {"title": "No", "payload": "/deny"}]))
    first = sms_texts(*messages[0])[0]
    assert first.startswith(("999", "020", "Gas:", "Call 999")), first
    assert turn_segments(messages) <= 3


# --- one source of truth ----------------------------------------------------------------------

def test_the_greeting_follows_the_status_database(session) -> None:
    fulham = ctx("hi", "greet", metadata={"council": "hammersmith_fulham"})
    said = texts(greet_turn(session, fulham))
    assert "phone lines are working" in said and "phone lines are disrupted" not in said
    kensington = ctx("hi", "greet", metadata={"council": "kensington_chelsea"})
    said = texts(greet_turn(session, kensington))
    assert "phone lines and some services in Kensington and Chelsea are disrupted" in said
    set_status(session, "kensington_chelsea", "phone_lines", "operating", updated_by="test")
    assert "phone lines in" not in disruption_sentence(session, "kensington_chelsea")


def test_the_case_prefix_follows_the_council_given_in_the_form(session) -> None:
    ensure_case(session, "c1", "rest", "human_request", submit=True)
    before = open_case_for(session, "c1").reference
    said = contact_form_turn(session, ctx("SW6 1AA", "inform"), "contact_postcode")
    after = open_case_for(session, "c1").reference
    assert before.startswith("RC-") and after == "HF-" + before[3:] and after in texts(said)
