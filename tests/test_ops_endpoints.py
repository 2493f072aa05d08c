"""/healthz, /readyz and /metrics of the Rasa server (the health channel on a real Sanic server,
registered as `rasa run` registers channels) and of the console (Flask test client), against
a real migrated database, a real SQLite tracker store and a stand-in action server on a
loopback port. A turn goes through Rasa's own REST channel to a stand-in agent that stores
the conversation through the project's tracker store, as Rasa's processor does."""

from __future__ import annotations

import asyncio
import http.server
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from prometheus_client import REGISTRY
from rasa.core.channels.channel import UserMessage, register
from rasa.core.channels.rest import RestInput
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from sanic import Sanic

from bot.channels.health import HealthInput
from bot.config import PROJECT_ROOT
from bot.db.engine import session_scope
from bot.db.models import SmsInboxItem, SmsOutboxItem, utcnow
from bot.privacy.tracker_store import RedactingSQLTrackerStore
from bot.services.cases import ensure_case

METRICS_TOKEN = "metrics-test-token-0123456789"
DOMAIN = Domain.load(str(PROJECT_ROOT / "domain.yml"))


# --- a stand-in action server -------------------------------------------------------------------


class ActionServer:
    """GET /health answers 200, after `delay` seconds; `stop()` makes it unreachable."""

    def __init__(self) -> None:
        outer = self
        self.delay = 0.0

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                time.sleep(outer.delay)
                self.send_response(200 if self.path == "/health" else 404)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"status": "ok"}')

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/webhook"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# --- the Rasa server's routes on a real Sanic server ----------------------------------------------


class StandInAgent:
    """Plays `agent.handle_message` for a REST message: reads the conversation from the
    tracker store, adds the turn's events, saves it (as Rasa's processor does)."""

    def __init__(self, store: RedactingSQLTrackerStore) -> None:
        self.store = store
        self.ready = True

    def is_ready(self) -> bool:
        return self.ready

    async def handle_message(self, message: UserMessage) -> None:
        tracker = await self.store.get_or_create_tracker(message.sender_id)
        urgent = "no heating" in (message.text or "")
        intent = {"name": "urgent_help" if urgent else message.text.strip("/"),
                  "confidence": 0.99}
        tracker.update(UserUttered(message.text, intent=intent, input_channel="rest",
                                   parse_data={"text": message.text, "intent": intent,
                                               "entities": []}))
        tracker.update(ActionExecuted("action_urgent_help" if urgent else "action_fallback"))
        if urgent:
            tracker.update(SlotSet("case_ref", "WM-7KQ2-M9XD"))
            tracker.update(SlotSet("case_priority", "urgent"))
        tracker.update(BotUttered("Call 999 if anyone is in danger."))
        tracker.update(ActionExecuted("action_listen"))
        await self.store.save(tracker)
        await message.output_channel.send_text_message(message.sender_id, "ok")


class RasaRoutes:
    def __init__(self, store: RedactingSQLTrackerStore) -> None:
        self.agent = StandInAgent(store)
        self.app = Sanic(f"ops_test_{uuid.uuid4().hex[:8]}")
        self.app.ctx.agent = self.agent
        register([RestInput(), HealthInput()], self.app, route="/webhooks/")
        self.loop = asyncio.new_event_loop()
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        self._ready = threading.Event()
        self._server: Any = None
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_until_complete(self._start())
        self._ready.set()
        self.loop.run_forever()
        self.loop.run_until_complete(self.loop.shutdown_default_executor())
        self.loop.close()

    async def _start(self) -> None:
        self._server = await self.app.create_server(
            sock=self._sock, return_asyncio_server=True, access_log=False)
        await self._server.startup()
        await self._server.before_start()
        await self._server.after_start()

    async def _stop(self) -> None:
        await self._server.before_stop()
        self._server.close()
        await self._server.wait_closed()
        self.loop.call_soon(self.loop.stop)

    def start(self) -> RasaRoutes:
        self._thread.start()
        assert self._ready.wait(15), "sanic did not start"
        return self

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self.loop).result(30)
        self._thread.join(10)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return requests.get(self.url + path, timeout=15, **kwargs)

    def say(self, sender: str, text: str) -> None:
        response = requests.post(f"{self.url}/webhooks/rest/webhook",
                                 json={"sender": sender, "message": text}, timeout=15)
        assert response.status_code == 200, response.text


@pytest.fixture()
def action_server() -> Iterator[ActionServer]:
    server = ActionServer()
    yield server
    server.stop()


@pytest.fixture()
def ops_env(db_url: str, tmp_path: Path, action_server: ActionServer,
            monkeypatch: pytest.MonkeyPatch) -> str:
    """Every dependency up; returns the tracker database URL."""
    tracker_url = f"sqlite:///{tmp_path / 'tracker.db'}"
    monkeypatch.setenv("TRACKER_DB_URL", tracker_url)
    monkeypatch.setenv("ACTION_SERVER_URL", action_server.url)
    monkeypatch.setenv("METRICS_TOKEN", METRICS_TOKEN)
    monkeypatch.setenv("HEALTH_CHECK_TIMEOUT", "1")
    return tracker_url


