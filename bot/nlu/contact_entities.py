"""NLU entities for contact details and case references, from the same parsers the form uses.

Rasa's RegexEntityExtractor only extracts entities that are annotated in training data, and
annotating phone numbers would teach DIET to guess them. This component runs the project's
own validated parsers instead, so `/model/parse` returns normalised `phone`, `email`,
`postcode` and `case_ref` entities (malformed numbers are not returned as entities).
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.parsing.contact import contact_spans
from bot.parsing.references import find_references

EXTRACTOR = "ContactEntityExtractor"


def contact_entities(text: str) -> list[dict[str, Any]]:
    entities = [
        {"entity": span.kind, "start": span.start, "end": span.end, "value": span.value,
         "confidence_entity": 1.0, "extractor": EXTRACTOR}
        for span in contact_spans(text)
        if span.value is not None
    ]
    for start, end, reference in find_references(text):
        if not any(e["start"] < end and start < e["end"] for e in entities):
            entities.append({"entity": "case_ref", "start": start, "end": end,
                             "value": reference, "confidence_entity": 1.0,
                             "extractor": EXTRACTOR})
    return sorted(entities, key=lambda entity: entity["start"])


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False
)
class ContactEntityExtractor(GraphComponent):
    """Adds phone / email / postcode / case_ref entities with normalised values."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ContactEntityExtractor:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            found = contact_entities(text)
            if found:
                message.set(ENTITIES, [*message.get(ENTITIES, []), *found], add_to_output=True)
        return messages
