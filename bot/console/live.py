"""Live changes for open consoles: one watcher thread per database, any number of listeners.

Why this shape: the console runs under waitress, whose fixed thread pool serves every request,
and a server-sent-event stream holds one of those threads for as long as it is open. So:
- one background thread (not one per stream) looks for new and changed cases and case events
  once a second with two small indexed queries, and wakes the streams through a Condition;
- streams are bounded (`MAX_STREAMS`; past that the browser is told to poll instead), each
  lives at most `STREAM_SECONDS` and then ends so the browser reconnects (EventSource does so
  by itself), and a heartbeat comment every `HEARTBEAT_SECONDS` finds a closed tab;
- who is viewing a case is the set of open streams for that case (kept in memory: one console
  process, as `python -m bot.console` runs it).
Changes carry no personal data: reference, council, priority, status, assignee, event kind.
"""

from __future__ import annotations

import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from bot.db.engine import session_scope
from bot.db.models import Case, CaseEvent

POLL_SECONDS = 1.0
HEARTBEAT_SECONDS = 10.0
STREAM_SECONDS = 300.0
WAITRESS_THREADS = 32  # python -m bot.console serves with this many threads
MAX_STREAMS = 24  # so at least 8 threads are always left for pages, forms and feeds
RETRY_MS = 3000
OVERLAP = timedelta(seconds=5)  # a write committed late with an earlier updated_at is still seen
HISTORY = 500
CHANGED_LIMIT = 1000


@dataclass(frozen=True)
class Change:
    """One thing that happened to a case, as the browser receives it."""

    reference: str
    council: str | None
    priority: str
    status: str
    assigned_to: str | None
    new: bool = False  # a case that reached the queue since the watcher started
    event: str | None = None  # taken | reply | handed_back | ... for case events
    actor: str | None = None
    viewers: tuple[str, ...] | None = None  # for presence changes