@pytest.fixture()
def rasa(ops_env: str) -> Iterator[RasaRoutes]:
    store = RedactingSQLTrackerStore(domain=DOMAIN, url=ops_env)
    routes = RasaRoutes(store).start()
    yield routes
    routes.stop()


def bearer(token: str = METRICS_TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# --- liveness and readiness ---------------------------------------------------------------------


def test_rasa_healthz_is_cheap_liveness(rasa: RasaRoutes, action_server: ActionServer) -> None:
    action_server.stop()  # liveness does not care
    response = rasa.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_rasa_readyz_with_everything_up(rasa: RasaRoutes, db_url: str) -> None:
    response = rasa.get("/readyz")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "ready" and body["failing"] == []
    assert set(body["checks"]) == {"database", "tracker_database", "action_server", "model"}
    assert all(check["ok"] for check in body["checks"].values())
    assert (body["sms_outbox_backlog"], body["sms_inbox_queued"]) == (0, 0)

    with session_scope(db_url) as session:
        session.add_all([
            SmsOutboxItem(conversation_id="sms-a", batch="b1", body="part 1"),
            SmsOutboxItem(conversation_id="sms-a", batch="b1", body="part 2"),
            SmsOutboxItem(conversation_id="sms-b", batch="b2", body="", state="sent"),
            SmsInboxItem(message_sid="SM1", conversation_id="sms-a", phone="+447700900123",
                         body="hello", owner="elsewhere"),
        ])
    body = rasa.get("/readyz").json()
    assert (body["sms_outbox_backlog"], body["sms_inbox_queued"]) == (2, 1)


def test_rasa_readyz_names_the_failing_checks(rasa: RasaRoutes,
                                              action_server: ActionServer) -> None:
    action_server.stop()
    rasa.agent.ready = False
    response = rasa.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not ready"
    assert body["failing"] == ["action_server", "model"]
    assert body["checks"]["action_server"]["error"] == "ConnectionError"
    assert body["checks"]["database"]["ok"] and body["checks"]["tracker_database"]["ok"]
    assert "127.0.0.1" not in response.text  # names checks, never URLs


def test_an_unmigrated_database_is_not_ready(rasa: RasaRoutes, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    response = rasa.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["database"]
    assert body["checks"]["database"]["error"] == "OperationalError"
    assert body["sms_outbox_backlog"] is None and body["sms_inbox_queued"] is None


def test_a_hung_check_times_out_off_the_event_loop(rasa: RasaRoutes,
                                                   action_server: ActionServer) -> None:
    action_server.delay = 4.0  # HEALTH_CHECK_TIMEOUT is 1 s
    answers: dict[str, Any] = {}

    def ask_ready() -> None:
        started = time.monotonic()
        answers["ready"] = rasa.get("/readyz")
        answers["seconds"] = time.monotonic() - started

    asker = threading.Thread(target=ask_ready)
    asker.start()
    time.sleep(0.3)  # /readyz is now waiting on the action server
    started = time.monotonic()
    assert rasa.get("/healthz").status_code == 200
    assert time.monotonic() - started < 0.5, "the event loop was blocked by a readiness check"
    asker.join(10)
    assert answers["ready"].status_code == 503
    assert answers["ready"].json()["failing"] == ["action_server"]
    assert answers["seconds"] < 3.0


# --- metrics --------------------------------------------------------------------------------------


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_metrics_need_the_token(rasa: RasaRoutes, monkeypatch: pytest.MonkeyPatch,
                                tmp_path: Path) -> None:
    assert rasa.get("/metrics").status_code == 401
    wrong = rasa.get("/metrics", headers=bearer("not-the-token"))
    assert wrong.status_code == 401 and wrong.headers["WWW-Authenticate"] == "Bearer"
    assert rasa.get("/metrics", headers=bearer()).status_code == 200
    assert rasa.get(f"/metrics?token={METRICS_TOKEN}").status_code == 200
    import bot.config as config

    monkeypatch.delenv("METRICS_TOKEN")
    monkeypatch.setattr(config, "VAR_DIR", tmp_path / "no-var")  # no var/metrics_token either
    off = rasa.get("/metrics", headers=bearer())
    assert off.status_code == 403 and "METRICS_TOKEN" in off.text


def test_a_turn_shows_in_the_metrics(rasa: RasaRoutes) -> None:
    before = {
        "turns": sample("triage_turns_total", channel="rest"),
        "urgent_intent": sample("triage_intents_total", intent="urgent_help"),
        "urgent_cases": sample("triage_urgent_cases_total", channel="rest"),
        "durations": sample("triage_turn_duration_seconds_count", channel="rest"),
        "other_intents": sample("triage_intents_total", intent="other"),
    }
    sender = f"resident-{uuid.uuid4().hex}"
    rasa.say(sender, "my dad is 90 and has no heating")
    rasa.say(sender, "/greet")  # same urgent case: not counted again
    rasa.say(f"resident-{uuid.uuid4().hex}", "/made_up_intent_name")

    response = rasa.get("/metrics", headers=bearer())
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    for name in ("triage_turns_total", "triage_turn_duration_seconds_bucket",
                 "triage_intents_total", "triage_urgent_cases_total",
                 "triage_cases_spooled_total", "triage_sms_send_failures_total",
                 "triage_sms_outbox_backlog", "triage_sms_outbox_parts",
                 "triage_sms_inbox_queued", "triage_metrics_database_up 1.0",
                 "process_cpu_seconds_total"):
        assert name in text, name
    assert "_created" not in text
    assert sample("triage_turns_total", channel="rest") == before["turns"] + 3
    assert sample("triage_turn_duration_seconds_count", channel="rest") == before["durations"] + 3
    assert sample("triage_intents_total", intent="urgent_help") == before["urgent_intent"] + 1
    assert sample("triage_urgent_cases_total", channel="rest") == before["urgent_cases"] + 1
    # a typed "/anything" becomes an intent: outside the domain it is "other", never a label
    assert sample("triage_intents_total", intent="other") == before["other_intents"] + 1
    assert "made_up_intent_name" not in text
    assert "resident-" not in text and "heating" not in text  # no sender ids, no text


def test_metrics_answer_when_the_database_does_not(rasa: RasaRoutes, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.channels import health

    channel = next(c for c in rasa.app.ctx.input_channels if isinstance(c, health.HealthInput))
    broken = f"sqlite:///{tmp_path / 'empty.db'}"
    monkeypatch.setattr(channel.sms_gauges, "read",
                        lambda: health.metrics.sms_queue_metrics(broken))
    response = rasa.get("/metrics", headers=bearer())
    assert response.status_code == 200
    assert "triage_metrics_database_up 0.0" in response.text
    assert "triage_turns_total" in response.text


# --- the console ----------------------------------------------------------------------------------


@pytest.fixture()
def console(ops_env: str, db_url: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    from bot.console.app import create_app

    monkeypatch.setenv("CONSOLE_SECRET_KEY", "test-secret-key-not-for-production")
    app = create_app({"TESTING": True, "DATABASE_URL": db_url})
    return app.test_client()


def add_case(db_url: str, conversation_id: str, priority: str, breached: bool = False) -> None:
    with session_scope(db_url) as session:
        case = ensure_case(session, conversation_id, "socketio", "human_request", priority,
                           council_id="westminster", issue="help", submit=True)
        if breached:
            case.sla_due_at = utcnow() - timedelta(minutes=30)


def test_console_health_and_readiness(console: Any, action_server: ActionServer) -> None:
    assert console.get("/healthz").get_json() == {"status": "ok"}
    ready = console.get("/readyz")
    assert ready.status_code == 200, ready.get_json()
    assert ready.get_json()["status"] == "ready"
    assert set(ready.get_json()["checks"]) == {"database", "tracker_database", "action_server"}
    action_server.stop()
    down = console.get("/readyz")
    assert down.status_code == 503
    assert down.get_json()["failing"] == ["action_server"]
    assert down.get_json()["sms_outbox_backlog"] == 0


def test_console_metrics_count_cases_and_sla_breaches(console: Any, db_url: str) -> None:
    add_case(db_url, "web-1", "urgent", breached=True)
    add_case(db_url, "web-2", "standard")
    assert console.get("/metrics").status_code == 401
    response = console.get("/metrics", headers=bearer())
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert 'triage_cases{priority="urgent",status="new"} 1.0' in text
    assert 'triage_cases{priority="standard",status="new"} 1.0' in text
    assert 'triage_cases_sla_breached{priority="urgent"} 1.0' in text
    assert 'triage_cases_sla_breached{priority="standard"} 0.0' in text
    for name in ("triage_cases_resolved_late", "triage_oldest_open_case_seconds",
                 "triage_metrics_database_up 1.0"):
        assert name in text
    assert "web-1" not in text


# --- settings -------------------------------------------------------------------------------------


def test_operations_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import bot.config as config
    from bot.config import get_settings

    for name in ("LOG_FORMAT", "METRICS_TOKEN", "HEALTH_CHECK_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(config, "VAR_DIR", tmp_path)
    settings = get_settings()
    assert (settings.log_format, settings.metrics_token, settings.health_check_timeout) == (
        "plain", "", 2.0)
    (tmp_path / "metrics_token").write_text("generated-by-make-run\n")
    monkeypatch.setenv("LOG_FORMAT", " JSON ")
    monkeypatch.setenv("HEALTH_CHECK_TIMEOUT", "0")
    settings = get_settings()
    assert settings.log_format == "json" and settings.health_check_timeout == 0.1
    assert settings.metrics_token == "generated-by-make-run"
    monkeypatch.setenv("METRICS_TOKEN", "configured")
    assert get_settings().metrics_token == "configured"
