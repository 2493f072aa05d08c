"""Sentences shared between an evaluation set and the training data (`data/`), normalised.

An evaluation set that shares sentences with the training data measures memory, not
understanding: every whole message, and every sentence of three words or more in it, must be
absent from the training examples (split into sentences the same way).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from pathlib import Path

import yaml

_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
_NOT_WORD = re.compile(r"[^\w\s]+")


def normalise(text: str) -> str:
    """Lower case, accents kept, punctuation dropped, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_NOT_WORD.sub(" ", text).split())


def sentences(text: str) -> list[str]:
    return [s for s in (normalise(part) for part in _SENTENCE_END.split(text)) if s]


def training_examples(data_dir: Path) -> Iterable[str]:
    """Every NLU example under `data_dir`, entity annotations removed."""
    for path in sorted(data_dir.rglob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in document.get("nlu", []) or []:
            examples = block.get("examples")
            if not isinstance(examples, str):
                continue
            for line in examples.splitlines():
                line = line.strip()
                if line.startswith("- "):
                    yield _ANNOTATION.sub(r"\1", line[2:])


def training_index(data_dir: Path) -> set[str]:
    index: set[str] = set()
    for example in training_examples(data_dir):
        index.add(normalise(example))
        index.update(sentences(example))
    return index


def overlaps(texts: Iterable[str], index: AbstractSet[str]) -> list[tuple[str, str]]:
    """(message, shared sentence) for every evaluation message that shares one with `index`."""
    found = []
    for text in texts:
        whole = normalise(text)
        if whole in index:
            found.append((text, whole))
            continue
        for sentence in sentences(text):
            if len(sentence.split()) >= 3 and sentence in index:
                found.append((text, sentence))
                break
    return found
