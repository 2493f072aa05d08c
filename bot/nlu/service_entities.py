"""Service entities with values the rest of the system knows: exactly one of the 13 ids.

DIET tags the words of a service ("my resident permit", "the tip") but a span the synonym
table has not seen keeps its raw text as the value ("resident", "u tell"), which no status row
matches. This component, after the EntitySynonymMapper, maps each service entity's value to a
service id from its own words, then from the whole message, and drops the entity when neither
names one; when DIET found none but the message clearly names one service, it adds it.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.services.status import SERVICE_IDS, service_from_text

EXTRACTOR = "ServiceEntityNormaliser"


def normalised_service_entities(text: str, entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`entities` with every service value one of SERVICE_IDS (or the entity dropped)."""
    kept: list[dict[str, Any]] = []
    whole = None
    found_service = False
    for entity in entities:
        if entity.get("entity") != "service":
            kept.append(entity)
            continue
        value = str(entity.get("value") or "")
        if value not in SERVICE_IDS:
            span = text[entity.get("start", 0): entity.get("end", 0)] or value
            mapped = service_from_text(span) or service_from_text(value)
            if mapped is None:
                whole = whole if whole is not None else (service_from_text(text) or "")
                mapped = whole or None
            if mapped is None:
                continue
            entity = {**entity, "value": mapped,
                      "processors": [*(entity.get("processors") or []), EXTRACTOR]}
        found_service = True
        kept.append(entity)
    if not found_service and not text.startswith("/"):
        mapped = service_from_text(text)
        if mapped:
            kept.append({"entity": "service", "value": mapped, "start": 0, "end": len(text),
                         "confidence_entity": 0.5, "extractor": EXTRACTOR})
    return kept


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False
)
class ServiceEntityNormaliser(GraphComponent):
    """Maps service entity values to the contract's service ids."""

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> ServiceEntityNormaliser:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            entities = message.get(ENTITIES) or []
            message.set(ENTITIES, normalised_service_entities(text, entities), add_to_output=True)
        return messages
