"""`/healthz`, `/readyz` and `/metrics` on the Rasa server, as a channel (credentials.yml).

A Rasa input channel is the supported way to add routes to `rasa run`: Rasa mounts each
channel's Sanic blueprint under `/webhooks/` + the channel's `url_prefix()`; this one's prefix
is "/", so its routes sit at the server's root. It takes no messages. Constructing it also
- registers the per-turn metrics with the tracker store (bot/ops/counters.py), and
- applies the log format (LOG_FORMAT, bot/ops/logs.py) now and again as the server starts,
  after Sanic and Rasa have set up their own loggers.

- `GET /healthz`: liveness, always 200 while the event loop answers;
- `GET /readyz`: 200 when the app database, the tracker database and the action server
  answer and the model is loaded, else 503 naming the failing checks (bot/ops/checks.py);
  with the SMS outbox backlog and inbox queue as numbers;
- `GET /metrics`: Prometheus text format, behind METRICS_TOKEN (bot/ops/metrics.py).
Checks and database gauges run in threads, never on the event loop, each with a timeout.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.ops import metrics
from bot.ops.checks import liveness, readiness
from bot.ops.counters import observe_saved_turn
from bot.ops.logs import configure_logging
from bot.privacy.tracker_store import add_save_observer
from bot.rasa_patches.nlu_worker import state as nlu_worker_state
from bot.threads import run_sync

CHANNEL_NAME = "health"
PROCESS = "rasa"


class ModelNotLoaded(RuntimeError):
    pass


def model_check(app: Any) -> Callable[[], None]:
    def check() -> None:
        agent = getattr(app.ctx, "agent", None)
        if agent is None or not agent.is_ready():
            raise ModelNotLoaded("no model loaded")

    return check


class HealthInput(InputChannel):
    """Operational routes of the Rasa server; never a conversation channel."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL_NAME

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        return cls()

    def __init__(self) -> None:
        add_save_observer(observe_saved_turn)
        configure_logging(PROCESS)
        self.sms_gauges = metrics.DatabaseCollector(metrics.sms_queue_metrics)

    def url_prefix(self) -> str:
        return "/"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        routes = Blueprint(f"{CHANNEL_NAME}_routes", __name__)

        @routes.get("/healthz")
        async def healthz(_: Request) -> HTTPResponse:
            return response.json(liveness())

        @routes.get("/readyz")
        async def readyz(request: Request) -> HTTPResponse:
            status, body = await run_sync(readiness, {"model": model_check(request.app)})
            body["nlu_worker"] = nlu_worker_state()  # informational: the server parses meanwhile
            return response.json(body, status=status)

        @routes.get("/metrics")
        async def prometheus(request: Request) -> HTTPResponse:
            refused = metrics.refusal(request.headers.get("Authorization"),
                                      request.args.get("token"))
            if refused:
                status, reason = refused
                headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
                return response.text(reason, status=status, headers=headers)
            body = await run_sync(metrics.exposition, self.sms_gauges)
            return response.raw(body, content_type=metrics.CONTENT_TYPE)

        @routes.listener("before_server_start")
        async def apply_log_format(_app: Any, _loop: Any) -> None:
            configure_logging(PROCESS)  # Sanic has set up its loggers by now

        return routes
