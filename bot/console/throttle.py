"""Failed sign-ins, kept in the database: a backoff per account *and* address, and a window per
address, the same for every console process.

Why no account lock (#15.6): a lock after N failures in a row, counted per account, let anyone
anywhere keep any member of staff out by typing their username with wrong passwords. Here the
count is per (username, client address): after 5 failures that pair waits 30 s, then 60 s,
120 s... up to 15 minutes per further failure, while the same account signs in normally from
its own address. `IP_LIMIT` failures per `IP_WINDOW` bound one address trying many usernames.
Both count wrong second-factor codes too. A success clears the pair.

Why the database (migration 0012_guard): the counts used to live in each console process's
memory, so with N waitress processes (or a restart) an attacker got N times the tries. Every
failure is now one row of `console_sign_in_failures`, which every process reads. The row keeps
only HMACs, under the console's secret key, of the address and of username+address: a typed
username may be a password typed in the wrong box. Rows older than a day are pruned as new
failures arrive; the backoff is replayed from the newest rows of the pair.

Flask-Limiter would do this but does not install beside Rasa's pinned dependencies. Behind a
reverse proxy the client address is the proxy's unless CONSOLE_TRUST_PROXY=1 lets the console
read X-Forwarded-For.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.db.engine import session_scope
from bot.db.models import ConsoleSignInFailure, utcnow

IP_LIMIT = 20  # failed sign-ins per address per IP_WINDOW, across all usernames
IP_WINDOW = timedelta(minutes=15)
KEEP = timedelta(days=1)  # older failures are pruned; none of them can matter any more
REPLAY = 32  # newest failures of a pair replayed: past ~10 the delay is at its cap anyway


@dataclass(frozen=True)
class Backoff:
    """After `free` failures for a key, each further failure makes it wait twice as long
    (from `base` seconds up to `cap`); a key idle for `forget` seconds starts again."""

    free: int = 5
    base: float = 30.0
    cap: float = 15 * 60
    forget: float = 60 * 60

    def delay(self, failures: int) -> float:
        if failures < self.free:
            return 0.0
        return min(self.cap, self.base * 2 ** (failures - self.free))

    def _expired(self, failures: int, last: float, now: float) -> bool:
        return bool(failures) and now - last > max(self.forget, self.delay(failures))

    def retry_after(self, moments: Sequence[float], now: float) -> int:
        """Seconds until the key may try again (0: now), given its failures (in seconds, oldest
        first): replayed in order, with a long enough pause starting the count again."""
        failures, last = 0, 0.0
        for moment in moments:
            if self._expired(failures, last, moment):
                failures = 0
            failures, last = failures + 1, moment
        if self._expired(failures, last, now):
            return 0
        wait = last + self.delay(failures) - now
        return int(wait) + 1 if failures >= self.free and wait > 0 else 0


BACKOFF = Backoff()
_EPOCH = datetime(2000, 1, 1)


def _seconds(moment: datetime) -> float:
    return (moment - _EPOCH).total_seconds()


@dataclass(frozen=True)
class Refusal:
    scope: str  # "address": too many from this network; "account": this account from here
    retry_after: int


class SignInThrottle:
    """The shared counts, read and written through the caller's database session."""

    def __init__(self, secret: str, backoff: Backoff = BACKOFF) -> None:
        self._secret = secret.encode("utf-8")
        self.backoff = backoff

    def _key(self, *parts: str) -> str:
        text = "\x00".join(parts).encode("utf-8", "replace")
        return hmac.new(self._secret, text, hashlib.sha256).hexdigest()

    def keys(self, username: str, address: str) -> tuple[str, str]:
        """(address key, account-from-address key) as stored."""
        return self._key("address", address), self._key("account", username, address)

    def refusal(self, session: Session, username: str, address: str,
                now: datetime | None = None) -> Refusal | None:
        """Why this sign-in must wait, or None when it may go ahead."""
        now = now or utcnow()
        address_key, account_key = self.keys(username, address)
        recent = session.execute(
            select(func.count(), func.min(ConsoleSignInFailure.created_at)).where(
                ConsoleSignInFailure.address_key == address_key,
                ConsoleSignInFailure.created_at > now - IP_WINDOW)
        ).one()
        if recent[0] >= IP_LIMIT:
            return Refusal("address", int(_seconds(recent[1] + IP_WINDOW) - _seconds(now)) + 1)
        moments = session.execute(
            select(ConsoleSignInFailure.created_at)
            .where(ConsoleSignInFailure.account_key == account_key)
            .order_by(ConsoleSignInFailure.created_at.desc()).limit(REPLAY)
        ).scalars().all()
        wait = self.backoff.retry_after([_seconds(m) for m in reversed(moments)], _seconds(now))
        return Refusal("account", wait) if wait else None

    def failed(self, session: Session, username: str, address: str,
               now: datetime | None = None) -> None:
        now = now or utcnow()
        address_key, account_key = self.keys(username, address)
        session.add(ConsoleSignInFailure(address_key=address_key, account_key=account_key,
                                         created_at=now))
        session.execute(delete(ConsoleSignInFailure)
                        .where(ConsoleSignInFailure.created_at < now - KEEP))

    def succeeded(self, session: Session, username: str, address: str) -> None:
        _address_key, account_key = self.keys(username, address)
        session.execute(delete(ConsoleSignInFailure)
                        .where(ConsoleSignInFailure.account_key == account_key))


def forget_all(database_url: str | None = None) -> int:
    """Clear every recorded failure (tests; an operator after a false alarm)."""
    with session_scope(database_url) as session:
        return session.execute(delete(ConsoleSignInFailure)).rowcount or 0
