"""Rasa NLU component: a status question about another organisation is `out_of_scope`.

"is universal credit down", "dvla site won't load", "can't get a GP appointment" read like
service questions, and the classifier often calls them `service_status` (or is unsure and
falls back). They are not the council's: the resident needs where to go instead, which the
out-of-scope turn gives (bot.services.scope.signpost). Teaching the classifier every such
sentence costs it council questions that share the words "down", "helpline", "log in".

So after the FallbackClassifier, when the intent is `service_status` or `nlu_fallback`, the
message names another organisation (bot.services.scope.other_body) and no council service of
its own (a service entity other than the generic channels: website, phone lines, payments),
another council area or an unlisted council service, the intent becomes `out_of_scope`. The
old intent is recorded as `scope_override: {"overrode": ..., "body": ...}` in the parse.
The urgent safety net runs after this and still wins.

Two more cases, for the same reason (session 14): a progress question with no case reference
("any news on my PIP appeal") is another body's as much as a status question is; and a
resident of another London council ("I'm in Lambeth, when are the bins") is `out_of_scope`
when none of our three councils is named (body "other_council:<name>"); the out-of-scope
turn tells them which council to contact (bot.services.status_turns.out_of_scope_turn).
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
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.intent_override import promote_intent
from bot.parsing.references import find_references
from bot.services.councils import council_from_text
from bot.services.scope import other_body, other_council, unlisted_service
from bot.services.status import GENERIC_SERVICES

logger = logging.getLogger(__name__)

SCOPE_OVERRIDE_KEY = "scope_override"
OUT_OF_SCOPE = "out_of_scope"
OVERRIDABLE = ("service_status", "nlu_fallback", "case_status")
OTHER_COUNCIL_PREFIX = "other_council:"


def _names(entities: list[dict[str, Any]], entity: str) -> set[Any]:
    return {e.get("value") for e in entities if e.get("entity") == entity}


def override_for(text: str, intent: str | None, entities: list[dict[str, Any]]) -> str | None:
    """The other organisation's key when this parse should become out_of_scope, else None."""
    if intent not in OVERRIDABLE or not text or text.startswith("/"):
        return None
    if intent == "case_status" and (_names(entities, "case_ref") or find_references(text)):
        return None  # a reference of ours: it is our case, whoever else is mentioned
    elsewhere = other_council(text)
    if elsewhere is not None:
        if _names(entities, "council") or council_from_text(text):
            return None  # one of ours is named too ("I work in Camden, live in Fulham")
        return OTHER_COUNCIL_PREFIX + elsewhere.name
    body = other_body(text)
    if body is None:
        return None
    if _names(entities, "service") - set(GENERIC_SERVICES) or unlisted_service(text):
        return None  # the council's own service is in it too: answer that
    return body.key


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class OtherBodyScope(GraphComponent, IntentClassifier):
    """Turns a service question about another organisation into `out_of_scope`."""

    @classmethod
    def required_components(cls) -> list[type]:
        return [IntentClassifier]

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> OtherBodyScope:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            old = message.get(INTENT) or {}
            body = override_for(message.get(TEXT) or "", old.get(INTENT_NAME_KEY),
                                message.get(ENTITIES) or [])
            if body is None:
                continue
            confidence = float(old.get(PREDICTED_CONFIDENCE_KEY) or 0.0)
            promote_intent(message, OUT_OF_SCOPE, max(confidence, 0.5))
            # what is left is a channel ("Universal Credit payment", "NHS 111 phone line") or
            # another council's service: not a service of ours to answer about
            message.set(ENTITIES, [e for e in message.get(ENTITIES) or []
                                   if e.get("entity") != "service"], add_to_output=True)
            message.set(SCOPE_OVERRIDE_KEY,
                        {"overrode": old.get(INTENT_NAME_KEY), "body": body}, add_to_output=True)
            logger.info("Scope: %s about %s is out_of_scope", old.get(INTENT_NAME_KEY), body)
        return messages
