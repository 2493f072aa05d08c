"""Rasa NLU component that forces `urgent_help` when the rule-based safety net sees a risk.

DIET can misread a buried disclosure ("my heating form won't load and my dad is 88 and
freezing") as a service question. This component runs last in the pipeline, after the
FallbackClassifier, and asks `bot.triage.detect_risk` for a second opinion. When a risk
phrase is found it:

* sets the intent to `urgent_help` with confidence 1.0 (unless it already is),
* moves the classifier's own prediction to the top of `intent_ranking` so the override is
  visible in logs and `rasa test` reports,
* adds `safety_net: {"category": <UrgentCategory value>, "overrode": <old intent or None>}`
  to the message data as an output property, so it appears in `/model/parse` results and in
  the tracker's `latest_message` / `UserUttered.parse_data` (actions read it from there), with
  `"weak": true` when the message softens its own risk ("nobody was hurt"; the dialogue then
  asks the safety question first, bot.triage.tier).

Every message it judged (not button payloads) also gets `safety_net_checked: true`, so the
action server can reuse the verdict, fired or not, instead of running the rules again.

With `add_entity: true` it also adds an `urgent_category` entity (extractor `UrgentSafetyNet`)
for stories or slot mappings that prefer entities; declare the entity in the domain first.
The matched words are never stored: only the category.
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
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.triage import RiskMatch, detect_risk, warm_up

logger = logging.getLogger(__name__)

SAFETY_NET_KEY = "safety_net"
SAFETY_NET_CHECKED_KEY = "safety_net_checked"
URGENT_CATEGORY_ENTITY = "urgent_category"
EXTRACTOR_NAME = "UrgentSafetyNet"


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class UrgentSafetyNet(GraphComponent, IntentClassifier):
    """Overrides the predicted intent with `urgent_help` when a risk phrase is present."""

    @classmethod
    def required_components(cls) -> list[type]:
        return [IntentClassifier]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"intent_name": "urgent_help", "add_entity": False}

    def __init__(self, config: dict[str, Any]) -> None:
        self.component_config = {**self.get_default_config(), **config}
        self.intent_name: str = self.component_config["intent_name"]
        self.add_entity: bool = bool(self.component_config["add_entity"])

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> UrgentSafetyNet:
        warm_up()  # build the matcher at server start, not on a resident's first message
        return cls(config)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if text.startswith("/"):  # button payloads ("/affirm") are not resident words
                continue
            risk = detect_risk(text)
            message.set(SAFETY_NET_CHECKED_KEY, True, add_to_output=True)
            if risk is not None:
                self._mark_urgent(message, risk)
        return messages

    def _mark_urgent(self, message: Message, risk: RiskMatch) -> None:
        old_intent = message.get(INTENT) or {}
        old_name = old_intent.get(INTENT_NAME_KEY)
        overrode = None if old_name == self.intent_name else old_name
        if old_name != self.intent_name:
            self._override_intent(message, old_intent)
        verdict: dict[str, Any] = {"category": risk.category.value, "overrode": overrode}
        if risk.weak:
            verdict["weak"] = True
        message.set(SAFETY_NET_KEY, verdict, add_to_output=True)
        if self.add_entity:
            self._add_category_entity(message, risk)
        logger.info(
            "Urgent safety net: category=%s overrode=%s", risk.category.value, overrode
        )

    def _override_intent(self, message: Message, old_intent: dict[str, Any]) -> None:
        old_name = old_intent.get(INTENT_NAME_KEY)
        ranking = [
            entry
            for entry in message.get(INTENT_RANKING_KEY) or []
            if entry.get(INTENT_NAME_KEY) not in (old_name, self.intent_name)
        ]
        if old_name is not None:
            ranking.insert(
                0,
                {
                    INTENT_NAME_KEY: old_name,
                    PREDICTED_CONFIDENCE_KEY: old_intent.get(PREDICTED_CONFIDENCE_KEY, 0.0),
                },
            )
        message.set(
            INTENT,
            {INTENT_NAME_KEY: self.intent_name, PREDICTED_CONFIDENCE_KEY: 1.0},
            add_to_output=True,
        )
        message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)

    def _add_category_entity(self, message: Message, risk: RiskMatch) -> None:
        text = message.get(TEXT) or ""
        start = text.find(risk.phrase)
        end = start + len(risk.phrase) if start >= 0 else len(text)
        entity = {
            "entity": URGENT_CATEGORY_ENTITY,
            "value": risk.category.value,
            "start": max(start, 0),
            "end": end,
            "confidence_entity": 1.0,
            "extractor": EXTRACTOR_NAME,
        }
        entities = [
            existing
            for existing in message.get(ENTITIES) or []
            if existing.get("entity") != URGENT_CATEGORY_ENTITY
        ]
        message.set(ENTITIES, [*entities, entity], add_to_output=True)
