"""The cached check of action server responses accepts and refuses exactly what Rasa's does."""

from __future__ import annotations

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from bot.rasa_patches.response_check import install_cached_response_validation

GOOD = [
    {"events": [{"event": "slot", "name": "council", "value": "westminster"}],
     "responses": [{"text": "hello"}]},
    {"events": [], "responses": []},
    {},
    {"events": [{"event": "action", "name": "action_listen", "timestamp": None},
                {"event": "active_loop", "name": None}, {"event": "followup", "name": "x"},
                {"event": "user", "text": "hi", "parse_data": {"intent": {"name": "greet"}}},
                {"event": "bot", "text": "hello", "metadata": {}}]},
]
BAD = [
    {"events": [{"event": "slot", "name": 3}]},
    {"events": "not a list"},
    {"responses": ["not an object"]},
    {"events": [{"event": "no_such_event"}]},
    {"events": [{"event": "slot", "name": "x"}]},  # value is required
    {"events": [{"event": "action", "name": "x", "timestamp": "noon"}]},
    {"events": [{"name": "x"}]},
    {"events": ["slot"]},
    {"events": [{"event": "entities", "entities": "w10"}]},
    [],
]


def rasa_original(action: RemoteAction, result: dict) -> bool:
    from jsonschema import validate

    validate(result, action.action_response_format_spec())
    return True


@pytest.fixture(scope="module")
def action() -> RemoteAction:
    install_cached_response_validation()
    return RemoteAction("action_anything", None)


@pytest.mark.parametrize("result", GOOD)
def test_valid_responses_pass(action: RemoteAction, result: dict) -> None:
    assert rasa_original(action, result)
    assert action._validate_action_result(result) is True


@pytest.mark.parametrize("result", BAD)
def test_invalid_responses_are_refused_like_rasa_does(action: RemoteAction, result: dict) -> None:
    with pytest.raises(ValidationError):
        rasa_original(action, result)
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        action._validate_action_result(result)


def test_every_event_type_of_rasas_schema_has_its_own_check() -> None:
    from jsonschema.validators import validator_for

    from bot.rasa_patches.response_check import _per_type_validators

    schema = RemoteAction.action_response_format_spec()
    per_type = _per_type_validators(schema["properties"]["events"], validator_for(schema))
    assert len(per_type) == len(schema["properties"]["events"]["items"]["oneOf"]) == 23
