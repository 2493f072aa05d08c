"""Issue #14 turns against a real SQLite database: threads that survive a digression, the
abuse path, screening and signposting, case status without loops, and brevity."""

from __future__ import annotations

import pytest

from actions.runtime import dispatch
from bot.channels.sms_render import turn_segments
from bot.db.models import SmsConversation
from bot.services.advice_turns import (
    complaint_turn,
    data_concern_turn,
    deny_turn,
    phishing_turn,
    thanks_turn,
)
from bot.services.case_status_turns import case_status_turn
from bot.services.cases import open_case_for
from bot.services.escalation_turns import (
    ask_contact_reach_turn,
    contact_form_turn,
    required_contact_slots,
    start_case_turn,
    submit_case_turn,
    urgent_turn,
)
from bot.services.status_turns import (
    fallback_turn,
    inform_turn,
    out_of_scope_turn,
    service_status_turn,
)
from bot.services.turn import Message, Outcome, TurnContext, dedupe_sentences


def ctx(text: str, intent: str | None = None, conversation: str = "c1", **kw) -> TurnContext:
    return TurnContext(conversation_id=conversation, text=text, intent=intent,
                       entities=kw.pop("entities", {}), **kw)


def texts(outcome) -> str:
    return " ".join(m.text for m in outcome.messages)


def merged(*outcomes) -> dict:
    slots: dict = {}
    for outcome in outcomes:
        slots.update(outcome.slots)
    return slots


# --- (a) threads --------------------------------------------------------------------------

@pytest.mark.parametrize("later", ["W10 6EL", "I'm in W11", "kensington"])
def test_status_question_is_answered_when_the_council_arrives_after_a_digression(
    session, later: str
) -> None:
    asked = service_status_turn(session, ctx("are the bins being collected?", "service_status"))
    assert asked.slots["pending"] == "council" and asked.slots["waiting_status"] == "waste"
    slots = merged(asked)
    digression = data_concern_turn(session, ctx("was my data stolen?", "data_concern",
                                                slots=slots))
    slots = merged(asked, digression)
    assert slots["pending"] is None  # the digression answered its own question
    answer = inform_turn(session, ctx(later, "inform", slots=slots))
    assert "Bins" in texts(answer) and "Kensington" in texts(answer)
    assert answer.slots["waiting_status"] is None


def test_a_bare_council_name_answers_the_pending_council_question(session) -> None:
    asked = service_status_turn(session, ctx("is the library open", "service_status"))
    answer = fallback_turn(session, ctx("westminster", "nlu_fallback", slots=asked.slots))
    assert "Westminster" in texts(answer) and "Librar" in texts(answer)


def test_status_waiting_for_a_council_is_answered_when_the_case_is_submitted(session) -> None:
    asked = service_status_turn(session, ctx("can i pay council tax", "service_status"))
    start_case_turn(session, ctx("get me a person", "human_request", slots=asked.slots))
    contact_form_turn(session, ctx("07700 900118 W10 6EL", "inform",
                                   latest_action="action_listen"), "contact_reach")
    done = submit_case_turn(session, ctx("skip", "deny", slots=merged(asked)))
    assert "Council tax" in texts(done) and "Kensington" in texts(done)


@pytest.mark.parametrize("text", ["thanks, so what about the bins?", "cheers. what about bins"])
def test_thanks_with_a_service_is_a_status_question(session, text: str) -> None:
    outcome = thanks_turn(session, ctx(text, "thanks", slots={"council": "westminster"}))
    assert "You're welcome" not in texts(outcome) and "Bins" in texts(outcome)
    assert "You're welcome" in texts(thanks_turn(session, ctx("thank you", "thanks")))


def test_so_what_about_the_bins_classed_out_of_scope_is_a_status_question(session) -> None:
    outcome = out_of_scope_turn(session, ctx("so what about the bins?", "out_of_scope",
                                             slots={"council": "westminster"}))
    assert "Bins" in texts(outcome)


