"""Route accuracy on the independent evaluation sets (tests/eval), never trained on.

Loads a trained model once and parses every message in process. One parse gives three
verdicts on urgency, because the safety net (last in the pipeline) records what the
classifier said before it overrode it:
- classifier: the intent before the safety net,
- net: whether the rule safety net fired,
- combined: the intent the dialogue acts on.
Route accuracy and macro-F1 use the combined intent (a fallback counts as wrong). Urgent recall
counts "clear" disclosures routed to urgent_help; the false-urgent rate counts messages
labelled "none" that were. Service entity accuracy is over messages labelled with a service.

    python -m devtools.bench.route_eval --model models/council.tar.gz \
        --set tests/eval/independent_en.jsonl --set tests/eval/multilingual.jsonl

Sets named in REPORT_ONLY are printed like the others but have no floors.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

URGENT = "urgent_help"
# The per-language group for rows in a language the bot does not support.
OTHER_LANGUAGES = "other"
# Regression floors for CI (--gate), a little under what the current model measures: a change
# that falls below one fails `make test`. (name, "min" or "max", value)
GATES: dict[str, list[tuple[str, str, float]]] = {
    "independent_en": [
        ("route_accuracy", "min", 0.91),
        ("macro_f1", "min", 0.93),
        ("urgent_at_once", "min", 0.98),
        ("urgent_after_question", "min", 0.99),
        ("false_urgent_case", "max", 0.01),
        ("service_entity_accuracy", "min", 0.90),
        ("out_of_scope_recall", "min", 0.85),
    ],
    "multilingual": [
        ("route_accuracy", "min", 0.94),
        ("urgent_at_once", "min", 0.98),
        ("urgent_after_question", "min", 0.99),
        ("false_urgent_case", "max", 0.01),
    ],
    # The blind sets (tests/eval/BLIND.md): floors only, never tuned on; read no failures.
    "blind_en": [
        ("route_accuracy", "min", 0.87),
        ("urgent_after_question", "min", 0.98),
        ("false_urgent_case", "max", 0.02),
    ],
    "blind_multi": [
        ("route_accuracy", "min", 0.89),
        ("urgent_after_question", "min", 0.98),
        ("false_urgent_case", "max", 0.02),
    ],
}
# Printed with the same figures but not gated (tests/eval/BLIND3.md): a new blind set gets floors
# only after its first measurement has been recorded, never from guesses before it.
REPORT_ONLY = ("blind3_en", "blind3_multi")


def gate_failures(name: str, report: dict[str, Any]) -> list[str]:
    failures = []
    for metric, kind, bound in GATES.get(name, []):
        value = report.get(metric)
        if value is None or (value < bound if kind == "min" else value > bound):
            failures.append(f"{name}: {metric} {value} is {'below' if kind == 'min' else 'above'}"
                            f" {bound}")
    return failures


def load_set(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def verdicts(parse: dict[str, Any]) -> dict[str, Any]:
    """classifier / net / combined intents, the urgency tier and the first service entity."""
    from bot.services.language_turns import conversation_language
    from bot.triage.tier import NetVerdict, urgency_tier

    combined = (parse.get("intent") or {}).get("name")
    net = parse.get("safety_net")
    if net:
        classifier = net.get("overrode") or URGENT
    else:
        classifier = combined
    services = [e.get("value") for e in parse.get("entities") or [] if e.get("entity") == "service"]
    confidence = (parse.get("intent") or {}).get("confidence")
    # as the dialogue decides it (bot.services.escalation_turns.urgent_turn): the net's verdict
    # from the parse, and no safety question in another language
    language = conversation_language(parse.get("language"), None)
    tier = (urgency_tier(parse.get("text") or "", confidence, NetVerdict.from_parse(parse),
                         None if language == "en" else language)
            if combined == URGENT else None)
    return {"combined": combined, "classifier": classifier, "net": bool(net),
            "service": services[0] if services else None, "confidence": confidence,
            "tier": tier, "language": (parse.get("language") or {}).get("code")}


def macro_f1(pairs: list[tuple[str, str]]) -> tuple[float, dict[str, dict[str, float]]]:
    labels = sorted({gold for gold, _ in pairs})
    per: dict[str, dict[str, float]] = {}
    for label in labels:
        tp = sum(1 for g, p in pairs if g == label and p == label)
        fp = sum(1 for g, p in pairs if g != label and p == label)
        fn = sum(1 for g, p in pairs if g == label and p != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per[label] = {"precision": precision, "recall": recall, "f1": f1,
                      "support": tp + fn}
    return sum(v["f1"] for v in per.values()) / len(per), per


def _rate(hits: int, total: int) -> float | None:
    return hits / total if total else None


def score(rows: list[dict[str, Any]], predicted: list[dict[str, Any]]) -> dict[str, Any]:
    pairs = [(row["intent"], pred["combined"]) for row, pred in zip(rows, predicted, strict=True)]
    f1, per = macro_f1(pairs)
    confusion: dict[str, Counter] = defaultdict(Counter)
    for gold, got in pairs:
        if gold != got:
            confusion[gold][got] += 1
    report: dict[str, Any] = {
        "messages": len(rows),
        "route_accuracy": sum(g == p for g, p in pairs) / len(pairs),
        "macro_f1": f1,
        "per_intent": per,
        "out_of_scope_recall": (per.get("out_of_scope") or {}).get("recall"),
        "confusion": {gold: dict(c.most_common()) for gold, c in sorted(confusion.items())},
    }
    both = list(zip(rows, predicted, strict=True))
    clear = [(r, p) for r, p in both if r.get("urgency") == "clear"]
    possible = [(r, p) for r, p in both if r.get("urgency") == "possible"]
    benign = [(r, p) for r, p in both if r.get("urgency", "none") == "none"]
    for source in ("classifier", "net", "combined"):
        def urgent(p: dict[str, Any], source: str = source) -> bool:
            return p["net"] if source == "net" else p[source] == URGENT
        report[f"urgent_recall_{source}"] = _rate(sum(urgent(p) for _, p in clear), len(clear))
        report[f"possible_to_urgent_{source}"] = _rate(
            sum(urgent(p) for _, p in possible), len(possible))
        report[f"false_urgent_{source}"] = _rate(sum(urgent(p) for _, p in benign), len(benign))
    # Two tiers: "at once" is an urgent case straight away; a possible one is asked first.
    report["urgent_at_once"] = _rate(sum(p["tier"] == "clear" for _, p in clear), len(clear))
    report["urgent_after_question"] = _rate(sum(p["tier"] is not None for _, p in clear),
                                            len(clear))
    report["false_urgent_case"] = _rate(sum(p["tier"] == "clear" for _, p in benign), len(benign))
    report["benign_asked_safety_question"] = _rate(
        sum(p["tier"] == "possible" for _, p in benign), len(benign))
    missed = [r["text"] for r, p in clear if p["combined"] != URGENT]
    false_alarms = [r["text"] for r, p in benign if p["combined"] == URGENT]
    report["urgent_missed"] = missed
    report["false_urgent"] = false_alarms
    with_service = [(r, p) for r, p in zip(rows, predicted, strict=True) if r.get("service")]
    report["service_entity_accuracy"] = _rate(
        sum(r["service"] == p["service"] for r, p in with_service), len(with_service))
    report["service_wrong"] = [
        (r["text"], r["service"], p["service"]) for r, p in with_service
        if r["service"] != p["service"]]
    if any("lang" in r for r in rows):
        from bot.language import SUPPORTED

        # A language the bot does not support (Urdu, Russian...) cannot be identified as itself:
        # such rows form one "other" group, scored on routing and urgency only.
        def group(row: dict[str, Any]) -> str:
            lang = row.get("lang", "en")
            return lang if lang in SUPPORTED else OTHER_LANGUAGES

        by_lang: dict[str, Any] = {}
        for lang in sorted({group(r) for r in rows}, key=lambda g: (g == OTHER_LANGUAGES, g)):
            idx = [i for i, r in enumerate(rows) if group(r) == lang]
            sub_rows = [rows[i] for i in idx]
            sub_pred = [predicted[i] for i in idx]
            pairs_here = list(zip(sub_rows, sub_pred, strict=True))
            sub_clear = [p for r, p in pairs_here if r.get("urgency") == "clear"]
            sub_benign = [p for r, p in pairs_here if r.get("urgency", "none") == "none"]
            by_lang[lang] = {
                "n": len(idx),
                "language_id": (None if lang == OTHER_LANGUAGES else
                                sum(p["language"] == lang for p in sub_pred) / len(idx)),
                "route_accuracy": sum(r["intent"] == p["combined"]
                                      for r, p in zip(sub_rows, sub_pred, strict=True)) / len(idx),
                "urgent_recall": _rate(sum(p["combined"] == URGENT for p in sub_clear),
                                       len(sub_clear)),
                "false_urgent": _rate(sum(p["combined"] == URGENT for p in sub_benign),
                                      len(sub_benign)),
            }
        report["by_language"] = by_lang
        known = [(r, p) for r, p in both if group(r) != OTHER_LANGUAGES]
        report["language_id_accuracy"] = _rate(
            sum(p["language"] == r.get("lang", "en") for r, p in known), len(known))
    return report


async def parse_all(model: Path, texts: list[str]) -> tuple[list[dict[str, Any]], list[float]]:
    """Every parse, and how long each took (ms): the whole NLU pipeline, one message at a time."""
    import time

    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    parses, millis = [], []
    for text in texts:
        started = time.perf_counter()
        parses.append(await agent.parse_message(text))
        millis.append((time.perf_counter() - started) * 1000)
    return parses, millis


def _fmt(value: float | None) -> str:
    return "  n/a" if value is None else f"{value:.3f}"


def print_report(name: str, report: dict[str, Any]) -> None:
    print(f"\n== {name}: {report['messages']} messages ==")
    if "language_id_accuracy" in report:
        scope = (" (supported languages only)"
                 if OTHER_LANGUAGES in (report.get("by_language") or {}) else "")
        print(f"language-ID accuracy {_fmt(report['language_id_accuracy'])}{scope}")
    print(f"NLU parse per message p50 {report.get('parse_ms_p50', 0):.1f} ms, "
          f"p95 {report.get('parse_ms_p95', 0):.1f} ms")
    print(f"route accuracy {_fmt(report['route_accuracy'])}"
          f"   macro-F1 {_fmt(report['macro_f1'])}"
          f"   service entities {_fmt(report['service_entity_accuracy'])}"
          f"   out-of-scope recall {_fmt(report['out_of_scope_recall'])}")
    print("urgency      recall(clear)  possible->urgent  false-urgent")
    for source in ("classifier", "net", "combined"):
        print(f"  {source:<10} {_fmt(report[f'urgent_recall_{source}']):>13}"
              f"  {_fmt(report[f'possible_to_urgent_{source}']):>16}"
              f"  {_fmt(report[f'false_urgent_{source}']):>12}")
    print(f"two tiers: clear urgent at once {_fmt(report['urgent_at_once'])}, after the safety "
          f"question {_fmt(report['urgent_after_question'])}; benign: urgent case "
          f"{_fmt(report['false_urgent_case'])}, asked the question "
          f"{_fmt(report['benign_asked_safety_question'])}")
    print("per intent (recall / precision / support):")
    for intent, values in report["per_intent"].items():
        confused = report["confusion"].get(intent, {})
        top = ", ".join(f"{k} {v}" for k, v in list(confused.items())[:3])
        print(f"  {intent:<16} {values['recall']:.2f} / {values['precision']:.2f} /"
              f" {values['support']:>3}   {('-> ' + top) if top else ''}")
    for lang, values in (report.get("by_language") or {}).items():
        print(f"  [{lang}] n={values['n']:>3} language-ID {_fmt(values['language_id'])} "
              f"route {_fmt(values['route_accuracy'])} "
              f"urgent recall {_fmt(values['urgent_recall'])} "
              f"false-urgent {_fmt(values['false_urgent'])}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=Path("models/council.tar.gz"))
    parser.add_argument("--set", dest="sets", type=Path, action="append", required=True)
    parser.add_argument("--out", type=Path, default=None, help="folder for the JSON reports")
    parser.add_argument("--gate", action="store_true", help="exit 1 below the GATES floors")
    args = parser.parse_args(argv)
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    import structlog

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    logging.getLogger().setLevel(logging.WARNING)
    from bot.rasa_patches import install

    install()
    failures: list[str] = []
    for path in args.sets:
        rows = load_set(path)
        parses, millis = asyncio.run(parse_all(args.model, [row["text"] for row in rows]))
        report = score(rows, [verdicts(parse) for parse in parses])
        report["parse_ms_p50"] = float(sorted(millis)[len(millis) // 2])
        report["parse_ms_p95"] = float(sorted(millis)[int(len(millis) * 0.95)])
        print_report(path.name, report)
        if path.stem in REPORT_ONLY:
            print("(report only: no floors for this set yet)")
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            (args.out / f"{path.stem}.json").write_text(json.dumps(report, indent=1))
        failures += gate_failures(path.stem, report)
    if args.gate and failures:
        print("\n".join(["", "route evaluation below its floors:", *failures]))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
