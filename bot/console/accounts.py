"""Staff accounts: argon2 hashes, lockout after repeated failures, create / disable / list.

One module serves both the `bot staff` CLI and the console's staff page, so the password rules
and the lockout rule cannot drift between the two.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask_login import UserMixin
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db.models import STAFF_ROLES, StaffUser, utcnow

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256
USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash to verify against when the user is unknown, so timing does not reveal names."""
    return _hasher.hash("no-such-user-dummy-password")


@dataclass(frozen=True)
class StaffIdentity(UserMixin):
    """A detached, read-only copy of a staff row: what Flask-Login keeps per request."""

    id: int
    username: str
    display_name: str
    role: str
    active: bool
    locked_until: datetime | None = None

    @property
    def is_supervisor(self) -> bool:
        return self.role == "supervisor"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def label(self) -> str:
        return self.display_name or self.username

    def get_id(self) -> str:
        return str(self.id)


@dataclass(frozen=True)
class LoginOutcome:
    identity: StaffIdentity | None
    reason: str  # ok | unknown_user | disabled | locked | bad_password


def _identity(user: StaffUser) -> StaffIdentity:
    return StaffIdentity(
        id=user.id, username=user.username, display_name=user.display_name, role=user.role,
        active=user.active, locked_until=user.locked_until,
    )


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def normalise_username(username: str) -> str:
    return (username or "").strip().lower()


def validate_new_account(username: str, password: str, role: str) -> None:
    """Raise ValueError with a message fit for the person creating the account."""
    if not USERNAME_PATTERN.match(username):
        raise ValueError(
            "username must be 2-40 characters: lower-case letters, digits, '.', '_' or '-'"
        )
    if role not in STAFF_ROLES:
        raise ValueError(f"role must be one of {', '.join(STAFF_ROLES)}")
    validate_password(password, username)


def validate_password(password: str, username: str = "") -> None:
    # NCSC guidance: length over composition rules; refuse the obvious.
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"password must be at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValueError(f"password must be at most {MAX_PASSWORD_LENGTH} characters")
    if username and username in password.lower():
        raise ValueError("password must not contain the username")
    if len(set(password)) < 4:
        raise ValueError("password is too repetitive")


def _find(session: Session, username: str) -> StaffUser | None:
    return session.execute(
        select(StaffUser).where(func.lower(StaffUser.username) == normalise_username(username))
    ).scalar_one_or_none()


def create_staff(
    session: Session, username: str, password: str, role: str, display_name: str = ""
) -> StaffIdentity:
    username = normalise_username(username)
    validate_new_account(username, password, role)
    if _find(session, username) is not None:
        raise ValueError(f"a staff user called {username!r} already exists")
    user = StaffUser(
        username=username, display_name=display_name.strip(), role=role,
        password_hash=hash_password(password), active=True, failed_logins=0,
    )
    session.add(user)
    session.flush()
    return _identity(user)


def set_active(session: Session, username: str, active: bool) -> StaffIdentity:
    """Disable (or re-enable) an account; a disabled user's open sessions stop working."""
    user = _find(session, username)
    if user is None:
        raise ValueError(f"no staff user called {normalise_username(username)!r}")
    user.active = active
    if active:
        user.failed_logins = 0
        user.locked_until = None
    session.flush()
    return _identity(user)


def list_staff(session: Session) -> list[StaffIdentity]:
    rows = session.execute(select(StaffUser).order_by(StaffUser.username)).scalars()
    return [_identity(row) for row in rows]


def get_identity(session: Session, user_id: int) -> StaffIdentity | None:
    user = session.get(StaffUser, user_id)
    return _identity(user) if user is not None and user.active else None


def authenticate(
    session: Session, username: str, password: str, now: datetime | None = None
) -> LoginOutcome:
    """Check a password; count failures; lock for 15 minutes after 5 in a row.

    A locked account refuses even the right password until the lock expires, and the
    failures seen while locked do not extend it (so an attacker cannot keep a user out
    forever by guessing slowly; the per-IP window in `throttle` handles fast guessing).
    """
    now = now or utcnow()
    user = _find(session, username)
    if user is None or not user.active:
        _verify(_dummy_hash(), password)
        return LoginOutcome(None, "unknown_user" if user is None else "disabled")
    if user.locked_until is not None and user.locked_until > now:
        _verify(_dummy_hash(), password)
        return LoginOutcome(None, "locked")
    if not _verify(user.password_hash, password):
        user.failed_logins = (user.failed_logins or 0) + 1
        if user.failed_logins >= MAX_FAILED_LOGINS:
            user.locked_until = now + LOCKOUT
            user.failed_logins = 0
            session.flush()
            return LoginOutcome(None, "locked")
        session.flush()
        return LoginOutcome(None, "bad_password")
    user.failed_logins = 0
    user.locked_until = None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    session.flush()
    return LoginOutcome(_identity(user), "ok")


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