# --- (b) the abuse path -------------------------------------------------------------------

@pytest.mark.parametrize("danger", ["no I'm not safe, he's outside", "im not safe hes here"])
def test_not_safe_gets_999_and_55_at_once_and_is_never_asked_again(session, danger) -> None:
    first = urgent_turn(session, ctx("my partner hits me", "urgent_help"))
    assert "Are you safe right now?" in texts(first)
    again = urgent_turn(session, ctx(danger, "urgent_help", intent_confidence=0.61,
                                     slots=first.slots))
    answer = texts(again)
    assert "999" in answer and "55" in answer
    assert "Are you safe" not in answer and "Is anyone in danger" not in answer
    assert len(answer) < 200  # short the second time, not the same block again
    case = open_case_for(session, "c1")
    assert case.urgent_category in ("domestic_abuse", "safeguarding")
    assert case.details["sensitive"] is True
    assert case.details["in_danger_now"] is True
    third = urgent_turn(session, ctx("he is still outside", "urgent_help", slots=first.slots))
    assert "Are you safe" not in texts(third)


def test_first_message_not_safe_skips_the_question(session) -> None:
    outcome = urgent_turn(session, ctx("I'm not safe, he's outside and he hits me",
                                       "urgent_help"))
    answer = texts(outcome)
    assert answer.startswith("Call 999 now") and "press 55" in answer
    assert "Are you safe" not in answer


def test_abuse_case_asks_if_calls_are_safe_and_stores_text_only(session) -> None:
    urgent_turn(session, ctx("my husband is abusive and i'm scared", "urgent_help"))
    assert required_contact_slots(session, ctx("")) == ["contact_reach", "contact_safety"]
    reach = contact_form_turn(session, ctx("07700 900118", "inform",
                                           latest_action="action_listen"), "contact_reach")
    assert reach.slots["contact_reach"] == "given"
    consent = contact_form_turn(
        session,
        ctx("only text, he checks my phone. after 10am", "urgent_help",
            latest_action="action_listen", slots=reach.slots),
        "contact_safety",
    )
    assert consent.slots["contact_safety"] == "given"  # an answer, not an interruption
    case = open_case_for(session, "c1")
    assert case.safe_to_call is False and case.preferred_contact == "text"
    assert case.details["sensitive"] is True and case.details["consent_to_call"] is False
    assert "10am" in case.contact_time
    done = submit_case_turn(session, ctx("", slots=merged(reach, consent)))
    assert "text, not call" in texts(done)


def test_abuse_case_yes_you_can_call(session) -> None:
    urgent_turn(session, ctx("my ex is threatening me", "urgent_help"))
    contact_form_turn(session, ctx("07700 900118", "inform", latest_action="action_listen"),
                      "contact_reach")
    contact_form_turn(session, ctx("yes you can call, evenings are best", "inform",
                                   latest_action="action_listen"), "contact_safety")
    case = open_case_for(session, "c1")
    assert case.safe_to_call is True and case.details["consent_to_call"] is True


def _sms(session, conversation: str) -> None:
    session.add(SmsConversation(conversation_id=conversation, phone="+447700900555"))
    session.flush()


def test_by_sms_an_abuse_case_asks_before_using_the_number(session) -> None:
    _sms(session, "sms-da")
    kw = {"conversation": "sms-da", "channel": "twilio_sms"}
    urgent_turn(session, ctx("my partner hurts me", "urgent_help", **kw))
    case = open_case_for(session, "sms-da")
    assert case.phone is None  # not silently the contact route
    asked = ask_contact_reach_turn(session, ctx("", **kw))
    assert "safe for us to text this number" in texts(asked)
    yes = contact_form_turn(session, ctx("yes", "affirm", latest_action="action_listen", **kw),
                            "contact_reach")
    assert yes.slots == {"contact_reach": "given"}
    assert open_case_for(session, "sms-da").phone == "+447700900555"


