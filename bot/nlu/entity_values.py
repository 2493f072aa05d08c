"""Service and council entities with values the rest of the system knows: exactly one of the
13 service ids, or a configured council id.

DIET tags the words of a service ("my resident permit", "the tip") but a span the synonym
table has not seen keeps its raw text as the value ("resident", "u tell"), which no status row
matches. This component, after the EntitySynonymMapper, maps each service entity's value to a
service id from its own words, then from the whole message, and drops the entity when neither
names one; when DIET found none but the message clearly names one service, it adds it. Words
are looked up in English and in the residents' other languages (bot/nlu/service_vocab/), so
"o lixo não foi recolhido" names waste as "my bins weren't collected" does.
Council entities get the same treatment from the council names residents use.

Then one service is put first, because the dialogue answers the first (bot/nlu/service_choice.py):
a specific service beats a channel, a longer vocabulary term beats the CRF's part of it, an
entity inside a phrase that names no service ("blue badge", "life or death") goes.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.service_choice import service_first, without_blanked
from bot.nlu.service_vocab import service_in_text, vocabulary
from bot.services.councils import COUNCIL_ALIASES, council_from_text
from bot.services.status import SERVICE_IDS

EXTRACTOR = "EntityValueNormaliser"


def _normalised(
    text: str,
    entities: list[dict[str, Any]],
    kind: str,
    known: Collection[str],
    from_text: Callable[[str], str | None],
    span_falls_back_to_message: bool,
) -> list[dict[str, Any]]:
    """`entities` with every `kind` value in `known`: an unknown value is mapped from its own
    words (then, if `span_falls_back_to_message`, from the whole message) or dropped; when no
    `kind` entity is left and the message names one, it is added."""
    kept: list[dict[str, Any]] = []
    whole: str | None = None

    def from_message() -> str | None:
        nonlocal whole
        if whole is None:
            whole = from_text(text) or ""
        return whole or None

    found = False
    for entity in entities:
        if entity.get("entity") != kind:
            kept.append(entity)
            continue
        value = str(entity.get("value") or "")
        if value not in known:
            span = text[entity.get("start", 0): entity.get("end", 0)] or value
            mapped = from_text(span) or from_text(value)
            if mapped is None and span_falls_back_to_message:
                mapped = from_message()
            if mapped is None:
                continue
            entity = {**entity, "value": mapped,
                      "processors": [*(entity.get("processors") or []), EXTRACTOR]}
        found = True
        kept.append(entity)
    if not found and not text.startswith("/"):
        mapped = from_message()
        if mapped:
            kept.append({"entity": kind, "value": mapped, "start": 0, "end": len(text),
                         "confidence_entity": 0.5, "extractor": EXTRACTOR})
    return kept


def normalised_service_entities(text: str, entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`entities` with every service value one of SERVICE_IDS (or the entity dropped)."""
    entities = without_blanked(text, entities)
    entities = _normalised(text, entities, "service", SERVICE_IDS, service_in_text, True)
    return service_first(text, entities) if not text.startswith("/") else entities


def normalised_council_entities(text: str, entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`entities` with every council value a configured council id (or the entity dropped)."""
    return _normalised(text, entities, "council", COUNCIL_ALIASES, council_from_text, False)


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False
)
class EntityValueNormaliser(GraphComponent):
    """Maps service and council entity values to the contract's ids."""

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> EntityValueNormaliser:
        vocabulary()  # read the vocabulary files now, not on a resident's first message
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            entities = message.get(ENTITIES) or []
            entities = normalised_service_entities(text, entities)
            message.set(ENTITIES, normalised_council_entities(text, entities), add_to_output=True)
        return messages
