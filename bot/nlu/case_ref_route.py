"""Rasa NLU component: a message quoting one of our case references asks about that case.

"I booked a bulky collection, number is WM-4PD6-G7HY, when will they come" reads like a
service question and the classifier often calls it `service_status` (or is unsure and falls
back). A reference is only issued for a case that exists, so the resident is asking about it:
`case_status` beats the information questions (tests/eval/LABELLING.md, tie-break rule 4).

So after the FallbackClassifier, when the intent is `service_status`, `nlu_fallback` or
`out_of_scope` and the text holds a reference (bot.parsing.references), the intent becomes
`case_status`, recorded as `case_ref_route: {"overrode": ...}`. Urgent, scam, complaint and
person requests keep their intent (they outrank a status question), and so does `inform`: a
bare reference answering "what is your reference?" is the dialogue's to route. The urgent
safety net runs after this and still wins.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.intent_override import promote_intent
from bot.parsing.references import find_references

logger = logging.getLogger(__name__)

CASE_REF_ROUTE_KEY = "case_ref_route"
CASE_STATUS = "case_status"
REROUTED = ("service_status", "nlu_fallback", "out_of_scope")


def reroute_for(text: str, intent: str | None) -> bool:
    """True when this parse should become case_status because it quotes a case reference."""
    if intent not in REROUTED or not text or text.startswith("/"):
        return False
    return bool(find_references(text))


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class CaseReferenceRoute(GraphComponent, IntentClassifier):
    """Turns a status question or an unsure parse that quotes a case reference into
    `case_status`."""

    @classmethod
    def required_components(cls) -> list[type]:
        return [IntentClassifier]

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> CaseReferenceRoute:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            old = message.get(INTENT) or {}
            if not reroute_for(message.get(TEXT) or "", old.get(INTENT_NAME_KEY)):
                continue
            ranking = message.get(INTENT_RANKING_KEY) or []
            classifier_score = next((float(r.get(PREDICTED_CONFIDENCE_KEY) or 0.0)
                                     for r in ranking if r.get(INTENT_NAME_KEY) == CASE_STATUS),
                                    0.0)
            promote_intent(message, CASE_STATUS, max(
                classifier_score, float(old.get(PREDICTED_CONFIDENCE_KEY) or 0.0), 0.5))
            message.set(CASE_REF_ROUTE_KEY, {"overrode": old.get(INTENT_NAME_KEY)},
                        add_to_output=True)
            logger.info("Case reference: %s is case_status", old.get(INTENT_NAME_KEY))
        return messages
