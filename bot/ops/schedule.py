"""The retention purge on a schedule: every RETENTION_PURGE_HOURS (default 24; 0 turns the
schedule off), keeping RETENTION_DAYS (default 90; shorter per-council periods still win),
in a background thread of the console process, and never twice at once.

Why a lease in the database: several processes may run the schedule (two consoles behind a
load balancer, a `bot privacy purge` typed by hand while the schedule runs). Whoever runs the
purge first takes the `scheduled_jobs` row for "retention_purge" with one guarded UPDATE:
only when nobody holds it (or the holder's lease has expired, e.g. it died) and, for the
schedule, only when the last run finished at least an interval ago. Everybody else skips.
SQLite and PostgreSQL both make that UPDATE atomic, so exactly one process wins. The lease
lasts LEASE_HOURS, longer than any purge; a process that dies mid-purge delays the next run
by that much at most.

Each run is logged (start, what it removed, how long it took) and audited by the purge
itself; a failure is logged and retried at the next interval.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError

from bot.config import get_settings
from bot.db.engine import session_scope
from bot.db.models import ScheduledJob, utcnow
from bot.privacy.retention import PurgeReport, purge

logger = logging.getLogger(__name__)

PURGE_JOB = "retention_purge"
LEASE_HOURS = 6.0
# How often the schedule looks whether the purge is due: often enough that a run is never
# much late, rarely enough to cost nothing (one indexed UPDATE that matches nothing).
MAX_POLL_SECONDS = 600.0


def new_owner() -> str:
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class JobBusy(RuntimeError):
    """Another process holds the job's lease (or it is not due yet)."""


# --- the lease ----------------------------------------------------------------------------------


def _ensure_row(name: str, database_url: str | None) -> None:
    try:
        with session_scope(database_url) as session:
            if session.get(ScheduledJob, name) is None:
                session.add(ScheduledJob(name=name))
    except IntegrityError:
        pass  # another process created it first


def acquire(name: str, owner: str, *, lease: timedelta, due_after: timedelta | None = None,
            database_url: str | None = None, now: datetime | None = None) -> bool:
    """Take the job's lease if it is free (or expired) and, with `due_after`, if the last run
    finished at least that long ago. True when this owner now holds it."""
    _ensure_row(name, database_url)
    now = now or utcnow()
    conditions = [ScheduledJob.name == name,
                  or_(ScheduledJob.lease_until.is_(None), ScheduledJob.lease_until < now)]
    if due_after is not None:
        conditions.append(or_(ScheduledJob.last_finished_at.is_(None),
                              ScheduledJob.last_finished_at <= now - due_after))
    with session_scope(database_url) as session:
        taken = session.execute(
            update(ScheduledJob).where(*conditions)
            .values(lease_owner=owner, lease_until=now + lease, last_started_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
    return taken == 1


def release(name: str, owner: str, outcome: str, *, database_url: str | None = None,
            finished: bool = True) -> None:
    """Give the lease back; `finished` records the run as the last one (so the next is due an
    interval later). A failed run is not recorded as finished: it is tried again sooner."""
    values: dict[str, object] = {"lease_owner": None, "lease_until": None,
                                 "last_outcome": outcome[:300]}
    if finished:
        values["last_finished_at"] = utcnow()
    with session_scope(database_url) as session:
        session.execute(
            update(ScheduledJob)
            .where(ScheduledJob.name == name, ScheduledJob.lease_owner == owner)
            .values(**values).execution_options(synchronize_session=False)
        )


# --- the purge, guarded -------------------------------------------------------------------------


@dataclass
class PurgeRun:
    report: PurgeReport
    seconds: float


def guarded_purge(older_than: timedelta, *, owner: str | None = None,
                  due_after: timedelta | None = None, actor: str = "retention-schedule",
                  database_url: str | None = None,
                  purge_fn: Callable[..., PurgeReport] = purge) -> PurgeRun:
    """Run the purge holding the lease; raises JobBusy when another process holds it (or,
    with `due_after`, when the last run is too recent)."""
    owner = owner or new_owner()
    lease = timedelta(hours=LEASE_HOURS)
    if not acquire(PURGE_JOB, owner, lease=lease, due_after=due_after,
                   database_url=database_url):
        raise JobBusy("the retention purge is running elsewhere, or not due yet")
    started = time.monotonic()
    try:
        report = purge_fn(older_than, app_url=database_url, actor=actor)
    except BaseException as error:
        release(PURGE_JOB, owner, f"failed: {type(error).__name__}", database_url=database_url,
                finished=False)
        raise
    release(PURGE_JOB, owner, report.summary(), database_url=database_url)
    return PurgeRun(report, time.monotonic() - started)


class PurgeSchedule:
    """A daemon thread that runs the guarded purge whenever it is due (see the module)."""

    def __init__(self, interval_hours: float, retention_days: int, *,
                 database_url: str | None = None, poll_seconds: float | None = None,
                 purge_fn: Callable[..., PurgeReport] = purge) -> None:
        self.interval = timedelta(hours=interval_hours)
        self.older_than = timedelta(days=retention_days)
        self.database_url = database_url
        self.poll_seconds = poll_seconds or min(MAX_POLL_SECONDS,
                                                max(1.0, self.interval.total_seconds() / 4))
        self.purge_fn = purge_fn
        self.owner = new_owner()
        self.runs = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_if_due(self) -> PurgeRun | None:
        """One look: run the purge if it is due and nobody else runs it; never raises."""
        try:
            run = guarded_purge(self.older_than, owner=self.owner, due_after=self.interval,
                                database_url=self.database_url, purge_fn=self.purge_fn)
        except JobBusy:
            return None
        except Exception as error:  # noqa: BLE001 - the schedule outlives any one failure
            logger.error("scheduled retention purge failed: %s: %s", type(error).__name__,
                         str(error)[:300])
            return None
        self.runs += 1
        logger.info("scheduled retention purge (older than %d days) in %.1f s: %s",
                    self.older_than.days, run.seconds, run.report.summary())
        return run

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.run_if_due()
            self._stop.wait(self.poll_seconds)

    def start(self) -> PurgeSchedule:
        if self._thread is None or not self._thread.is_alive():
            self._stop.clear()
            self._thread = threading.Thread(target=self._loop, name="retention-purge",
                                            daemon=True)
            self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)


def start_purge_schedule() -> PurgeSchedule | None:
    """The schedule from RETENTION_PURGE_HOURS and RETENTION_DAYS, started; None when off."""
    settings = get_settings()
    if settings.retention_purge_hours <= 0:
        logger.info("retention purge schedule off (RETENTION_PURGE_HOURS=0); "
                    "run `bot privacy purge --older-than %dd` yourself", settings.retention_days)
        return None
    schedule = PurgeSchedule(settings.retention_purge_hours, settings.retention_days,
                             database_url=settings.database_url)
    logger.info("retention purge every %g h, keeping %d days (RETENTION_PURGE_HOURS, "
                "RETENTION_DAYS)", settings.retention_purge_hours, settings.retention_days)
    return schedule.start()
