"""The evaluation sets are never trained on: no message or sentence of theirs is in `data/`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT
from tests.eval.overlap import overlaps, training_index

EVAL_DIR = Path(__file__).parent
SETS = sorted(EVAL_DIR.glob("*.jsonl"))


class _TrainingIndex(frozenset[str]):
    """The training sentences, with a repr that hides them.

    pytest prints a failing test's arguments; an evaluation writer who runs this check must see
    only the shared sentence (in the assertion message), never the rest of the training data.
    """

    def __repr__(self) -> str:
        return f"<training index: {len(self)} sentences>"


@pytest.fixture(scope="module")
def index() -> frozenset[str]:
    return _TrainingIndex(training_index(PROJECT_ROOT / "data"))


def test_there_are_evaluation_sets() -> None:
    assert {path.name for path in SETS} >= {"independent_en.jsonl", "multilingual.jsonl",
                                            "blind_en.jsonl", "blind_multi.jsonl",
                                            "blind3_en.jsonl", "blind3_multi.jsonl"}


@pytest.mark.parametrize("path", SETS, ids=lambda p: p.name)
def test_no_evaluation_sentence_is_in_the_training_data(path: Path,
                                                        index: frozenset[str]) -> None:
    texts = [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines()
             if line.strip()]
    shared = overlaps(texts, index)
    assert not shared, f"{len(shared)} evaluation messages overlap data/: {shared[:10]}"


def test_the_check_catches_an_overlap(index: frozenset[str]) -> None:
    some_training_sentence = next(iter(sorted(s for s in index if len(s.split()) >= 4)))
    message = f"Hello there. {some_training_sentence.upper()}!"
    assert overlaps([message], index)
    assert not overlaps(["a sentence nobody would ever train a council bot on, surely"], index)


def test_a_failure_does_not_print_the_training_data(index: frozenset[str]) -> None:
    assert repr(index) == f"<training index: {len(index)} sentences>"
    assert not any(sentence in repr(index) for sentence in list(index)[:50] if len(sentence) > 3)
