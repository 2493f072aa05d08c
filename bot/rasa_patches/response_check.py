"""Rasa checks every action server response against a JSON schema; this makes that check cheap.

Rasa 3.6 calls `jsonschema.validate` for every custom action, which re-checks the schema
itself each time before checking the response. With jsonschema 4.17 that meta-check was about
85 ms per action call, more than half of a whole turn (profiled: 6.3 s of 11.5 s over 56
turns). The schema never changes, so it is checked once and the compiled validator reused.

Then, under load, the check was still about 4 % of the server's time: each event is tried
against all 23 event schemas of a `oneOf`. Each of those schemas pins `event` to a different
constant, so an event whose `event` names one of them is valid exactly when it is valid
against that one: events are checked against their own type's schema first, and any response
that fails there (or names an unknown type) goes through the full schema, so the same
responses pass and fail, with the same error.
"""

from __future__ import annotations

from typing import Any

_installed = False


def _per_type_validators(events_schema: dict[str, Any], validator_class: Any) -> dict[str, Any]:
    """One validator per event type name: the common part of the event schema plus that
    type's own schema, in place of the `oneOf` over all types."""
    item = events_schema["items"]
    common = {key: value for key, value in item.items() if key != "oneOf"}
    validators = {}
    for alternative in item["oneOf"]:
        name = alternative["properties"]["event"]["const"]
        validators[name] = validator_class({**common, "allOf": [alternative]})
    return validators


def _passes_fast(result: Any, per_type: dict[str, Any]) -> bool:
    """True only if `result` certainly passes the full schema (False means: ask it)."""
    if not isinstance(result, dict):
        return False
    responses = result.get("responses", [])
    if not isinstance(responses, list) or not all(isinstance(r, dict) for r in responses):
        return False
    events = result.get("events", [])
    if not isinstance(events, list):
        return False
    for event in events:
        validator = per_type.get(event.get("event")) if isinstance(event, dict) else None
        if validator is None or not validator.is_valid(event):
            return False
    return True


def install_cached_response_validation() -> None:
    """Idempotent; replaces RemoteAction._validate_action_result in this process."""
    global _installed
    if _installed:
        return
    from jsonschema.exceptions import best_match
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.constants import DOCS_BASE_URL

    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    full = validator_class(schema)
    per_type = _per_type_validators(schema["properties"]["events"], validator_class)

    def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
        if _passes_fast(result, per_type):
            return True
        error = best_match(full.iter_errors(result))
        if error is None:
            return True
        error.message += (
            ". Failed to validate Action server response from API, make sure your response "
            f"from the Action endpoint is valid. For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise error

    RemoteAction._validate_action_result = validate_action_result
    _installed = True
