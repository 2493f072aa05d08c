"""A status question that quotes one of our case references is about that case (#12)."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.case_ref_route import CASE_REF_ROUTE_KEY, CaseReferenceRoute, reroute_for


@pytest.mark.parametrize(("text", "intent"), [
    ("booked a bulky pick up, number WM-4PD6-G7HY, when do they come", "service_status"),
    ("kc 7kq2 m9xd??", "nlu_fallback"),
    ("hf4p8rt2kq still nothing from planning", "out_of_scope"),
])
def test_a_quoted_reference_makes_it_case_status(text: str, intent: str) -> None:
    assert reroute_for(text, intent)


@pytest.mark.parametrize(("text", "intent"), [
    # no reference: the classifier's call stands
    ("when do the bins come", "service_status"),
    ("kc need help with my bins", "service_status"),  # "kc" and words, not a reference
    # intents that outrank a status question, and a bare reference answering a question
    ("my ref is KC-7KQ2-M9XD and you are useless", "complaint"),
    ("KC-7KQ2-M9XD someone please call me", "human_request"),
    ("KC-7KQ2-M9XD my flat has no heating and my baby is ill", "urgent_help"),
    ("KC-7KQ2-M9XD", "inform"),
    ("/service_status", "service_status"),
])
def test_other_parses_are_left_alone(text: str, intent: str) -> None:
    assert not reroute_for(text, intent)


def test_component_puts_case_status_first_and_records_what_it_overrode() -> None:
    message = Message(data={
        "text": "WM-4PD6-G7HY when will they come",
        "intent": {"name": "service_status", "confidence": 0.64},
        "intent_ranking": [{"name": "service_status", "confidence": 0.64},
                           {"name": "case_status", "confidence": 0.31}],
    })
    CaseReferenceRoute().process([message])
    assert message.get("intent") == {"name": "case_status", "confidence": 0.64}
    assert [r["name"] for r in message.get("intent_ranking")] == ["case_status",
                                                                   "service_status"]
    assert message.get(CASE_REF_ROUTE_KEY) == {"overrode": "service_status"}
    untouched = Message(data={"text": "are the bins out",
                              "intent": {"name": "service_status", "confidence": 0.9}})
    CaseReferenceRoute().process([untouched])
    assert untouched.get("intent")["name"] == "service_status"
    assert untouched.get(CASE_REF_ROUTE_KEY) is None