class Watcher:
    """Polls one database for case changes and hands them to waiting streams."""

    def __init__(self, database_url: str, interval: float = POLL_SECONDS) -> None:
        self.database_url = database_url
        self.interval = interval
        self._condition = threading.Condition()
        self._version = 0
        self._history: deque[tuple[int, Change]] = deque(maxlen=HISTORY)
        self._known: dict[str, tuple[object, ...]] = {}
        self._mark: datetime | None = None
        self._last_event = 0
        self._viewers: dict[str, Counter[str]] = {}
        self._started = False
        self._start_lock = threading.Lock()
        self.streams = threading.BoundedSemaphore(MAX_STREAMS)

    # -- the polling thread ---------------------------------------------------------------

    def start(self) -> None:
        with self._start_lock:
            if self._started:
                return
            self._prime()
            thread = threading.Thread(target=self._run, name="console-live", daemon=True)
            thread.start()
            self._started = True

    def _prime(self) -> None:
        with session_scope(self.database_url) as session:
            self._mark = session.execute(select(func.max(Case.updated_at))).scalar()
            self._last_event = session.execute(select(func.max(CaseEvent.id))).scalar() or 0
            for row in session.execute(select(Case.reference, Case.submitted, Case.status,
                                              Case.priority, Case.assigned_to)):
                self._known[row[0]] = tuple(row[1:])

    def _run(self) -> None:
        while True:
            try:
                self.poll_once()
            except Exception:  # a locked or missing database must not end live updates
                pass
            time.sleep(self.interval)

    def poll_once(self) -> list[Change]:
        """Look for changes since the last poll; publish and return them."""
        changes: list[Change] = []
        with session_scope(self.database_url) as session:
            # Newest first, so a burst of updates (a purge) can never hide the newest case;
            # anything cut off still shows, as the page re-reads the whole queue on a change.
            query = select(Case).order_by(Case.updated_at.desc()).limit(CHANGED_LIMIT)
            if self._mark is not None:
                query = query.where(Case.updated_at > self._mark - OVERLAP)
            for case in reversed(session.execute(query).scalars().all()):
                self._mark = max(self._mark or case.updated_at, case.updated_at)
                state = (case.submitted, case.status, case.priority, case.assigned_to)
                before = self._known.get(case.reference)
                self._known[case.reference] = state
                if not case.submitted or before == state:
                    continue
                changes.append(Change(
                    case.reference, case.council_id, case.priority, case.status,
                    case.assigned_to, new=before is None or not before[0],
                ))
            events = session.execute(
                select(CaseEvent.id, CaseEvent.kind, CaseEvent.actor, Case)
                .join(Case, Case.id == CaseEvent.case_id)
                .where(CaseEvent.id > self._last_event).order_by(CaseEvent.id).limit(200)
            ).all()
            for event_id, kind, actor, case in events:
                self._last_event = max(self._last_event, event_id)
                if case.submitted:
                    changes.append(Change(case.reference, case.council_id, case.priority,
                                          case.status, case.assigned_to, event=kind,
                                          actor=actor))
        self._publish(changes)
        return changes

    def _publish(self, changes: list[Change]) -> None:
        if not changes:
            return
        with self._condition:
            for change in changes:
                self._version += 1
                self._history.append((self._version, change))
            self._condition.notify_all()

    # -- listeners ------------------------------------------------------------------------

    @property
    def version(self) -> int:
        with self._condition:
            return self._version

    def wait(self, since: int, timeout: float) -> tuple[list[Change], int]:
        """Changes after version `since` (waiting up to `timeout` for one); the new version."""
        with self._condition:
            if self._version == since:
                self._condition.wait(timeout)
            if self._history and self._history[0][0] > since + 1:
                since = self._history[0][0] - 1  # fell behind the history: skip, the client
                # refreshes the whole queue on any change anyway
            return [change for version, change in self._history if version > since], \
                self._version

    def viewers(self, reference: str) -> tuple[str, ...]:
        with self._condition:
            return tuple(sorted(self._viewers.get(reference, Counter())))

    def _presence(self, reference: str, council: str | None, username: str, delta: int) -> None:
        with self._condition:
            counter = self._viewers.setdefault(reference, Counter())
            counter[username] += delta
            if counter[username] <= 0:
                del counter[username]
            if not counter:
                self._viewers.pop(reference, None)
            viewers = tuple(sorted(counter))
            self._version += 1
            self._history.append((self._version, Change(
                reference, council, "", "", None, viewers=viewers)))
            self._condition.notify_all()

    def enter(self, reference: str, council: str | None, username: str) -> None:
        self._presence(reference, council, username, +1)

    def leave(self, reference: str, council: str | None, username: str) -> None:
        self._presence(reference, council, username, -1)


def sse(event: str, data: str) -> str:
    return f"event: {event}\ndata: {data}\n\n"


def stream(
    watcher: Watcher, allows: Callable[[str | None], bool], encode: Callable[[object], str],
    lifetime: float = STREAM_SECONDS, heartbeat: float = HEARTBEAT_SECONDS,
    first: list[Change] | None = None,
) -> Iterator[str]:
    """The text of one event stream: `first` (who is viewing, for a case page), then visible
    changes as they come, heartbeats between."""
    yield f"retry: {RETRY_MS}\n\n"
    version = watcher.version
    yield sse("hello", encode({"version": version}))
    if first:
        yield sse("cases", encode([asdict(change) for change in first]))
    started = time.monotonic()
    while time.monotonic() - started < lifetime:
        changes, version = watcher.wait(version, heartbeat)
        visible = [asdict(change) for change in changes if allows(change.council)]
        if visible:
            yield sse("cases", encode(visible))
        elif not changes:
            yield ": keep-alive\n\n"
    yield sse("bye", encode({"reconnect": True}))


_watchers: dict[str, Watcher] = {}
_watchers_lock = threading.Lock()


def watcher_for(database_url: str) -> Watcher:
    """The running watcher of a database (started on first use)."""
    with _watchers_lock:
        watcher = _watchers.get(database_url)
        if watcher is None:
            watcher = _watchers[database_url] = Watcher(database_url)
    watcher.start()
    return watcher
