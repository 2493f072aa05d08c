"""Per-client-address sliding window for failed logins, kept in memory.

The per-account lockout lives in the database (`accounts.authenticate`); this catches one
address trying many usernames. Flask-Limiter would do this but does not install beside Rasa's
pinned dependencies. In-memory means per process: with several console processes the limit
applies to each, which is still a bound. Behind a reverse proxy, every request comes from the
proxy's address unless the proxy's X-Forwarded-For is trusted (not done here).
"""

from __future__ import annotations

import threading
import time
from collections import deque


class SlidingWindow:
    """At most `limit` events per `window` seconds per key."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _trim(self, key: str, now: float) -> deque[float]:
        events = self._events.setdefault(key, deque())
        while events and events[0] <= now - self.window:
            events.popleft()
        return events

    def blocked(self, key: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        with self._lock:
            events = self._trim(key, now)
            if not events:
                self._events.pop(key, None)
                return False
            return len(events) >= self.limit

    def hit(self, key: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self._lock:
            self._trim(key, now).append(now)
            if len(self._events) > 10_000:  # bound memory under a spray of addresses
                oldest = min(self._events, key=lambda k: self._events[k][-1])
                self._events.pop(oldest, None)

    def retry_after(self, key: str, now: float | None = None) -> int:
        now = time.monotonic() if now is None else now
        with self._lock:
            events = self._trim(key, now)
            return int(events[0] + self.window - now) + 1 if events else 0

    def clear(self) -> None:
        with self._lock:
            self._events.clear()


# 20 failed logins per address per 15 minutes, across all usernames.
IP_FAILURES = SlidingWindow(limit=20, window=15 * 60)