def test_by_sms_no_keeps_the_number_off_the_case(session) -> None:
    _sms(session, "sms-no")
    kw = {"conversation": "sms-no", "channel": "twilio_sms"}
    urgent_turn(session, ctx("my boyfriend beats me", "urgent_help", **kw))
    no = contact_form_turn(session, ctx("no", "deny", latest_action="action_listen", **kw),
                           "contact_reach")
    assert no.slots["contact_reach"] == "declined" and "not text this number" in texts(no)
    case = open_case_for(session, "sms-no")
    assert case.phone is None and case.details["sms_number_confirmed"] is False
    assert required_contact_slots(session, ctx("", **kw)) == ["contact_reach"]


def test_non_abuse_sms_case_still_prefills_the_number(session) -> None:
    _sms(session, "sms-ok")
    start_case_turn(session, ctx("get me a person", "human_request", conversation="sms-ok",
                                 channel="twilio_sms"))
    assert open_case_for(session, "sms-ok").phone == "+447700900555"


@pytest.mark.parametrize("text", ["he hits me and I can't go home tonight",
                                  "I can't go home tonight, he will hurt me"])
def test_cant_go_home_tonight_gets_emergency_housing(session, text: str) -> None:
    outcome = urgent_turn(session, ctx(f"{text}, I live in W10", "urgent_help"))
    answer = texts(outcome)
    assert "emergency housing" in answer and "020 7946 0101" in answer
    assert open_case_for(session, "c1").details["cant_go_home_tonight"] is True


# --- (c) screening and signposting --------------------------------------------------------

@pytest.mark.parametrize("text,turn,intent", [
    ("oh no I already put my card in", fallback_turn, "nlu_fallback"),
    ("I gave them my bank details", data_concern_turn, "data_concern"),
    ("i typed my card number into the link", out_of_scope_turn, "out_of_scope"),
    ("they rang and I gave them my sort code", inform_turn, "inform"),
])
def test_scam_loss_in_any_wording(session, text, turn, intent) -> None:
    outcome = turn(session, ctx(text, intent))
    answer = texts(outcome)
    assert answer.index("159") < answer.index("0300 123 2040")
    assert "freeze" in answer and "7726" in answer and "statements" in answer
    case = open_case_for(session, "c1")
    assert case.priority == "high" and case.submitted and case.details["details_handed_over"]


def test_a_scam_report_without_a_loss_stays_standard(session) -> None:
    outcome = phishing_turn(session, ctx("got a weird text about a refund", "phishing_report"))
    assert "159" not in texts(outcome)
    assert open_case_for(session, "c1").priority == "standard"


@pytest.mark.parametrize("text", ["I have no money for food", "cant afford food for the kids"])
def test_no_money_for_food_gets_food_bank_and_hardship_routes(session, text: str) -> None:
    outcome = urgent_turn(session, ctx(text, "urgent_help"))
    answer = texts(outcome)
    assert "food bank" in answer and "local welfare" in answer and "hardship fund" in answer
    assert "out-of-hours" in answer  # beside the urgent advice, not instead of it


@pytest.mark.parametrize("text", ["no heating", "my boiler is broken and there's no hot water"])
def test_heating_asks_one_vulnerability_question_yes_is_urgent(session, text) -> None:
    asked = urgent_turn(session, ctx(text, "urgent_help"))
    assert "over 75, disabled, seriously ill, or a baby?" in texts(asked)
    assert asked.slots["pending"] == "vulnerability" and asked.followup == "action_listen"
    yes = start_case_turn(session, ctx("yes", "affirm", slots=asked.slots))
    case = open_case_for(session, "c1")
    assert case.priority == "urgent" and case.submitted and case.details["vulnerable"] is True
    assert yes.slots["pending"] is None and case.reference in texts(yes)
    assert required_contact_slots(session, ctx("")) == ["contact_reach"]


