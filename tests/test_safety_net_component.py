"""The UrgentSafetyNet Rasa component on its own: overrides, flags and leaves benign text alone."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.safety_net import (
    SAFETY_NET_CHECKED_KEY,
    SAFETY_NET_KEY,
    URGENT_CATEGORY_ENTITY,
    UrgentSafetyNet,
)
from bot.triage.tier import NetVerdict


def _message(text: str, intent: str | None = "service_status", confidence: float = 0.91) -> Message:
    data: dict = {"text": text}
    if intent is not None:
        data["intent"] = {"name": intent, "confidence": confidence}
        data["intent_ranking"] = [
            {"name": intent, "confidence": confidence},
            {"name": "urgent_help", "confidence": 0.05},
            {"name": "greet", "confidence": 0.04},
        ]
    return Message(data=data)


@pytest.fixture()
def component(tmp_path: Path) -> UrgentSafetyNet:
    return UrgentSafetyNet.create(
        UrgentSafetyNet.get_default_config(),
        LocalModelStorage(tmp_path),
        Resource("urgent_safety_net"),
        ExecutionContext(GraphSchema({}), "test-model"),
    )


def test_risk_overrides_a_wrong_intent(component: UrgentSafetyNet) -> None:
    message = _message("smell gas in the kitchen, phone line is down")
    component.process([message])
    assert message.get("intent") == {"name": "urgent_help", "confidence": 1.0}
    assert message.get(SAFETY_NET_KEY) == {"category": "gas_leak", "overrode": "service_status"}
    ranking = message.get("intent_ranking")
    assert ranking[0] == {"name": "service_status", "confidence": 0.91}
    assert [entry["name"] for entry in ranking] == ["service_status", "greet"]


def test_flag_is_an_output_property(component: UrgentSafetyNet) -> None:
    """Output properties are what /model/parse and the tracker's parse_data carry."""
    message = _message("no heating and my baby is 3 weeks old")
    component.process([message])
    parsed = message.as_dict(only_output_properties=True)
    assert parsed[SAFETY_NET_KEY]["category"] == "no_heating_or_water"
    assert parsed["intent"]["name"] == "urgent_help"


def test_fallback_prediction_is_overridden(component: UrgentSafetyNet) -> None:
    message = _message("im sucidal", intent="nlu_fallback", confidence=0.45)
    component.process([message])
    assert message.get("intent")["name"] == "urgent_help"
    assert message.get(SAFETY_NET_KEY) == {"category": "self_harm", "overrode": "nlu_fallback"}


def test_already_urgent_keeps_intent_and_gains_category(component: UrgentSafetyNet) -> None:
    message = _message("my partner hits me", intent="urgent_help", confidence=0.83)
    ranking_before = copy.deepcopy(message.get("intent_ranking"))
    component.process([message])
    assert message.get("intent") == {"name": "urgent_help", "confidence": 0.83}
    assert message.get("intent_ranking") == ranking_before
    assert message.get(SAFETY_NET_KEY) == {"category": "domestic_abuse", "overrode": None}


@pytest.mark.parametrize(
    "text",
    [
        "my heating repair request form wont load",
        "when will bins be collected",
        "is my data at risk after the hack",
        "/greet",
    ],
)
def test_benign_message_is_untouched(component: UrgentSafetyNet, text: str) -> None:
    message = _message(text)
    before = copy.deepcopy(message.data)
    component.process([message])
    checked = message.data.pop(SAFETY_NET_CHECKED_KEY, None)
    assert message.data == before  # only the note that the net judged it (not a button)
    assert checked is (None if text.startswith("/") else True)
    assert SAFETY_NET_KEY not in message.output_properties


@pytest.mark.parametrize(
    ("text", "weak"),
    [
        ("our bins were set on fire last night, nobody was hurt, can we get new ones", True),
        ("there is a fire in the bin store and smoke in the stairwell", False),
        ("text says gas leak at your address pay now for an engineer, scam?", True),
        ("I can smell gas in the kitchen", False),
    ],
)
def test_softened_risk_is_marked_weak(component: UrgentSafetyNet, text: str, weak: bool) -> None:
    message = _message(text)
    component.process([message])
    verdict = message.get(SAFETY_NET_KEY)
    assert verdict is not None and message.get(SAFETY_NET_CHECKED_KEY) is True
    assert verdict.get("weak", False) is weak
    assert NetVerdict.from_parse(message.as_dict(only_output_properties=True)) == NetVerdict(
        fired=True, weak=weak)


def test_message_without_a_prediction(component: UrgentSafetyNet) -> None:
    message = _message("nowhere to sleep tonight", intent=None)
    component.process([message])
    assert message.get("intent") == {"name": "urgent_help", "confidence": 1.0}
    assert message.get("intent_ranking") == []
    assert message.get(SAFETY_NET_KEY) == {"category": "homeless_tonight", "overrode": None}


def test_optional_category_entity() -> None:
    component = UrgentSafetyNet({"add_entity": True})
    message = _message("carer didnt come this morning")
    message.set("entities", [{"entity": "service", "value": "social_care", "start": 0, "end": 5}])
    component.process([message])
    entities = message.get("entities")
    assert entities[0]["entity"] == "service"
    category = entities[1]
    assert category["entity"] == URGENT_CATEGORY_ENTITY
    assert category["value"] == "missed_care_visit"
    assert category["extractor"] == "UrgentSafetyNet"
    text = message.get("text")
    assert text[category["start"] : category["end"]] == "carer didnt come"


def test_processes_every_message_in_the_batch(component: UrgentSafetyNet) -> None:
    urgent, benign = _message("cant feed my kids"), _message("is the library open")
    component.process([urgent, benign])
    assert urgent.get("intent")["name"] == "urgent_help"
    assert benign.get("intent")["name"] == "service_status"
