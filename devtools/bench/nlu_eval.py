"""NLU evaluation on a held-out split of our own data, with and without the urgent safety net.

Splits data/nlu 80/20 (fixed seed), trains an NLU-only model on the 80 % with the pipeline
of config.yml minus the safety net, predicts the 20 %, then applies the safety net's rule in
Python to the same predictions: one training gives both figures. Fails (exit 1) below the
thresholds. --nlu and --config read other training data or another pipeline.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import yaml

from bot.config import PROJECT_ROOT

THRESHOLDS = {
    "accuracy": 0.80,
    "macro_f1": 0.78,
    "urgent_recall_with_net": 0.95,
    "false_urgent_rate_with_net": 0.05,
}
RASA = str(Path(sys.executable).with_name("rasa"))
NLU_DATA = PROJECT_ROOT / "data" / "nlu"
CONFIG = PROJECT_ROOT / "config.yml"


def _run(args: list[str], out: Path) -> None:
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}
    log = out / "rasa.log"
    with log.open("ab") as handle:
        result = subprocess.run(
            args, cwd=PROJECT_ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT
        )
    if result.returncode != 0:
        sys.stderr.write(log.read_text()[-3000:])
        raise SystemExit(f"command failed: {' '.join(args[:3])}")


def config_without_safety_net(out: Path, source: Path = CONFIG) -> Path:
    config = yaml.safe_load(Path(source).read_text())
    config["pipeline"] = [c for c in config["pipeline"] if "safety_net" not in c["name"]]
    path = out / "config_no_net.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def predictions(out: Path, nlu: Path = NLU_DATA, config: Path = CONFIG) -> list[dict]:
    """Split, train on 80 %, predict the held-out 20 %; returns text/gold/predicted rows.

    Rasa runs in the project root, so a relative `nlu` path is taken from there."""
    split = out / "split"
    _run(
        [
            RASA,
            "data",
            "split",
            "nlu",
            "--nlu",
            str(nlu),
            "--training-fraction",
            "0.8",
            "--random-seed",
            "42",
            "--out",
            str(split),
        ],
        out,
    )
    model_dir = out / "model"
    _run(
        [
            RASA,
            "train",
            "nlu",
            "--nlu",
            str(split / "training_data.yml"),
            "--config",
            str(config_without_safety_net(out, config)),
            "--out",
            str(model_dir),
            "--fixed-model-name",
            "heldout",
        ],
        out,
    )
    report_dir = out / "report"
    _run(
        [
            RASA,
            "test",
            "nlu",
            "--nlu",
            str(split / "test_data.yml"),
            "--model",
            str(model_dir / "heldout.tar.gz"),
            "--out",
            str(report_dir),
            "--successes",
            "--no-plot",
        ],
        out,
    )
    rows = []
    for name in ("intent_successes.json", "intent_errors.json"):
        path = report_dir / name
        if path.exists():
            for item in json.loads(path.read_text()):
                rows.append(
                    {
                        "text": item["text"],
                        "gold": item["intent"],
                        "pred": (item.get("intent_prediction") or {}).get("name"),
                    }
                )
    return rows


def apply_safety_net(rows: list[dict]) -> list[dict]:
    from bot.triage import detect_risk

    return [
        {**row, "pred": "urgent_help" if detect_risk(row["text"]) else row["pred"]} for row in rows
    ]


def metrics(rows: list[dict]) -> dict[str, float]:
    labels = sorted({r["gold"] for r in rows})
    counts = Counter((r["gold"], r["pred"]) for r in rows)
    f1s = []
    for label in labels:
        tp = counts[(label, label)]
        fp = sum(v for (g, p), v in counts.items() if p == label and g != label)
        fn = sum(v for (g, p), v in counts.items() if g == label and p != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1s.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    urgent = [r for r in rows if r["gold"] == "urgent_help"]
    other = [r for r in rows if r["gold"] != "urgent_help"]
    return {
        "n": len(rows),
        "accuracy": sum(r["gold"] == r["pred"] for r in rows) / max(1, len(rows)),
        "macro_f1": sum(f1s) / max(1, len(f1s)),
        "urgent_recall": sum(r["pred"] == "urgent_help" for r in urgent) / max(1, len(urgent)),
        "false_urgent_rate": sum(r["pred"] == "urgent_help" for r in other) / max(1, len(other)),
    }


def evaluate(out: Path, nlu: Path = NLU_DATA,
             config: Path = CONFIG) -> dict[str, dict[str, float]]:
    out.mkdir(parents=True, exist_ok=True)
    rows = predictions(out, nlu, config)
    return {"without_net": metrics(rows), "with_net": metrics(apply_safety_net(rows))}


def check(results: dict[str, dict[str, float]]) -> list[str]:
    with_net = results["with_net"]
    failures = []
    if with_net["accuracy"] < THRESHOLDS["accuracy"]:
        failures.append(f"accuracy {with_net['accuracy']:.3f} < {THRESHOLDS['accuracy']}")
    if with_net["macro_f1"] < THRESHOLDS["macro_f1"]:
        failures.append(f"macro-F1 {with_net['macro_f1']:.3f} < {THRESHOLDS['macro_f1']}")
    if with_net["urgent_recall"] < THRESHOLDS["urgent_recall_with_net"]:
        failures.append(
            f"urgent recall {with_net['urgent_recall']:.3f} < "
            f"{THRESHOLDS['urgent_recall_with_net']}"
        )
    if with_net["false_urgent_rate"] > THRESHOLDS["false_urgent_rate_with_net"]:
        failures.append(
            f"false-urgent rate {with_net['false_urgent_rate']:.3f} > "
            f"{THRESHOLDS['false_urgent_rate_with_net']}"
        )
    return failures


def format_results(results: dict[str, dict[str, float]]) -> str:
    lines = [
        f"NLU held-out evaluation (n={results['with_net']['n']}, 20% split, seed 42)",
        f"{'':14}{'accuracy':>10}{'macro-F1':>10}{'urgent recall':>15}{'false urgent':>14}",
    ]
    for name, m in results.items():
        lines.append(
            f"{name:14}{m['accuracy']:10.3f}{m['macro_f1']:10.3f}"
            f"{m['urgent_recall']:15.3f}{m['false_urgent_rate']:14.3f}"
        )
    lines.append("thresholds (with net): " + ", ".join(f"{k} {v}" for k, v in THRESHOLDS.items()))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="results/nlu-eval", type=Path)
    parser.add_argument("--nlu", default=NLU_DATA, type=Path,
                        help=f"NLU training data to split (default: {NLU_DATA})")
    parser.add_argument("--config", default=CONFIG, type=Path,
                        help=f"Rasa config whose pipeline is evaluated (default: {CONFIG})")
    args = parser.parse_args()
    results = evaluate(args.out, args.nlu.resolve(), args.config.resolve())
    print(format_results(results))
    (args.out / "summary.json").write_text(json.dumps(results, indent=2))
    failures = check(results)
    if failures:
        print("NLU evaluation FAILED: " + "; ".join(failures))
        raise SystemExit(1)
    print("NLU evaluation passed")


if __name__ == "__main__":
    main()
