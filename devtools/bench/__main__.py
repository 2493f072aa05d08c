"""`make bench`: every benchmark in one run, printing figures (no pass/fail timing asserts)."""

from __future__ import annotations

import importlib
import os
import time
from pathlib import Path

# (title, module): each module has run() -> dict and format_results(dict) -> str, or prints
# its own table from run() when it has no formatter.
BENCHES = (
    ("Routes, urgency and services on the independent sets (tests/eval)",
     "devtools.bench.route_eval"),
    ("NLU on the held-out split of our own data (overstates: same hands)",
     "devtools.bench.nlu_eval"),
    ("Urgent safety net", "devtools.bench.triage_bench"),
    ("Redaction of personal data", "devtools.bench.privacy_bench"),
    ("REST latency, throughput, memory, start-up", "devtools.bench.rest_load"),
    ("SMS webhook", "devtools.bench.sms_bench"),
    ("Text me when it's back: 10,000 subscribers, sender killed mid-way",
     "devtools.bench.notify_bench"),
    ("SMS segments of the key replies in each language", "devtools.bench.sms_languages"),
    ("SMS segments per reply type (status, urgent, case confirmation, fallback)",
     "devtools.bench.sms_segments"),
    ("Faults: Twilio down, action server killed, database locked", "devtools.bench.fault_bench"),
    ("Incident-day load: single machine, scaled topology, stock rasa init",
     "devtools.bench.load_bench"),
)


def _run_one(module_name: str) -> str:
    module = importlib.import_module(module_name)
    if module_name == "devtools.bench.route_eval":
        module.main(["--set", "tests/eval/independent_en.jsonl",
                     "--set", "tests/eval/multilingual.jsonl",
                     "--set", "tests/eval/blind_en.jsonl", "--set", "tests/eval/blind_multi.jsonl",
                     "--set", "tests/eval/blind3_en.jsonl",
                     "--set", "tests/eval/blind3_multi.jsonl",
                     "--out", "results/bench-routes"])
        return ""
    if module_name == "devtools.bench.nlu_eval":
        results = module.evaluate(Path("results/bench-nlu"))
    elif module_name == "devtools.bench.load_bench":
        # The scaled topology installs and starts PostgreSQL, Redis and nginx on loopback;
        # BENCH_SCALED=0 skips it (and the ratio) on a machine where that is not wanted.
        results = module.run(with_scaled=os.environ.get("BENCH_SCALED", "1") == "1",
                             with_baseline=True)
    else:
        results = module.run()
    formatter = getattr(module, "format_results", None)
    return formatter(results) if formatter else _plain(results)


def _plain(results: object, indent: str = "") -> str:
    if isinstance(results, dict):
        lines = []
        for key, value in results.items():
            if isinstance(value, dict):
                lines.append(f"{indent}{key}:")
                lines.append(_plain(value, indent + "  "))
            elif isinstance(value, float):
                lines.append(f"{indent}{key}: {value:.4g}")
            else:
                lines.append(f"{indent}{key}: {value}")
        return "\n".join(lines)
    return f"{indent}{results}"


def main() -> None:
    for title, module_name in BENCHES:
        print(f"\n=== {title} ===", flush=True)
        started = time.perf_counter()
        try:
            print(_run_one(module_name), flush=True)
        except ModuleNotFoundError as error:
            print(f"(not available in this build: {error.name})")
        print(f"[{time.perf_counter() - started:.0f} s]", flush=True)


if __name__ == "__main__":
    main()
