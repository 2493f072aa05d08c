"""Put one intent at the top of a parse: shared by the components that correct the
classifier after it ran (scope_override, case_ref_route), so the intent and the ranking
Rasa's policies read always agree."""

from __future__ import annotations

from typing import Any

from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
)
from rasa.shared.nlu.training_data.message import Message


def promote_intent(message: Message, name: str, confidence: float) -> dict[str, Any]:
    """Make `name` the message's intent at `confidence`, first in the ranking (its old entry
    dropped); returns the new intent."""
    new = {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: confidence}
    rest = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) != name]
    message.set(INTENT, new, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [new, *rest], add_to_output=True)
    return new
