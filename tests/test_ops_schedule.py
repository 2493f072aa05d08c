"""The retention purge on a schedule: runs when due, once per interval, never twice at once
(a lease in the app database, shared with `bot privacy purge`), and survives a failure."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.cli.main import main as bot_main
from bot.config import get_settings
from bot.db.engine import session_scope
from bot.db.models import AuditLog, ScheduledJob, utcnow
from bot.ops import schedule
from bot.ops.schedule import (
    PURGE_JOB,
    JobBusy,
    PurgeSchedule,
    acquire,
    guarded_purge,
    release,
    start_purge_schedule,
)
from bot.privacy.retention import PurgeReport

HOUR = timedelta(hours=1)


class SlowPurge:
    """A purge that waits for `go` (so a test can look while it runs) and counts its runs."""

    def __init__(self) -> None:
        self.inside = threading.Event()
        self.go = threading.Event()
        self.calls = 0
        self.running = 0
        self.most_at_once = 0
        self._lock = threading.Lock()

    def __call__(self, older_than: timedelta, **kwargs: Any) -> PurgeReport:
        with self._lock:
            self.calls += 1
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        self.inside.set()
        assert self.go.wait(10)
        with self._lock:
            self.running -= 1
        return PurgeReport(tracker_events=7)


def job(db_url: str) -> ScheduledJob:
    with session_scope(db_url) as session:
        return session.get(ScheduledJob, PURGE_JOB)


def test_the_lease_has_one_holder(db_url: str) -> None:
    assert acquire(PURGE_JOB, "a", lease=HOUR, database_url=db_url)
    assert not acquire(PURGE_JOB, "b", lease=HOUR, database_url=db_url)
    release(PURGE_JOB, "b", "not mine", database_url=db_url)  # only the holder can release
    assert job(db_url).lease_owner == "a"
    release(PURGE_JOB, "a", "done", database_url=db_url)
    assert acquire(PURGE_JOB, "b", lease=HOUR, database_url=db_url)


def test_an_expired_lease_is_taken_over(db_url: str) -> None:
    start = utcnow()
    assert acquire(PURGE_JOB, "died", lease=timedelta(minutes=5), database_url=db_url,
                   now=start)
    assert not acquire(PURGE_JOB, "b", lease=HOUR, database_url=db_url,
                       now=start + timedelta(minutes=4))
    assert acquire(PURGE_JOB, "b", lease=HOUR, database_url=db_url,
                   now=start + timedelta(minutes=6))


def test_the_schedule_runs_once_per_interval(db_url: str) -> None:
    purge = SlowPurge()
    purge.go.set()
    runner = PurgeSchedule(24, 90, database_url=db_url, purge_fn=purge)
    first = runner.run_if_due()
    assert first is not None and first.report.tracker_events == 7
    assert runner.run_if_due() is None  # not due again for 24 hours
    assert PurgeSchedule(24, 90, database_url=db_url, purge_fn=purge).run_if_due() is None
    assert purge.calls == 1 and runner.runs == 1
    row = job(db_url)
    assert row.lease_owner is None and row.last_finished_at is not None
    assert row.last_outcome.startswith("removed: 7 tracker events")
    with session_scope(db_url) as session:  # a day later it is due again
        session.get(ScheduledJob, PURGE_JOB).last_finished_at = utcnow() - timedelta(hours=25)
    assert runner.run_if_due() is not None and purge.calls == 2


def test_never_twice_at_once(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    purge = SlowPurge()
    first = PurgeSchedule(24, 90, database_url=db_url, purge_fn=purge)
    second = PurgeSchedule(24, 90, database_url=db_url, purge_fn=purge)
    running = threading.Thread(target=first.run_if_due)
    running.start()
    assert purge.inside.wait(10)
    try:
        assert second.run_if_due() is None  # the lease is held: skipped, not queued
        with pytest.raises(JobBusy):
            guarded_purge(timedelta(days=90), database_url=db_url, purge_fn=purge)
        assert bot_main(["privacy", "purge", "--older-than", "90d"]) == 1  # by hand: refused
        assert "running in another process" in capsys.readouterr().err
    finally:
        purge.go.set()
        running.join(10)
    assert purge.calls == 1 and purge.most_at_once == 1


def test_many_processes_racing_run_it_once(db_url: str) -> None:
    purge = SlowPurge()
    purge.go.set()
    runners = [PurgeSchedule(24, 90, database_url=db_url, purge_fn=purge) for _ in range(6)]
    barrier = threading.Barrier(len(runners))

    def race(runner: PurgeSchedule) -> None:
        barrier.wait()
        runner.run_if_due()

    threads = [threading.Thread(target=race, args=(r,)) for r in runners]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert purge.calls == 1 and sum(r.runs for r in runners) == 1


def test_a_failed_run_is_logged_and_tried_again(db_url: str,
                                                caplog: pytest.LogCaptureFixture) -> None:
    def broken(older_than: timedelta, **kwargs: Any) -> PurgeReport:
        raise RuntimeError("tracker database unreachable")

    runner = PurgeSchedule(24, 90, database_url=db_url, purge_fn=broken)
    with caplog.at_level("ERROR", logger="bot.ops.schedule"):
        assert runner.run_if_due() is None
    assert "scheduled retention purge failed: RuntimeError" in caplog.text
    row = job(db_url)
    assert row.lease_owner is None and row.last_finished_at is None
    assert row.last_outcome == "failed: RuntimeError"
    ok = SlowPurge()
    ok.go.set()
    runner.purge_fn = ok
    assert runner.run_if_due() is not None  # not "done for the day" after a failure


def test_the_background_thread_runs_the_real_purge(db_url: str,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    runner = PurgeSchedule(24, 90, database_url=db_url, poll_seconds=0.05)
    with caplog.at_level("INFO", logger="bot.ops.schedule"):
        runner.start()
        deadline = time.monotonic() + 20
        while runner.runs == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)  # a few more looks: still one run
        runner.stop()
    assert runner.runs == 1
    assert "scheduled retention purge (older than 90 days)" in caplog.text
    with session_scope(db_url) as session:
        audit = session.scalars(select(AuditLog).where(AuditLog.action == "privacy.purge")).all()
    assert [entry.actor for entry in audit] == ["retention-schedule"]


def test_settings_and_switching_the_schedule_off(db_url: str,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("RETENTION_PURGE_HOURS", "RETENTION_DAYS"):
        monkeypatch.delenv(name, raising=False)
    settings = get_settings()
    assert (settings.retention_purge_hours, settings.retention_days) == (24.0, 90)
    monkeypatch.setenv("RETENTION_PURGE_HOURS", "0")
    assert start_purge_schedule() is None
    monkeypatch.setenv("RETENTION_PURGE_HOURS", "12")
    monkeypatch.setenv("RETENTION_DAYS", "30")
    monkeypatch.setattr(schedule.PurgeSchedule, "start", lambda self: self)
    runner = start_purge_schedule()
    assert runner is not None
    assert runner.interval == timedelta(hours=12) and runner.older_than == timedelta(days=30)
    assert runner.poll_seconds == schedule.MAX_POLL_SECONDS
