"""Which of the services a message names comes first (the one the dialogue answers).

The CRF tags the words it has learnt and the normaliser keeps them, so before this module the
first tag won whatever else the message said: "book a fire safety check, how with your phones
down?" was about the phones, "counsil tax suport" about council tax, "OT to assess mum for a
stair lift" about a lift repair. The labelling rules (tests/eval/LABELLING.md section 3) say
otherwise, and residents would too:

1. a longer vocabulary term beats the CRF's tag on part of it ("council tax support" is a
   benefit even when the CRF tagged "council tax"; "stair lift" is care, not a lift repair);
2. a specific service beats a channel (payments, phone lines, website), whether the CRF or the
   vocabulary found it;
3. among several specific services, the CRF's first tag; with none, the most serious the
   vocabulary found (service_vocab.resolve's order). Preferring the most serious over the
   CRF's tag too scored lower on the independent set (0.923 against 0.925): the vocabulary's
   broad repair words ("kitchen", "window") outrank what the message is about;
4. among channels only, the one the message names first.

The other service entities stay, after the first.
"""

from __future__ import annotations

import re
from typing import Any

from bot.nlu.service_vocab import SERIOUSNESS, Hit, fold, service_hits, vocabulary
from bot.services.status import GENERIC_SERVICES

EXTRACTOR = "EntityValueNormaliser"


def _span(text: str, entity: dict[str, Any]) -> str:
    return text[entity.get("start", 0): entity.get("end", 0)] or str(entity.get("value") or "")


def without_blanked(text: str, entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`entities` less the service tags on words of a phrase that names no service."""
    vocab = vocabulary()
    if vocab.blank is None:
        return entities
    phrases = [m.group() for m in vocab.blank.finditer(vocab.typos.canonical(fold(text)))]
    if not phrases:
        return entities

    def blank(entity: dict[str, Any]) -> bool:
        span = vocab.typos.canonical(fold(_span(text, entity)))
        return entity.get("entity") == "service" and bool(span) and any(
            re.search(rf"(?<![^\W_]){re.escape(span)}(?![^\W_])", p) for p in phrases)

    return [e for e in entities if not blank(e)]


def _widened(text: str, entity: dict[str, Any], hits: tuple[Hit, ...]) -> dict[str, Any]:
    """The entity, re-valued when its words sit inside a longer term of another service."""
    span = vocabulary().typos.canonical(fold(_span(text, entity)))
    if not span:
        return entity
    inside = re.compile(rf"(?<![^\W_]){re.escape(span)}(?![^\W_])")
    for hit in sorted(hits, key=lambda h: -len(h.text)):
        if hit.service != entity.get("value") and len(hit.text) > len(span) and inside.search(
                hit.text):
            return {**entity, "value": hit.service,
                    "processors": [*(entity.get("processors") or []), EXTRACTOR]}
    return entity


def _position(text: str, entity: dict[str, Any]) -> int:
    return len(fold(text[: entity.get("start", 0)]))


def service_first(text: str, entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`entities` with the service the message is about as the first service entity."""
    hits = service_hits(text)
    services = [_widened(text, e, hits) for e in entities if e.get("entity") == "service"]
    others = [e for e in entities if e.get("entity") != "service"]
    named = [e["value"] for e in services] + [h.service for h in hits]
    tagged = [e["value"] for e in services if e["value"] not in GENERIC_SERVICES]
    specific = [s for s in named if s not in GENERIC_SERVICES]
    if tagged:
        chosen = tagged[0]  # the CRF's tag beats a vocabulary word elsewhere in the message
    elif specific:
        chosen = min(specific, key=SERIOUSNESS.index)
    elif named:
        places = [(_position(text, e), e["value"]) for e in services]
        places += [(h.start, h.service) for h in hits]
        chosen = min(places)[1]
    else:
        return entities
    first = next((e for e in services if e["value"] == chosen), None)
    if first is None:
        first = {"entity": "service", "value": chosen, "start": 0, "end": len(text),
                 "confidence_entity": 0.5, "extractor": EXTRACTOR}
    rest = [e for e in services if e is not first]
    return [first, *rest, *others]