def test_heating_no_one_vulnerable_is_standard(session) -> None:
    asked = urgent_turn(session, ctx("no heating", "urgent_help"))
    no = deny_turn(session, ctx("no", "deny", slots=asked.slots))
    case = open_case_for(session, "c1")
    assert case.priority == "standard" and case.details["vulnerable"] is False
    assert no.followup == "contact_form" and no.slots["pending"] is None


def test_heating_answer_in_words_is_read_against_the_question(session) -> None:
    asked = urgent_turn(session, ctx("no heating", "urgent_help"))
    answer = fallback_turn(session, ctx("yes there's a baby", "nlu_fallback", slots=asked.slots))
    assert open_case_for(session, "c1").priority == "urgent"
    assert answer.followup == "contact_form"


def test_heating_with_a_vulnerable_person_named_is_urgent_at_once(session) -> None:
    outcome = urgent_turn(session, ctx("no heating and my mum is 91", "urgent_help"))
    assert "over 75" not in texts(outcome)
    assert open_case_for(session, "c1").priority == "urgent"


# --- (d) case status ----------------------------------------------------------------------

def _submitted_case(session, conversation: str = "owner") -> str:
    start_case_turn(session, ctx("person", "human_request", conversation=conversation))
    contact_form_turn(session, ctx("W10 6EL 07700900118", "inform", conversation=conversation,
                                   latest_action="action_listen"), "contact_reach")
    return submit_case_turn(session, ctx("", conversation=conversation)).slots["case_ref"]


@pytest.mark.parametrize("lost", ["I lost it", "no", "I don't have my reference"])
def test_lost_reference_is_found_by_phone_and_postcode(session, lost: str) -> None:
    reference = _submitted_case(session)
    asked = case_status_turn(session, ctx("any news on my case?", "case_status"))
    assert asked.slots["pending"] == "case_ref"
    turn = deny_turn if lost == "no" else inform_turn
    offer = turn(session, ctx(lost, "deny" if lost == "no" else "inform", slots=asked.slots))
    assert "phone number and postcode" in texts(offer) and "new case" in texts(offer)
    assert "What is your case reference" not in texts(offer)
    found = inform_turn(session, ctx("07700 900118, W10 6EL", "inform", slots=offer.slots))
    assert reference in texts(found) and "waiting for a member of staff" in texts(found)


def test_lost_reference_wrong_postcode_reveals_nothing(session) -> None:
    reference = _submitted_case(session)
    offer = case_status_turn(session, ctx("I lost my reference", "case_status"))
    wrong = inform_turn(session, ctx("07700 900118 W2 1AA", "inform", slots=offer.slots))
    assert reference not in texts(wrong) and "new case" in texts(wrong)


def test_never_loops_on_the_reference_question(session) -> None:
    asked = case_status_turn(session, ctx("check my case", "case_status"))
    again = inform_turn(session, ctx("erm", "inform", slots=asked.slots))
    assert "What is your case reference" not in texts(again)
    assert again.slots["pending"] == "find_case"


def test_unknown_reference_is_said_plainly_with_a_new_case_offer(session) -> None:
    outcome = case_status_turn(session, ctx("KC-7KQ2-M9XD", "case_status"))
    answer = texts(outcome)
    assert "can't find a case with the reference KC-7KQ2-M9XD" in answer
    assert "Did you mean" not in answer and "new case" in answer.lower()


def test_one_character_slip_gets_did_you_mean_then_the_identity_check(session) -> None:
    reference = _submitted_case(session)
    slipped = reference[:-1] + ("X" if reference[-1] != "X" else "Y")
    outcome = case_status_turn(session, ctx(slipped, "case_status"))
    assert f"Did you mean {reference}?" in texts(outcome)
    assert "waiting for a member of staff" not in texts(outcome)  # nothing before identity
    assert outcome.slots == {"pending": "identity", "lookup_ref": reference}
    checked = case_status_turn(session, ctx("W10 6EL 0118", "inform", slots=outcome.slots))
    assert "waiting for a member of staff" in texts(checked)


