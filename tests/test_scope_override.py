"""A service question about another organisation is parsed as out_of_scope (#12)."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.scope_override import SCOPE_OVERRIDE_KEY, OtherBodyScope, override_for


@pytest.mark.parametrize(("text", "intent", "entities", "body"), [
    ("is universal credit down", "service_status", [], "universal_credit"),
    ("dvla website wont load", "service_status",
     [{"entity": "service", "value": "website"}], "dvla"),  # website is only the channel
    ("gp appointment??", "nlu_fallback", [], "nhs_111"),
])
def test_other_body_status_questions_become_out_of_scope(text, intent, entities, body) -> None:
    assert override_for(text, intent, entities) == body


@pytest.mark.parametrize(("text", "intent", "entities"), [
    # the council's own service named too: it stays a status question
    ("is housing benefit paid, universal credit is", "service_status",
     [{"entity": "service", "value": "benefits"}]),
    ("is the library open, i need the pcs for my uc journal", "service_status",
     [{"entity": "service", "value": "libraries"}]),
    # other intents are left alone: a scam claiming to be HMRC, an urgent message
    ("got a text from hmrc with a link", "phishing_report", []),
    ("my universal credit stopped and we have no food", "urgent_help", []),
    # no other organisation named
    ("are the bins running", "service_status", [{"entity": "service", "value": "waste"}]),
    # an unlisted council service has its own honest answer
    ("is pest control running, the nhs said ask you about rats", "service_status", []),
    ("/service_status", "service_status", []),
    # a progress question with one of our references is our case
    ("any update on KC-7KQ2-M9XD, the gp sent a letter too", "case_status", []),
    ("any update on my pip", "case_status", [{"entity": "case_ref", "value": "KC-7KQ2-M9XD"}]),
    # another council named beside one of ours: the turn answers for ours
    ("i work in camden but live in fulham, are the bins on", "service_status",
     [{"entity": "service", "value": "waste"}]),
    ("i'm in lambeth now, my old westminster council tax", "service_status",
     [{"entity": "council", "value": "westminster"}]),
    # words that point back at the council: a death to register, paying at the post office
    ("my dad died in hospital on friday, how do i register it", "service_status", []),
    ("can i still pay at the post office with my payment card", "service_status",
     [{"entity": "service", "value": "payments"}]),
])
def test_council_questions_and_other_intents_are_left_alone(text, intent, entities) -> None:
    assert override_for(text, intent, entities) is None


@pytest.mark.parametrize(("text", "intent", "entities", "body"), [
    ("any news on my pip appeal", "case_status", [], "dwp"),
    ("how long is a grant of probate taking", "service_status", [], "courts"),
    ("i live in camden is the nhs affected", "service_status", [], "other_council:Camden"),
    ("is brent council hacked too", "nlu_fallback", [], "other_council:Brent"),
    ("when are the bins in SE15", "service_status",
     [{"entity": "service", "value": "waste"}], "other_council:Southwark"),
    ("i reported my bins to hackney last week, any news", "case_status", [],
     "other_council:Hackney"),
])
def test_other_councils_and_other_bodies_progress_questions_are_out_of_scope(
        text, intent, entities, body) -> None:
    assert override_for(text, intent, entities) == body


@pytest.mark.parametrize("intent", ["complaint", "data_concern", "human_request",
                                    "phishing_report", "urgent_help"])
def test_other_council_leaves_other_intents_alone(intent) -> None:
    assert override_for("i live in camden and i am furious", intent, []) is None


def test_component_sets_intent_ranking_and_records_what_it_overrode() -> None:
    message = Message(data={
        "text": "is the dwp affected by the hack",
        "intent": {"name": "service_status", "confidence": 0.62},
        "intent_ranking": [{"name": "service_status", "confidence": 0.62},
                           {"name": "out_of_scope", "confidence": 0.2}],
        "entities": [],
    })
    OtherBodyScope().process([message])
    assert message.get("intent") == {"name": "out_of_scope", "confidence": 0.62}
    names = [r["name"] for r in message.get("intent_ranking")]
    assert names == ["out_of_scope", "service_status"]
    assert message.get(SCOPE_OVERRIDE_KEY) == {"overrode": "service_status", "body": "dwp"}
    untouched = Message(data={"text": "are the bins out", "entities": [],
                              "intent": {"name": "service_status", "confidence": 0.9}})
    OtherBodyScope().process([untouched])
    assert untouched.get("intent")["name"] == "service_status"
    assert untouched.get(SCOPE_OVERRIDE_KEY) is None
