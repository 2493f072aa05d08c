"""Benchmark of the urgent-risk safety net: recall, false alarms and speed on labelled messages.

Reads tests/data/urgent_labelled.jsonl (one {"text", "urgent", "category"} object a line; another
file with --labelled) and reports, per urgent category, how many messages the rules caught and how
many were given the right category, the false-alarm rate on non-urgent messages, and the mean time
per message. `make bench` calls run() and format_results();
`python -m devtools.bench.triage_bench [--labelled FILE]` prints the table.

The labelled file is also the data the rules were tuned on, so these figures are an upper
bound; the test suite asserts recall >= 0.95 and false alarms <= 0.03 on it as a regression
guard.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.triage import PRIORITY, detect_risk, warm_up

LABELLED = Path(__file__).resolve().parents[2] / "tests" / "data" / "urgent_labelled.jsonl"


@dataclass(frozen=True)
class Labelled:
    """One labelled resident message."""

    text: str
    urgent: bool
    category: str | None


def load_labelled(path: Path = LABELLED) -> list[Labelled]:
    """The labelled messages, in file order."""
    rows = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                record = json.loads(line)
                rows.append(Labelled(record["text"], bool(record["urgent"]), record["category"]))
    return rows


def score(rows: Iterable[Labelled]) -> dict[str, Any]:
    """Recall (caught in any category), category agreement and false alarms, by category."""
    per_category: dict[str, dict[str, int]] = {
        category.value: {"messages": 0, "caught": 0, "right_category": 0} for category in PRIORITY
    }
    benign = false_alarms = 0
    misses: list[str] = []
    alarms: list[str] = []
    for row in rows:
        found = detect_risk(row.text)
        if not row.urgent:
            benign += 1
            if found is not None:
                false_alarms += 1
                alarms.append(row.text)
            continue
        counts = per_category[row.category or "general"]
        counts["messages"] += 1
        if found is None:
            misses.append(row.text)
            continue
        counts["caught"] += 1
        counts["right_category"] += int(found.category.value == row.category)
    urgent = sum(c["messages"] for c in per_category.values())
    caught = sum(c["caught"] for c in per_category.values())
    return {
        "urgent_messages": urgent,
        "recall": caught / urgent if urgent else 0.0,
        "category_accuracy": (
            sum(c["right_category"] for c in per_category.values()) / caught if caught else 0.0
        ),
        "non_urgent_messages": benign,
        "false_alarm_rate": false_alarms / benign if benign else 0.0,
        "per_category": {
            name: {**counts, "recall": counts["caught"] / counts["messages"]}
            for name, counts in per_category.items()
            if counts["messages"]
        },
        "misses": misses,
        "false_alarms": alarms,
    }


def mean_microseconds(texts: list[str], rounds: int = 3) -> float:
    """Mean wall time of detect_risk per message, after one warm-up pass."""
    for text in texts:
        detect_risk(text)
    start = time.perf_counter()
    for _ in range(rounds):
        for text in texts:
            detect_risk(text)
    return (time.perf_counter() - start) / (rounds * len(texts)) * 1e6


def run(labelled: Path = LABELLED) -> dict[str, Any]:
    """Quality and speed figures over the labelled file."""
    start = time.perf_counter()
    warm_up()
    build_seconds = time.perf_counter() - start
    rows = load_labelled(labelled)
    results = score(rows)
    results["mean_us_per_message"] = mean_microseconds([row.text for row in rows])
    results["matcher_build_seconds"] = build_seconds
    return results


def format_results(results: dict[str, Any]) -> str:
    """A readable table of run()'s figures."""
    lines = [
        f"{'category':<26}{'messages':>9}{'caught':>8}{'recall':>8}{'right cat':>11}",
    ]
    for name, counts in results["per_category"].items():
        lines.append(
            f"{name:<26}{counts['messages']:>9}{counts['caught']:>8}"
            f"{counts['recall']:>8.3f}{counts['right_category']:>11}"
        )
    lines += [
        "",
        f"urgent recall          {results['recall']:.3f} of {results['urgent_messages']}",
        f"category agreement     {results['category_accuracy']:.3f} of caught",
        f"false-alarm rate       {results['false_alarm_rate']:.3f} of "
        f"{results['non_urgent_messages']} non-urgent",
        f"mean time per message  {results['mean_us_per_message']:.0f} us",
        f"matcher build          {results['matcher_build_seconds']:.2f} s (incl. spaCy import)",
        f"misses                 {len(results['misses'])}",
        f"false alarms           {len(results['false_alarms'])}",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labelled", type=Path, default=LABELLED,
                        help=f"labelled messages, JSON lines (default: {LABELLED})")
    args = parser.parse_args(argv)
    print(format_results(run(args.labelled)))


if __name__ == "__main__":
    main()
