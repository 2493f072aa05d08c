"""Liveness and readiness: what /healthz and /readyz answer on the Rasa server and the console.

- Liveness (`/healthz`): the process answers HTTP. Nothing else is checked, so a database
  outage never gets a healthy process restarted; it costs nothing.
- Readiness (`/readyz`): 200 only when the app database (DATABASE_URL, with its tables), the
  tracker database (TRACKER_DB_URL) and the action server (its /health, next to
  ACTION_SERVER_URL) all answer, plus any check the server adds (the Rasa server: its model is
  loaded); otherwise 503 naming the failing checks. The body also carries the SMS queues as
  numbers (replies waiting in the outbox, texts waiting in the inbox), read by the same query
  that proves the app database works. A backlog never makes a server unready: it is the
  server that drains it.

Every check runs in a small thread pool of its own, in parallel, and is given up after
HEALTH_CHECK_TIMEOUT seconds (default 2): a hung database makes the answer "not ready"
within the timeout, never a request that hangs. The answer names checks and exception types
only, never a URL, a password or a message text.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from typing import Any

import requests
from sqlalchemy import func, select, text

from bot.config import Settings, get_settings
from bot.db.engine import get_engine
from bot.db.models import SmsInboxItem, SmsOutboxItem
from bot.privacy.retention import tracker_engine

# A check returns extra numbers for the answer (or None) and raises when it fails.
Check = Callable[[], Mapping[str, Any] | None]

POOL = ThreadPoolExecutor(max_workers=8, thread_name_prefix="ops-check")
OUTBOX_BACKLOG_STATES = ("pending", "sending")
INBOX_QUEUED_STATES = ("queued",)


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    ms: float
    error: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": self.ok, "ms": round(self.ms, 1)}
        if self.error:
            body["error"] = self.error
        return body


# --- the checks ---------------------------------------------------------------------------


def sms_queue_counts(database_url: str | None = None) -> dict[str, int]:
    """Replies waiting in the SMS outbox and texts waiting in the inbox, from the app DB."""
    with get_engine(database_url).connect() as connection:
        backlog = connection.execute(
            select(func.count()).select_from(SmsOutboxItem)
            .where(SmsOutboxItem.state.in_(OUTBOX_BACKLOG_STATES))
        ).scalar_one()
        queued = connection.execute(
            select(func.count()).select_from(SmsInboxItem)
            .where(SmsInboxItem.state.in_(INBOX_QUEUED_STATES))
        ).scalar_one()
    return {"sms_outbox_backlog": int(backlog), "sms_inbox_queued": int(queued)}


def app_database_check(database_url: str) -> Check:
    """The app database answers and has the SMS tables (migrated); returns the queue sizes."""
    return lambda: sms_queue_counts(database_url)


def tracker_database_check(tracker_db_url: str) -> Check:
    def check() -> None:
        with tracker_engine(tracker_db_url).connect() as connection:
            connection.execute(text("SELECT 1")).scalar_one()

    return check


def action_server_health_url(action_server_url: str) -> str:
    """http://host:5055/webhook -> http://host:5055/health (rasa-sdk's liveness route)."""
    base = action_server_url.rstrip("/")
    if base.endswith("/webhook"):
        base = base[: -len("/webhook")]
    return f"{base}/health"


def action_server_check(action_server_url: str, timeout: float) -> Check:
    url = action_server_health_url(action_server_url)

    def check() -> None:
        response = requests.get(url, timeout=timeout)
        if response.status_code != 200:
            raise RuntimeError(f"HTTP {response.status_code}")

    return check


def standard_checks(settings: Settings) -> dict[str, Check]:
    return {
        "database": app_database_check(settings.database_url),
        "tracker_database": tracker_database_check(settings.tracker_db_url),
        "action_server": action_server_check(settings.action_server_url,
                                             settings.health_check_timeout),
    }


# --- running them ---------------------------------------------------------------------------


def _describe(error: BaseException) -> str:
    """The exception's type, and its message only when it is one of ours (an HTTP status)."""
    if type(error) is RuntimeError:
        return str(error)[:80]
    return type(error).__name__


def _timed(check: Check) -> tuple[float, Mapping[str, Any] | None]:
    started = time.perf_counter()
    data = check()
    return (time.perf_counter() - started) * 1000, data


def run_checks(checks: Mapping[str, Check], timeout: float) -> dict[str, CheckResult]:
    """Run `checks` in parallel; each one not done within `timeout` seconds fails."""
    started = time.perf_counter()
    futures = {name: POOL.submit(_timed, check) for name, check in checks.items()}
    deadline = time.monotonic() + timeout
    results = {}
    for name, future in futures.items():
        try:
            ms, data = future.result(timeout=max(0.0, deadline - time.monotonic()))
            results[name] = CheckResult(name, True, ms, data=data or {})
        except FutureTimeout:
            future.cancel()
            results[name] = CheckResult(name, False, (time.perf_counter() - started) * 1000,
                                        f"no answer within {timeout:g} s")
        except Exception as error:  # noqa: BLE001 - a failing check is an answer, not a crash
            results[name] = CheckResult(name, False, (time.perf_counter() - started) * 1000,
                                        _describe(error))
    return results


def readiness(extra: Mapping[str, Check] | None = None,
              settings: Settings | None = None) -> tuple[int, dict[str, Any]]:
    """(HTTP status, JSON body) of /readyz: 200 when every check passed, else 503."""
    settings = settings or get_settings()
    results = run_checks({**standard_checks(settings), **(extra or {})},
                         settings.health_check_timeout)
    failing = [name for name, result in results.items() if not result.ok]
    database = results["database"]
    body: dict[str, Any] = {
        "status": "not ready" if failing else "ready",
        "failing": failing,
        "checks": {name: result.as_json() for name, result in results.items()},
        "sms_outbox_backlog": database.data.get("sms_outbox_backlog") if database.ok else None,
        "sms_inbox_queued": database.data.get("sms_inbox_queued") if database.ok else None,
    }
    return (503 if failing else 200), body


def liveness() -> dict[str, str]:
    """/healthz: the process is up (and its HTTP server answers). Deliberately checks nothing."""
    return {"status": "ok"}
