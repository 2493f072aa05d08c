"""Failed sign-ins, kept in memory: a backoff per account *and* address, and a window per address.

Why no account lock (#15.6): a lock after N failures in a row, counted per account, let anyone
anywhere keep any member of staff out by typing their username with wrong passwords. Here the
count is per (username, client address): after 5 failures that pair waits 30 s, then 60 s,
120 s... up to 15 minutes per further failure, while the same account signs in normally from
its own address. `IP_FAILURES` bounds one address trying many usernames. Both count wrong
second-factor codes too. A success clears the pair.

Flask-Limiter would do this but does not install beside Rasa's pinned dependencies.
In-memory means per process: with several console processes the limit applies to each, which
is still a bound. Behind a reverse proxy the client address is the proxy's unless
CONSOLE_TRUST_PROXY=1 lets the console read X-Forwarded-For.
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


class Backoff:
    """After `free` failures for a key, each further failure makes it wait twice as long
    (from `base` seconds up to `cap`); a key idle for `forget` seconds starts again."""

    def __init__(self, free: int = 5, base: float = 30.0, cap: float = 15 * 60,
                 forget: float = 60 * 60, max_keys: int = 10_000) -> None:
        self.free, self.base, self.cap, self.forget = free, base, cap, forget
        self.max_keys = max_keys
        self._state: dict[str, tuple[int, float]] = {}  # key -> (failures, last failure)
        self._lock = threading.Lock()

    def _current(self, key: str, now: float) -> tuple[int, float]:
        failures, last = self._state.get(key, (0, 0.0))
        if failures and now - last > max(self.forget, self._delay(failures)):
            self._state.pop(key, None)
            return 0, 0.0
        return failures, last

    def _delay(self, failures: int) -> float:
        if failures < self.free:
            return 0.0
        return min(self.cap, self.base * 2 ** (failures - self.free))

    def retry_after(self, key: str, now: float | None = None) -> int:
        """Seconds until `key` may try again (0: now)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            failures, last = self._current(key, now)
            wait = last + self._delay(failures) - now
            return int(wait) + 1 if failures >= self.free and wait > 0 else 0

    def hit(self, key: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self._lock:
            failures, _last = self._current(key, now)
            self._state[key] = (failures + 1, now)
            if len(self._state) > self.max_keys:  # bound memory under a spray of keys
                oldest = min(self._state, key=lambda k: self._state[k][1])
                self._state.pop(oldest, None)

    def succeed(self, key: str) -> None:
        with self._lock:
            self._state.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._state.clear()


def account_key(username: str, address: str) -> str:
    return f"{username}\x00{address}"


# 20 failed logins per address per 15 minutes, across all usernames.
IP_FAILURES = SlidingWindow(limit=20, window=15 * 60)
# Per username and address: 5 free failures, then 30 s, 60 s, ... up to 15 minutes each.
ACCOUNT_FAILURES = Backoff()
