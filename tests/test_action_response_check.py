"""The cached check of action server responses accepts and refuses exactly what Rasa's does."""

from __future__ import annotations

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from bot.action_response_check import install_cached_response_validation

GOOD = [
    {"events": [{"event": "slot", "name": "council", "value": "westminster"}],
     "responses": [{"text": "hello"}]},
    {"events": [], "responses": []},
    {},
]
BAD = [
    {"events": [{"event": "slot", "name": 3}]},
    {"events": "not a list"},
    {"responses": ["not an object"]},
    {"events": [{"event": "no_such_event"}]},
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
