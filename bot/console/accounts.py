"""Staff accounts: argon2 hashes, session epochs, password change, create / disable / list.

One module serves both the `bot staff` CLI and the console's staff page, so the password rules
cannot drift between the two. Repeated failures are throttled per account and client address
(`throttle.py`), never by locking the account, which anyone could trigger (#15.6).

Server-side session end: a signed-in session carries the account's `session_epoch` in its
id ("12:3"). Signing out, changing the password or an admin's second-factor reset add one to the
epoch, so every session of that user - in this browser, another one, or a copied cookie -
stops working at once, without a session table to keep.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask_login import UserMixin
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db.models import STAFF_ROLES, StaffUser

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
    epoch: int = 0
    totp_enabled: bool = False

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
        """What Flask-Login keeps in the session: the id and the epoch it is valid for."""
        return f"{self.id}:{self.epoch}"


@dataclass(frozen=True)
class LoginOutcome:
    identity: StaffIdentity | None
    reason: str  # ok | unknown_user | disabled | bad_password


def _identity(user: StaffUser) -> StaffIdentity:
    return StaffIdentity(
        id=user.id, username=user.username, display_name=user.display_name, role=user.role,
        active=user.active, locked_until=user.locked_until, epoch=user.session_epoch or 0,
        totp_enabled=bool(user.totp_enabled),
    )


def parse_session_id(value: str) -> tuple[int, int] | None:
    """(user id, epoch) from a session's user id, or None (also for the old plain "12")."""
    user_id, _, epoch = (value or "").partition(":")
    if not (user_id.isdigit() and epoch.isdigit()) or len(value) > 40:
        return None
    return int(user_id), int(epoch)


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


def get_identity(session: Session, user_id: int, epoch: int | None = None) -> StaffIdentity | None:
    """The active user `user_id`; None if disabled, or if `epoch` is given and is not current."""
    user = session.get(StaffUser, user_id)
    if user is None or not user.active:
        return None
    if epoch is not None and epoch != (user.session_epoch or 0):
        return None
    return _identity(user)


def find_user(session: Session, username: str) -> StaffUser | None:
    return _find(session, username)


def find_identity(session: Session, username: str) -> StaffIdentity | None:
    user = _find(session, username)
    return _identity(user) if user is not None else None


def end_sessions(session: Session, user_id: int) -> StaffIdentity:
    """End every session of the user (see the module docstring); returns the new identity."""
    user = session.get(StaffUser, user_id)
    if user is None:
        raise ValueError("no such staff user")
    user.session_epoch = (user.session_epoch or 0) + 1
    session.flush()
    return _identity(user)


WRONG_CURRENT_PASSWORD = "the current password is not right"


def change_password(session: Session, user_id: int, current: str, new: str) -> StaffIdentity:
    """Check the current password, set the new one, end every session; ValueError if refused.

    Returns the identity under the new epoch, so the caller can keep this browser signed in.
    """
    user = session.get(StaffUser, user_id)
    if user is None or not user.active:
        raise ValueError("no such staff user")
    if not _verify(user.password_hash, current[:MAX_PASSWORD_LENGTH]):
        raise ValueError(WRONG_CURRENT_PASSWORD)
    validate_password(new, user.username)
    if _verify(user.password_hash, new):
        raise ValueError("the new password must differ from the current one")
    user.password_hash = hash_password(new)
    return end_sessions(session, user_id)


def authenticate(
    session: Session, username: str, password: str, now: datetime | None = None
) -> LoginOutcome:
    """Check a password. Failures are counted (for the staff page) but never lock the account:
    throttling is per account and client address, in `throttle` (see the module docstring)."""
    del now  # kept for callers of the old signature
    user = _find(session, username)
    if user is None or not user.active:
        _verify(_dummy_hash(), password)
        return LoginOutcome(None, "unknown_user" if user is None else "disabled")
    if not _verify(user.password_hash, password):
        user.failed_logins = (user.failed_logins or 0) + 1
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
