"""Rasa checks every action server response against a JSON schema; this makes that check cheap.

Rasa 3.6 calls `jsonschema.validate` for every custom action, which re-checks the schema
itself each time before checking the response. With jsonschema 4.17 that meta-check was about
85 ms per action call, more than half of a whole turn (profiled: 6.3 s of 11.5 s over 56
turns). The schema never changes, so it is checked once and the compiled validator reused:
the same responses pass and fail, with the same error.
"""

from __future__ import annotations

from typing import Any

_installed = False


def install_cached_response_validation() -> None:
    """Idempotent; replaces RemoteAction._validate_action_result in this process."""
    global _installed
    if _installed:
        return
    from jsonschema.exceptions import best_match
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.constants import DOCS_BASE_URL

    validators: dict[str, Any] = {}

    def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
        validator = validators.get("response")
        if validator is None:
            schema = self.action_response_format_spec()
            cls = validator_for(schema)
            cls.check_schema(schema)
            validator = validators["response"] = cls(schema)
        error = best_match(validator.iter_errors(result))
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
