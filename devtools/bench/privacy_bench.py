"""How well and how fast the redactor masks personal data, over the labelled set.

Why: the privacy layer is only as good as its recall on what residents really type, and it runs
on every message and log line, so `make bench` tracks both. The test suite asserts the same
numbers (tests/test_redactor.py calls `evaluate`), so the bench and the gate cannot disagree.

Two labelled sets, scored two ways:
- `pii_labelled.jsonl` (numbers, e-mail, postcodes...): span-level and exact, a labelled span
  counts as found only when the redactor reports the same type at the same start and end.
  Names and addresses found there are left out of this score (that set does not label them).
- `names_addresses_labelled.jsonl` (#15.7, written from scratch for this purpose): a labelled
  name or address counts as masked when every letter and digit of it is inside some mask, of
  any type (a postcode inside an address is masked as POSTCODE: the address is still hidden).
  False masking is measured on what is *not* labelled there: the share of its words inside a
  NAME or ADDRESS mask, and the share of messages with no label that get any mask at all.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.config import PROJECT_ROOT
from bot.privacy.pii_types import PII_TYPES
from bot.privacy.redactor import find_pii, get_pipeline, redact

LABELLED_SET = PROJECT_ROOT / "tests" / "data" / "pii_labelled.jsonl"
NAMES_ADDRESSES_SET = PROJECT_ROOT / "tests" / "data" / "names_addresses_labelled.jsonl"
COVERAGE_TYPES = ("NAME", "ADDRESS")
EXACT_TYPES = tuple(kind for kind in PII_TYPES if kind not in COVERAGE_TYPES)
_ALNUM = re.compile(r"\w+")


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
        for kind in EXACT_TYPES:
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
        found = {(s.type, s.start, s.end) for s in find_pii(record["text"])
                 if s.type in EXACT_TYPES}
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
            scores.clean_changed += bool(found)
    return scores


@dataclass
class Coverage:
    """Masked labelled spans per type, and the false masking around them."""

    masked: Counter = field(default_factory=Counter)
    total: Counter = field(default_factory=Counter)
    other_words: int = 0
    other_words_masked: int = 0
    clean_total: int = 0
    clean_masked: int = 0
    misses: list[dict[str, Any]] = field(default_factory=list)
    false_masks: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        kinds = sorted(self.total)
        masked, total = sum(self.masked.values()), sum(self.total.values())
        return {
            "recall": {kind: self.masked[kind] / self.total[kind] for kind in kinds},
            "support": {kind: self.total[kind] for kind in kinds},
            "recall_all": masked / total if total else 1.0,
            "false_mask_word_rate": (self.other_words_masked / self.other_words
                                     if self.other_words else 0.0),
            "clean_messages": self.clean_total,
            "clean_masked_rate": self.clean_masked / self.clean_total if self.clean_total else 0,
        }


def _covered(start: int, end: int, text: str, masks: list[tuple[int, int]]) -> bool:
    return all(any(s <= m.start() and m.end() <= e for s, e in masks)
               for m in _ALNUM.finditer(text, start, end))


def evaluate_coverage(records: list[dict[str, Any]]) -> Coverage:
    """Score the names-and-addresses set: recall by coverage, and false masking (see top)."""
    scores = Coverage()
    for record in records:
        text = record["text"]
        found = find_pii(text)
        masks = [(s.start, s.end) for s in found]
        for span in record["spans"]:
            scores.total[span["type"]] += 1
            if _covered(span["start"], span["end"], text, masks):
                scores.masked[span["type"]] += 1
            else:
                scores.misses.append({"text": text, "span": span["text"],
                                      "found": [(s.type, s.text) for s in found]})
        labelled = [(s["start"], s["end"]) for s in record["spans"]]
        people_masks = [(s.start, s.end) for s in found if s.type in COVERAGE_TYPES]
        for word in _ALNUM.finditer(text):
            if any(s <= word.start() < e for s, e in labelled):
                continue
            scores.other_words += 1
            if any(s <= word.start() < e for s, e in people_masks):
                scores.other_words_masked += 1
                scores.false_masks.append({"text": text, "word": word.group(0)})
        if not record["spans"]:
            scores.clean_total += 1
            scores.clean_masked += bool(found)
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


def run(labelled: Path = LABELLED_SET,
        names_addresses: Path = NAMES_ADDRESSES_SET) -> dict[str, Any]:
    records = load_labelled(labelled)
    result = evaluate(records).as_dict()
    result["messages"] = len(records)
    result["mean_us_per_message"] = mean_microseconds([r["text"] for r in records])
    people = load_labelled(names_addresses)
    result["names_addresses"] = evaluate_coverage(people).as_dict()
    result["names_addresses"]["messages"] = len(people)
    result["names_addresses"]["by_part"] = by_part(people)
    result["names_addresses"]["mean_us_per_message"] = mean_microseconds(
        [r["text"] for r in people])
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
    people = result.get("names_addresses")
    if people:
        lines.append(f"names and addresses ({people['messages']} messages, masked = every "
                     "letter and digit inside a mask):")
        for kind, recall in people["recall"].items():
            lines.append(f"  {kind:8} recall {recall:.3f} of {people['support'][kind]} spans")
        lines.append(f"  all      recall {people['recall_all']:.3f}")
        lines.append(f"  false masking: {people['false_mask_word_rate']:.2%} of unlabelled words;"
                     f" {people['clean_masked_rate']:.2%} of {people['clean_messages']} messages"
                     " with no name or address got a mask")
        lines.append(f"  mean latency: {people['mean_us_per_message']:.0f} µs per message")
        lines.append(f"  {'part':7} {'NAME':>12} {'ADDRESS':>12} {'words masked':>13} "
                     f"{'clean masked':>13}")
        for part, row in people.get("by_part", {}).items():
            recall, support = row["recall"], row["support"]
            lines.append(
                f"  {part:7} {recall.get('NAME', 1.0):6.3f} ({support.get('NAME', 0):3d})"
                f" {recall.get('ADDRESS', 1.0):6.3f} ({support.get('ADDRESS', 0):3d})"
                f" {row['false_mask_word_rate']:12.2%} {row['clean_masked_rate']:7.2%} of "
                f"{row['clean_messages']:3d}")
    return "\n".join(lines)


def by_part(records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The coverage scores of each part of the set ("dev", "fresh", "fresh2", "fresh3"...):
    the parts written after the rules are the honest estimate for unseen text."""
    parts: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        parts.setdefault(record.get("set", "?"), []).append(record)
    return {part: evaluate_coverage(rows).as_dict() for part, rows in parts.items()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labelled", type=Path, default=LABELLED_SET,
                        help=f"labelled messages, JSON lines (default: {LABELLED_SET})")
    parser.add_argument("--names-addresses", type=Path, default=NAMES_ADDRESSES_SET,
                        help="labelled names and addresses, JSON lines (default: "
                             f"{NAMES_ADDRESSES_SET})")
    parser.add_argument("--misses", action="store_true",
                        help="also list the missed names/addresses and the false masks")
    parser.add_argument("--part", action="append", default=None,
                        help="with --misses: only these parts of the set (repeatable)")
    args = parser.parse_args(argv)
    print(format_results(run(args.labelled, args.names_addresses)))
    if args.misses:
        people = [r for r in load_labelled(args.names_addresses)
                  if args.part is None or r.get("set") in args.part]
        coverage = evaluate_coverage(people)
        for miss in coverage.misses:
            print("MISSED", json.dumps(miss, ensure_ascii=False))
        for false in coverage.false_masks:
            print("FALSE", json.dumps(false, ensure_ascii=False))


if __name__ == "__main__":
    main()
