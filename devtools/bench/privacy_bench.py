"""How well and how fast the redactor masks personal data, over the labelled set.

Why: the privacy layer is only as good as its recall on what residents really type, and it runs
on every message and log line, so `make bench` tracks both. The test suite asserts the same
numbers (tests/test_redactor.py calls `evaluate`), so the bench and the gate cannot disagree.

Scoring is span-level and exact: a labelled span counts as found only when the redactor reports
the same type at the same start and end.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.config import PROJECT_ROOT
from bot.privacy.pii_types import PII_TYPES
from bot.privacy.redactor import find_pii, get_pipeline, redact

LABELLED_SET = PROJECT_ROOT / "tests" / "data" / "pii_labelled.jsonl"


@dataclass
class Scores:
    """Counts per type plus the clean-message tally, turned into rates by `as_dict`."""

    true_positive: Counter = field(default_factory=Counter)
    false_positive: Counter = field(default_factory=Counter)
    false_negative: Counter = field(default_factory=Counter)
    clean_total: int = 0
    clean_changed: int = 0
    misses: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        per_type = {}
        for kind in PII_TYPES:
            tp, fp, fn = (self.true_positive[kind], self.false_positive[kind],
                          self.false_negative[kind])
            per_type[kind] = {
                "precision": tp / (tp + fp) if tp + fp else 1.0,
                "recall": tp / (tp + fn) if tp + fn else 1.0,
                "support": tp + fn,
            }
        return {
            "per_type": per_type,
            "clean_messages": self.clean_total,
            "clean_change_rate": self.clean_changed / self.clean_total if self.clean_total else 0,
        }


def load_labelled(path: Path = LABELLED_SET) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def evaluate(records: list[dict[str, Any]]) -> Scores:
    """Score `find_pii` against the labels; misses keep the text for debugging."""
    scores = Scores()
    for record in records:
        gold = {(s["type"], s["start"], s["end"]) for s in record["spans"]}
        found = {(s.type, s.start, s.end) for s in find_pii(record["text"])}
        for kind, *_ in gold & found:
            scores.true_positive[kind] += 1
        for kind, *_ in found - gold:
            scores.false_positive[kind] += 1
        for kind, *_ in gold - found:
            scores.false_negative[kind] += 1
        if gold != found:
            scores.misses.append({"text": record["text"], "expected": sorted(gold),
                                  "found": sorted(found)})
        if not gold:
            scores.clean_total += 1
            scores.clean_changed += redact(record["text"]) != record["text"]
    return scores


def mean_microseconds(texts: list[str], passes: int = 5) -> float:
    """Mean time of `redact` per message, pipeline already built; the fastest of `passes`
    passes over all texts, so other load on the machine does not inflate it (as timeit)."""
    get_pipeline()
    best = float("inf")
    for _ in range(passes):
        started = time.perf_counter()
        for text in texts:
            redact(text)
        best = min(best, time.perf_counter() - started)
    return best / len(texts) * 1e6


def run(labelled: Path = LABELLED_SET) -> dict[str, Any]:
    records = load_labelled(labelled)
    result = evaluate(records).as_dict()
    result["messages"] = len(records)
    result["mean_us_per_message"] = mean_microseconds([r["text"] for r in records])
    return result


def format_results(result: dict[str, Any]) -> str:
    lines = [f"{'type':10} {'precision':>9} {'recall':>7} {'support':>7}"]
    for kind, row in result["per_type"].items():
        lines.append(
            f"{kind:10} {row['precision']:9.3f} {row['recall']:7.3f} {row['support']:7d}"
        )
    lines.append(f"clean messages changed: {result['clean_change_rate']:.2%} "
                 f"of {result['clean_messages']}")
    lines.append(f"mean latency: {result['mean_us_per_message']:.0f} µs per message "
                 f"over {result['messages']} messages")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labelled", type=Path, default=LABELLED_SET,
                        help=f"labelled messages, JSON lines (default: {LABELLED_SET})")
    args = parser.parse_args(argv)
    print(format_results(run(args.labelled)))


if __name__ == "__main__":
    main()
