"""`/healthz`, `/readyz` and `/metrics` on the action server (rasa-sdk on Sanic).

rasa-sdk answers only `/health`. Its supported extension point is the pluggy hook
`attach_sanic_app_extensions(app)`, called by `rasa_sdk.endpoint.run` once the app exists;
`install()` registers this module's plugin with rasa-sdk's plugin manager (no entry point or
`rasa_sdk_plugins` package needed), so rasa-sdk's own server, arguments and `/webhook` are
used unchanged. The plugin adds:

- `GET /healthz`: liveness, always 200 while the event loop answers;
- `GET /readyz`: 200 when the app database (DATABASE_URL, the actions' only dependency)
  answers within HEALTH_CHECK_TIMEOUT, else 503 naming the failing check (bot/ops/checks.py);
- `GET /metrics`: Prometheus text format behind METRICS_TOKEN, like the Rasa server and the
  console (bot/ops/metrics.py): the per-process counters below and the Python/process metrics;
- request and response middleware on `POST /webhook` that count each action call:
  - `triage_action_calls_total{action, outcome}`: outcome `ok` (200), `rejected` (400, a form
    validation rejection or a bad body), `not_found` (404, unknown action) or `error` (a 500:
    the action raised, rasa-sdk's exception handler answered);
  - `triage_action_duration_seconds{action}`: from the request arriving to the response;
  - `triage_action_errors_total{action}`: the `error` outcomes alone (alert on its rate).

Labels stay low-cardinality: an action name outside `ACTION_NAME` (or beyond
`MAX_ACTION_LABELS` distinct names) is "other". The action server listens on loopback only
(SANIC_HOST) and has no authentication, but /metrics still needs the token: one rule for
every process. Checks and the exposition run in threads, never on the event loop.
"""

from __future__ import annotations

import json
import logging
import re
import time
import zlib
from typing import Any

import pluggy
from prometheus_client import Counter, Histogram
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.config import get_settings
from bot.ops import metrics
from bot.ops.checks import app_database_check, liveness, run_checks
from bot.threads import run_sync

logger = logging.getLogger(__name__)
hookimpl = pluggy.HookimplMarker("rasa_sdk")

WEBHOOK_PATH = "/webhook"
OTHER = "other"
ACTION_NAME = re.compile(r"^[a-z][a-z0-9_]{0,79}$")
MAX_ACTION_LABELS = 200
OUTCOMES = {200: "ok", 400: "rejected", 404: "not_found"}

ACTION_CALLS = Counter("triage_action_calls",
                       "Action server calls by action and outcome (ok, rejected, not_found, "
                       "error).", ["action", "outcome"])
ACTION_SECONDS = Histogram(
    "triage_action_duration_seconds", "Action server call duration by action.", ["action"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
ACTION_ERRORS = Counter("triage_action_errors",
                        "Action calls that raised (HTTP 500 from the action server), by action.",
                        ["action"])
_seen_labels: set[str] = set()


def action_label(name: Any) -> str:
    """The metric label for an action name: the name itself when it looks like one, and while
    fewer than MAX_ACTION_LABELS distinct names have been seen; otherwise "other"."""
    if not isinstance(name, str) or not ACTION_NAME.match(name):
        return OTHER
    if name not in _seen_labels:
        if len(_seen_labels) >= MAX_ACTION_LABELS:
            return OTHER
        _seen_labels.add(name)
    return name


def action_name_of(request: Request) -> str:
    """`next_action` of an action call (plain or deflate-compressed JSON, as rasa-sdk reads it);
    "other" when the body is not one."""
    try:
        if request.headers.get("Content-Encoding") == "deflate":
            call = json.loads(zlib.decompress(request.body))
        else:
            call = request.json
    except Exception:  # noqa: BLE001 - a bad body is rasa-sdk's to answer; we only label it
        return OTHER
    return action_label(call.get("next_action") if isinstance(call, dict) else None)


def outcome_of(status: int) -> str:
    return OUTCOMES.get(status, "error" if status >= 500 else "rejected")


def observe(action: str, status: int, seconds: float) -> None:
    outcome = outcome_of(status)
    ACTION_CALLS.labels(action, outcome).inc()
    ACTION_SECONDS.labels(action).observe(seconds)
    if outcome == "error":
        ACTION_ERRORS.labels(action).inc()


def readiness() -> tuple[int, dict[str, Any]]:
    """(HTTP status, body) of the action server's /readyz: its database answers."""
    settings = get_settings()
    results = run_checks({"database": app_database_check(settings.database_url)},
                         settings.health_check_timeout)
    failing = [name for name, result in results.items() if not result.ok]
    body = {"status": "not ready" if failing else "ready", "failing": failing,
            "checks": {name: result.as_json() for name, result in results.items()}}
    return (503 if failing else 200), body


def attach(app: Sanic) -> None:
    """Add the routes and the webhook middleware to rasa-sdk's Sanic app."""

    @app.get("/healthz")
    async def healthz(_: Request) -> HTTPResponse:
        return response.json(liveness())

    @app.get("/readyz")
    async def readyz(_: Request) -> HTTPResponse:
        status, body = await run_sync(readiness)
        return response.json(body, status=status)

    @app.get("/metrics")
    async def prometheus(request: Request) -> HTTPResponse:
        refused = metrics.refusal(request.headers.get("Authorization"), request.args.get("token"))
        if refused:
            status, reason = refused
            headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
            return response.text(reason, status=status, headers=headers)
        body = await run_sync(metrics.exposition)
        return response.raw(body, content_type=metrics.CONTENT_TYPE)

    @app.middleware("request")
    async def start_timer(request: Request) -> None:
        if request.path == WEBHOOK_PATH and request.method == "POST":
            request.ctx.ops_action = action_name_of(request)
            request.ctx.ops_started = time.perf_counter()

    @app.middleware("response")
    async def count_call(request: Request, answer: HTTPResponse) -> None:
        started = getattr(request.ctx, "ops_started", None)
        if started is not None:
            observe(request.ctx.ops_action, answer.status, time.perf_counter() - started)


class ActionServerOps:
    """The rasa-sdk plugin (pluggy hook implementation)."""

    @hookimpl
    def attach_sanic_app_extensions(self, app: Sanic) -> None:
        attach(app)
        logger.debug("action server: /healthz, /readyz and /metrics (METRICS_TOKEN) added")


PLUGIN = ActionServerOps()


def install() -> None:
    """Register the plugin with rasa-sdk (idempotent); before `rasa_sdk.endpoint.run`."""
    from rasa_sdk.plugin import plugin_manager

    manager = plugin_manager()
    if not manager.is_registered(PLUGIN):
        manager.register(PLUGIN)