# --- (e) brevity ---------------------------------------------------------------------------

@pytest.mark.parametrize("service", ["council_tax", "waste", "benefits", "housing_repairs",
                                     "homelessness", "planning", "social_care"])
@pytest.mark.parametrize("council", ["westminster", "kensington_chelsea", "hammersmith_fulham"])
def test_sms_status_answer_fits_two_segments(session, service: str, council: str) -> None:
    outcome = service_status_turn(session, ctx(
        "status", "service_status", channel="twilio_sms",
        entities={"service": [service], "council": [council]}))
    # the whole turn, the offer of a text when the service is back (issue #18) and its
    # "Reply 1 for ..." choices included, is one text of at most two segments
    assert len(outcome.messages) == 1
    assert turn_segments((m.text, m.buttons) for m in outcome.messages) <= 2
    if outcome.slots.get("subscribe_offer"):
        assert outcome.messages[0].text.endswith("Want a text when it's back?")
        assert len(outcome.messages[0].buttons) == 2
    web = service_status_turn(session, ctx(
        "status", "service_status", entities={"service": [service], "council": [council]}))
    assert len(texts(web)) >= len(texts(outcome))


def test_no_sentence_twice_in_a_turn() -> None:
    from rasa_sdk.executor import CollectingDispatcher

    outcome = Outcome()
    outcome.say("If anyone is in danger, call 999. Call the out-of-hours line.")
    outcome.say("If anyone is in danger, call 999. Your case is open.")
    dispatcher = CollectingDispatcher()
    dispatch(outcome, dispatcher)
    said = " ".join(m["text"] for m in dispatcher.messages)
    assert said.count("If anyone is in danger, call 999.") == 1
    assert "Your case is open." in said
    kept = dedupe_sentences(Outcome(messages=[Message("Same text here.", []),
                                              Message("Same text here.", [{"title": "Yes"}])]))
    assert len(kept.messages) == 2 and kept.messages[1].buttons


def test_repeated_anger_gets_a_shorter_calmer_reply(session) -> None:
    first = complaint_turn(session, ctx("this is ridiculous, useless council", "complaint"))
    second = complaint_turn(session, ctx("you are useless, sort it out", "complaint",
                                         slots=first.slots))
    assert len(texts(second)) < len(texts(first)) / 2
    assert "sorry" in texts(second).lower() and "Ombudsman" not in texts(second)
    case = open_case_for(session, "c1")
    assert case.category == "complaint" and len(case.issues) == 2


def test_abuse_contact_with_its_own_consent_is_not_asked_again(session) -> None:
    urgent_turn(session, ctx("my partner hit me again", "urgent_help"))
    outcome = contact_form_turn(session, ctx("text me on 07700 900118 its safe to text", "inform",
                                             latest_action="action_listen"), "contact_reach")
    assert outcome.slots["contact_safety"] == "given"
    case = open_case_for(session, "c1")
    assert case.safe_to_call is False and case.phone == "+447700900118"


def test_no_safety_question_once_an_urgent_case_is_open(session) -> None:
    urgent_turn(session, ctx("my partner hits me", "urgent_help"))
    vague = urgent_turn(session, ctx("the lift keeps stopping", "urgent_help",
                                     intent_confidence=0.3))
    assert "Is anyone in danger" not in texts(vague) and "Are you safe" not in texts(vague)


def test_near_identical_sentences_are_said_once() -> None:
    outcome = Outcome()
    outcome.say("Call 999 now. If you cannot speak, call 999, then press 55 when asked.")
    outcome.say("If you cannot speak, call 999 then press 55 when asked. Helpline 0808 2000 247.")
    said = texts(dedupe_sentences(outcome))
    assert said.count("press 55") == 1 and "0808 2000 247" in said
