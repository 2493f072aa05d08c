"""Prometheus metrics: `/metrics` on the Rasa server and the console, behind METRICS_TOKEN.

What each process exposes (besides prometheus-client's process and Python metrics):
- Rasa server: its counters (bot/ops/counters.py: turns, intents, urgent cases, spooled cases,
  SMS send failures), and the SMS queues read from the database at scrape time
  (`sms_queue_metrics`);
- console: cases by priority and status, open cases past their SLA deadline, cases resolved
  late and the oldest open case per priority, read from the database (`case_metrics`).
Gauges read from the database are shared by every process on it; counters are per process
(Prometheus sums them across instances).

Access: the numbers are operational, not personal (no label holds a conversation id, a phone
number or any text), but they say how many urgent cases a council has and both servers face
the public, so `/metrics` needs METRICS_TOKEN (`Authorization: Bearer <token>`, or
`?token=<token>` as Rasa's HTTP API takes it). Without a METRICS_TOKEN (and no
var/metrics_token, which `make run` generates) `/metrics` answers 403.

A database gauge is read in the ops thread pool and given up after HEALTH_CHECK_TIMEOUT: the
scrape still answers, with `triage_metrics_database_up` 0 and without those gauges.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import TimeoutError as FutureTimeout
from datetime import datetime

from prometheus_client import REGISTRY, CollectorRegistry, disable_created_metrics, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from sqlalchemy import func, select

from bot.config import Settings, get_settings
from bot.db.engine import get_engine
from bot.db.models import CASE_PRIORITIES, CASE_STATUSES, Case, SmsInboxItem, SmsOutboxItem, utcnow
from bot.ops.checks import POOL

logger = logging.getLogger(__name__)

disable_created_metrics()  # no `_created` series beside every counter
CONTENT_TYPE = CONTENT_TYPE_LATEST
OUTBOX_STATES = ("pending", "sending", "sent", "unconfirmed", "refused", "cancelled", "expired")
INBOX_STATES = ("queued", "running", "done", "interrupted")
# --- access -----------------------------------------------------------------------------------


def refusal(authorization: str | None, query_token: str | None,
            settings: Settings | None = None) -> tuple[int, str] | None:
    """None when the request may read /metrics, else (HTTP status, reason)."""
    token = (settings or get_settings()).metrics_token
    if not token:
        return 403, "metrics are off: set METRICS_TOKEN (make run generates var/metrics_token)"
    offered = query_token or ""
    scheme, _, credentials = (authorization or "").partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        offered = credentials.strip()
    if offered and hmac.compare_digest(offered.encode(), token.encode()):
        return None
    return 401, "a valid METRICS_TOKEN is required (Authorization: Bearer <token>)"


# --- gauges read from the database ------------------------------------------------------------


def _seconds_since(moment: datetime | None, now: datetime) -> float:
    return max(0.0, (now - moment).total_seconds()) if moment else 0.0


def sms_queue_metrics(database_url: str | None = None) -> list[Metric]:
    now = utcnow()
    with get_engine(database_url).connect() as connection:
        outbox = dict(connection.execute(
            select(SmsOutboxItem.state, func.count()).group_by(SmsOutboxItem.state)).all())
        oldest = connection.execute(
            select(func.min(SmsOutboxItem.created_at))
            .where(SmsOutboxItem.state.in_(("pending", "sending")))).scalar_one()
        inbox = dict(connection.execute(
            select(SmsInboxItem.state, func.count()).group_by(SmsInboxItem.state)).all())
    parts = GaugeMetricFamily(
        "triage_sms_outbox_parts",
        "SMS reply parts in the outbox by state (refused, expired, unconfirmed: failures).",
        labels=["state"])
    for state in sorted(set(OUTBOX_STATES) | set(outbox)):
        parts.add_metric([state], outbox.get(state, 0))
    texts = GaugeMetricFamily("triage_sms_inbox_texts",
                              "Inbound texts in the SMS inbox by state (queued: waiting).",
                              labels=["state"])
    for state in sorted(set(INBOX_STATES) | set(inbox)):
        texts.add_metric([state], inbox.get(state, 0))
    return [
        GaugeMetricFamily("triage_sms_outbox_backlog",
                          "SMS reply parts waiting to reach Twilio (pending or sending).",
                          value=outbox.get("pending", 0) + outbox.get("sending", 0)),
        GaugeMetricFamily("triage_sms_outbox_oldest_seconds",
                          "Age of the oldest SMS reply part still waiting (0: none).",
                          value=_seconds_since(oldest, now)),
        parts,
        GaugeMetricFamily("triage_sms_inbox_queued",
                          "Inbound texts accepted whose turn has not started yet.",
                          value=inbox.get("queued", 0)),
        texts,
    ]


def case_metrics(database_url: str | None = None) -> list[Metric]:
    """Submitted cases (what staff see), by priority and status; SLA breaches."""
    now = utcnow()
    submitted = Case.submitted.is_(True)
    open_ = Case.status != "resolved"
    with get_engine(database_url).connect() as connection:
        counts = {(p, s): n for p, s, n in connection.execute(
            select(Case.priority, Case.status, func.count()).where(submitted)
            .group_by(Case.priority, Case.status))}
        breached = dict(connection.execute(
            select(Case.priority, func.count())
            .where(submitted, open_, Case.sla_due_at < now).group_by(Case.priority)).all())
        late = dict(connection.execute(
            select(Case.priority, func.count())
            .where(submitted, Case.status == "resolved", Case.resolved_at > Case.sla_due_at)
            .group_by(Case.priority)).all())
        oldest = dict(connection.execute(
            select(Case.priority, func.min(Case.created_at))
            .where(submitted, open_).group_by(Case.priority)).all())
    priorities = sorted(set(CASE_PRIORITIES) | {p for p, _ in counts})
    statuses = sorted(set(CASE_STATUSES) | {s for _, s in counts})
    cases = GaugeMetricFamily("triage_cases", "Submitted cases by priority and status.",
                              labels=["priority", "status"])
    for priority in priorities:
        for status in statuses:
            cases.add_metric([priority, status], counts.get((priority, status), 0))
    open_breached = GaugeMetricFamily(
        "triage_cases_sla_breached", "Open cases past their SLA deadline, by priority.",
        labels=["priority"])
    resolved_late = GaugeMetricFamily(
        "triage_cases_resolved_late", "Resolved cases resolved after their SLA deadline.",
        labels=["priority"])
    oldest_open = GaugeMetricFamily(
        "triage_oldest_open_case_seconds", "Age of the oldest open case, by priority (0: none).",
        labels=["priority"])
    for priority in priorities:
        open_breached.add_metric([priority], breached.get(priority, 0))
        resolved_late.add_metric([priority], late.get(priority, 0))
        oldest_open.add_metric([priority], _seconds_since(oldest.get(priority), now))
    return [cases, open_breached, resolved_late, oldest_open]


class DatabaseCollector:
    """Gauges from `read()` at scrape time, given up after `timeout` seconds (then only
    `triage_metrics_database_up` 0 is reported, and the reason is logged)."""

    def __init__(self, read: Callable[[], list[Metric]], timeout: float | None = None) -> None:
        self.read = read
        self.timeout = timeout

    def collect(self) -> Iterator[Metric]:
        timeout = self.timeout or get_settings().health_check_timeout
        future = POOL.submit(self.read)
        try:
            metrics = future.result(timeout=timeout)
            up = 1
        except FutureTimeout:
            future.cancel()
            logger.warning("metrics: the database did not answer within %g s", timeout)
            metrics, up = [], 0
        except Exception as error:  # noqa: BLE001 - a scrape reports the outage, never fails
            logger.warning("metrics: could not read the database (%s)", type(error).__name__)
            metrics, up = [], 0
        yield from metrics
        yield GaugeMetricFamily("triage_metrics_database_up",
                                "1 when this scrape could read the database's gauges.", value=up)


class _Together:
    def __init__(self, collectors: Iterable[object]) -> None:
        self.collectors = list(collectors)

    def collect(self) -> Iterator[Metric]:
        for collector in self.collectors:
            yield from collector.collect()  # type: ignore[attr-defined]


def exposition(*collectors: object) -> bytes:
    """The text exposition of this process's metrics (the default registry) and `collectors`.
    Blocking (database gauges): the Rasa server calls it off its event loop."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Together([REGISTRY, *collectors]))  # type: ignore[arg-type]
    return generate_latest(registry)
