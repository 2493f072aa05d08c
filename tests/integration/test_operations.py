"""The real Rasa server and action server (trained model): /healthz, /readyz and /metrics
answer, a conversation shows in the metrics, and start-up printed no warning flood."""

from __future__ import annotations

import requests

from devtools.devstack import Servers


def test_health_and_readiness(servers: Servers) -> None:
    assert requests.get(f"{servers.rasa_url}/healthz", timeout=10).json() == {"status": "ok"}
    ready = requests.get(f"{servers.rasa_url}/readyz", timeout=10)
    assert ready.status_code == 200, ready.text
    body = ready.json()
    assert body["failing"] == [] and set(body["checks"]) == {
        "database", "tracker_database", "action_server", "model"}
    assert isinstance(body["sms_outbox_backlog"], int)
    assert isinstance(body["sms_inbox_queued"], int)


def test_a_conversation_shows_in_the_metrics(servers: Servers) -> None:
    token = servers.env["METRICS_TOKEN"]
    assert requests.get(f"{servers.rasa_url}/metrics", timeout=10).status_code == 401
    servers.say("ops-metrics-1", "is the tip open in Westminster?")
    response = requests.get(f"{servers.rasa_url}/metrics", timeout=10,
                            headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    text = response.text
    turns = [line for line in text.splitlines()
             if line.startswith('triage_turns_total{channel="rest"}')]
    assert turns and float(turns[0].split()[-1]) >= 1
    for name in ("triage_turn_duration_seconds_bucket", "triage_intents_total{intent=",
                 "triage_urgent_cases_total", "triage_sms_outbox_backlog",
                 "triage_metrics_database_up 1.0"):
        assert name in text, name
    assert "ops-metrics-1" not in text


def test_start_up_printed_no_warning_flood(servers: Servers) -> None:
    for name in ("rasa", "actions"):
        log = servers.logs[name].read_text(errors="replace")
        for noise in ("DeprecationWarning", "MovedIn20Warning", "tensorflow/core"):
            assert noise not in log, f"{name}: {noise}"
