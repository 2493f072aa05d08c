"""REST latency, throughput, memory and start-up time of the real servers.

Starts the Rasa server and action server exactly as the integration tests do (temporary
SQLite databases, the trained model), times start to ready, then runs N concurrent simulated
residents, each holding a short realistic conversation, and reports p50/p95 per message,
messages per second and each process's resident memory.
"""

from __future__ import annotations

import statistics
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

CONVERSATION = (
    "hi",
    "can i still pay my council tax online? im in W10 6EL",
    "what about the bins",
    "is my personal data safe after the hack",
    "no thanks",
    "thanks bye",
)


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, from /proc."""
    total = 0
    for status in _process_tree(pid):
        for line in Path(status).read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


def _process_tree(pid: int) -> list[str]:
    paths = [f"/proc/{pid}/status"]
    children_file = Path(f"/proc/{pid}/task/{pid}/children")
    if children_file.exists():
        for child in children_file.read_text().split():
            paths.extend(_process_tree(int(child)))
    return [p for p in paths if Path(p).exists()]


def one_resident(rasa_url: str, rounds: int) -> tuple[list[float], int]:
    latencies: list[float] = []
    errors = 0
    for _ in range(rounds):
        sender = f"bench-{uuid.uuid4().hex[:10]}"
        for message in CONVERSATION:
            started = time.perf_counter()
            try:
                response = requests.post(
                    f"{rasa_url}/webhooks/rest/webhook",
                    json={"sender": sender, "message": message},
                    timeout=60,
                )
                if response.status_code != 200 or not response.json():
                    errors += 1
            except requests.RequestException:
                errors += 1
            latencies.append(time.perf_counter() - started)
    return latencies, errors


def load(rasa_url: str, residents: int, rounds: int) -> dict[str, float]:
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=residents) as pool:
        results = list(pool.map(lambda _: one_resident(rasa_url, rounds), range(residents)))
    elapsed = time.perf_counter() - started
    latencies = sorted(x for lat, _ in results for x in lat)
    errors = sum(e for _, e in results)
    return {
        "residents": residents,
        "messages": len(latencies),
        "errors": errors,
        "p50_ms": statistics.median(latencies) * 1000,
        "p95_ms": latencies[int(0.95 * (len(latencies) - 1))] * 1000,
        "throughput_msg_s": len(latencies) / elapsed,
    }


def run() -> dict:
    from devtools.devstack import start_stack

    t0 = time.perf_counter()
    stack = start_stack()
    try:
        ready_s = time.perf_counter() - t0
        one_resident(stack.rasa_url, 1)  # warm-up
        single = load(stack.rasa_url, 1, 3)
        twenty = load(stack.rasa_url, 20, 2)
        memory = {name: rss_mb(p.pid) for name, p in stack.processes.items()}
    finally:
        stack.close(remove_files=True)
    return {
        "start_to_ready_s": ready_s,
        "single": single,
        "concurrent_20": twenty,
        "rss_mb": memory,
    }


def format_results(results: dict) -> str:
    lines = [f"start to ready (Rasa + action server): {results['start_to_ready_s']:.1f} s"]
    for key in ("single", "concurrent_20"):
        r = results[key]
        lines.append(
            f"{r['residents']:>3} concurrent: {r['messages']} msgs, p50 {r['p50_ms']:.0f} ms, "
            f"p95 {r['p95_ms']:.0f} ms, {r['throughput_msg_s']:.1f} msg/s, errors {r['errors']}"
        )
    lines.append(
        "resident memory: " + ", ".join(f"{k} {v:.0f} MB" for k, v in results["rss_mb"].items())
    )
    return "\n".join(lines)


if __name__ == "__main__":
    print(format_results(run()))
