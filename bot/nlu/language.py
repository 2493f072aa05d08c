"""Rasa NLU component that tags each message with the language it is written in.

Adds `language: {"code", "confidence", "by"}` to the parse result (so `/model/parse` and the
tracker's latest message carry it). The NLU pipeline does not know the conversation, so a
message too short to tell is tagged `by: "default"` (English) and the dialogue keeps the
conversation's language instead (bot.services.turn).
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.language.detect import detect_language, warm_up

LANGUAGE_KEY = "language"


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
            message.set(LANGUAGE_KEY, language_of(text), add_to_output=True)
        return messages
