"""Rasa NLU component that tags each message with the language it is written in.

Adds `language: {"code", "confidence", "by"}` to the parse result (so `/model/parse` and the
tracker's latest message carry it). The NLU pipeline does not know the conversation, so a
message too short to tell is tagged `by: "default"` (English) and the dialogue keeps the
conversation's language instead (bot.services.turn).

A message in a script the detector does not know (`UNKNOWN`: Georgian, Korean...) cannot be
understood: the sentence encoder has not seen it, so its intent is noise ("inform", "thanks").
Such a message becomes `nlu_fallback` (the not-understood reply: the emergency line and a call
back with an interpreter), unless the classifier read it as urgent: a false alarm there costs
less than a missed one. The safety net after this component can still make it urgent.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.language.detect import UNKNOWN, detect_language, warm_up

LANGUAGE_KEY = "language"
FALLBACK = "nlu_fallback"
_KEPT = ("urgent_help", FALLBACK)


def language_of(text: str) -> dict[str, Any]:
    guess = detect_language(text)
    return {"code": guess.code, "confidence": round(guess.confidence, 3), "by": guess.by}


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class LanguageTagger(GraphComponent):
    """Tags messages with their language; changes nothing else."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LanguageTagger:
        warm_up()
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            language = language_of(text)
            message.set(LANGUAGE_KEY, language, add_to_output=True)
            if language["code"] == UNKNOWN:
                _not_understood(message)
        return messages


def _not_understood(message: Message) -> None:
    """Make the intent `nlu_fallback`, the classifier's guess kept in the ranking for logs."""
    old = message.get(INTENT) or {}
    if old.get(INTENT_NAME_KEY) in _KEPT:
        return
    new = {INTENT_NAME_KEY: FALLBACK, PREDICTED_CONFIDENCE_KEY: 1.0}
    ranking = [r for r in message.get(INTENT_RANKING_KEY) or []
               if r.get(INTENT_NAME_KEY) != FALLBACK]
    message.set(INTENT, new, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [new, *ranking], add_to_output=True)
