"""The real action server (`python -m bot.action_server`, rasa-sdk on Sanic) answers /healthz,
/readyz (its database) and /metrics (behind METRICS_TOKEN) with per-action calls, latency and
errors; and starts quietly: one line of its own, not one per registered action."""

from __future__ import annotations

import json
import re
import secrets
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from bot.db.migrate import upgrade
from devtools.devstack import Servers, _server_env, free_port

pytestmark = pytest.mark.integration


def _action_server(tmp: Path, migrate: bool, **settings: str) -> Servers:
    port = free_port()
    env = _server_env(tmp, port, secrets.token_hex(8))
    env.pop("LOG_LEVEL", None)
    env.pop("LOG_FORMAT", None)
    env.update(settings)
    if migrate:
        upgrade(env["DATABASE_URL"])
    stack = Servers(rasa_url="", action_url=f"http://127.0.0.1:{port}", token="",
                    database_url=env["DATABASE_URL"], tracker_db_url=env["TRACKER_DB_URL"],
                    env=env, tmp=tmp, action_port=port)
    stack._launch("actions", [sys.executable, "-m", "bot.action_server", "--port", str(port),
                              "--actions", "actions"], f"{stack.action_url}/healthz")
    return stack


@pytest.fixture(scope="module")
def actions(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    stack = _action_server(tmp_path_factory.mktemp("actions"), migrate=True)
    try:
        yield stack
    finally:
        stack.close()


def _call(name: str) -> dict:
    tracker = {"sender_id": "ops-test", "slots": {}, "latest_message": {"text": "thanks",
               "intent": {"name": "thanks"}, "entities": []}, "events": [], "paused": False,
               "followup_action": None, "active_loop": {}, "latest_action_name": None}
    return {"next_action": name, "sender_id": "ops-test", "tracker": tracker,
            "domain": {"slots": {}, "responses": {}}, "version": "3.6.2"}


def _scrape(stack: Servers) -> str:
    token = stack.env["METRICS_TOKEN"]
    answer = requests.get(f"{stack.action_url}/metrics", timeout=10,
                          headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    return answer.text


def _value(text: str, series: str) -> float:
    match = re.search(rf"^{re.escape(series)} (\S+)$", text, re.M)
    return float(match.group(1)) if match else 0.0


def test_liveness_and_readiness(actions: Servers) -> None:
    assert requests.get(f"{actions.action_url}/healthz", timeout=10).json() == {"status": "ok"}
    ready = requests.get(f"{actions.action_url}/readyz", timeout=10)
    assert ready.status_code == 200, ready.text
    assert ready.json()["checks"]["database"]["ok"] is True
    assert requests.get(f"{actions.action_url}/health", timeout=10).status_code == 200  # rasa-sdk's


def test_metrics_need_the_token(actions: Servers) -> None:
    assert requests.get(f"{actions.action_url}/metrics", timeout=10).status_code == 401
    wrong = requests.get(f"{actions.action_url}/metrics", timeout=10,
                         headers={"Authorization": "Bearer not-the-token"})
    assert wrong.status_code == 401


def test_action_calls_are_counted_by_name_and_outcome(actions: Servers) -> None:
    before = _scrape(actions)
    webhook = f"{actions.action_url}/webhook"
    known = requests.post(webhook, json=_call("action_thanks"), timeout=30)
    unknown = requests.post(webhook, json=_call("action_no_such_thing"), timeout=30)
    assert unknown.status_code == 404
    after = _scrape(actions)
    outcome = {200: "ok", 500: "error"}[known.status_code]
    series = f'triage_action_calls_total{{action="action_thanks",outcome="{outcome}"}}'
    assert _value(after, series) == _value(before, series) + 1
    missing = 'triage_action_calls_total{action="action_no_such_thing",outcome="not_found"}'
    assert _value(after, missing) == _value(before, missing) + 1
    count = 'triage_action_duration_seconds_count{action="action_thanks"}'
    assert _value(after, count) == _value(before, count) + 1
    errors = 'triage_action_errors_total{action="action_thanks"}'
    assert _value(after, errors) == _value(before, errors) + (outcome == "error")


def test_an_action_that_raises_is_an_error(actions: Servers) -> None:
    before = _scrape(actions)
    broken = requests.post(f"{actions.action_url}/webhook", timeout=30,
                           json={"next_action": "action_thanks", "version": "3.6.2"})
    assert broken.status_code == 500  # no tracker: the action raises, rasa-sdk answers 500
    after = _scrape(actions)
    errors = 'triage_action_errors_total{action="action_thanks"}'
    assert _value(after, errors) == _value(before, errors) + 1


def test_start_up_is_one_line_not_one_per_action(actions: Servers) -> None:
    log = actions.logs["actions"].read_text()
    assert "action server on port" in log
    assert "Registered function" not in log
    assert "Starting action endpoint server" not in log


def test_not_ready_without_its_database_tables(tmp_path: Path) -> None:
    stack = _action_server(tmp_path, migrate=False)
    try:
        ready = requests.get(f"{stack.action_url}/readyz", timeout=10)
        assert ready.status_code == 503
        assert ready.json()["failing"] == ["database"]
        assert requests.get(f"{stack.action_url}/healthz", timeout=10).status_code == 200
    finally:
        stack.close()


def test_json_log_lines_on_request(tmp_path: Path) -> None:
    stack = _action_server(tmp_path, migrate=True, LOG_FORMAT="json")
    try:
        requests.post(f"{stack.action_url}/webhook", json=_call("action_thanks"), timeout=30)
    finally:
        stack.close()
    lines = [line for line in stack.logs["actions"].read_text().splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]  # raises on a line that is not JSON
    assert any(r["message"].startswith("action server on port") for r in records)
    assert {r["process"] for r in records} == {"actions"}
    assert not any("Registered function" in r["message"] for r in records)
