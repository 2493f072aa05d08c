"""The staff second factor (TOTP, `totp.py`) on the account: enrol, check, reset.

Enrolment stores a new secret unconfirmed; it counts only once the person has typed a code from
their app (so a half-finished enrolment never locks anyone out). Supervisors must have it, and
any role listed in CONSOLE_TOTP_ROLES; agents may turn it on themselves. A lost phone is
recovered by a supervisor's reset on the console (or `bot staff reset-2fa` on the server),
which is audited by the caller and ends the person's sessions; they enrol again at next sign-in.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.console import totp
from bot.console.accounts import StaffIdentity, end_sessions, find_user, normalise_username
from bot.db.models import StaffUser


def required_for(role: str, roles: tuple[str, ...]) -> bool:
    return role == "supervisor" or role in roles


def begin_enrolment(session: Session, user_id: int) -> str:
    """A fresh secret for the user's app, stored unconfirmed until `confirm` sees a code."""
    user = session.get(StaffUser, user_id)
    if user is None:
        raise ValueError("no such staff user")
    if user.totp_enabled:
        raise ValueError("two-factor sign-in is already set up")
    user.totp_secret = totp.new_secret()
    user.totp_last_step = None
    session.flush()
    return user.totp_secret


def pending_secret(session: Session, user_id: int) -> str | None:
    user = session.get(StaffUser, user_id)
    if user is None or user.totp_enabled:
        return None
    return user.totp_secret


def confirm(session: Session, user_id: int, code: str) -> bool:
    """Turn the second factor on if `code` matches the unconfirmed secret."""
    user = session.get(StaffUser, user_id)
    if user is None or user.totp_enabled or not user.totp_secret:
        return False
    step = totp.verify(user.totp_secret, code)
    if step is None:
        return False
    user.totp_enabled = True
    user.totp_last_step = step
    session.flush()
    return True


def check(session: Session, user_id: int, code: str) -> bool:
    """A sign-in code: valid, and not one already used (a replayed code is refused)."""
    user = session.get(StaffUser, user_id)
    if user is None or not user.totp_enabled or not user.totp_secret:
        return False
    step = totp.verify(user.totp_secret, code, last_step=user.totp_last_step)
    if step is None:
        return False
    user.totp_last_step = step
    session.flush()
    return True


def reset(session: Session, username: str) -> StaffIdentity:
    """Remove a user's second factor and end their sessions (a supervisor's recovery action)."""
    user = find_user(session, username)
    if user is None:
        raise ValueError(f"no staff user called {normalise_username(username)!r}")
    user.totp_secret = None
    user.totp_enabled = False
    user.totp_last_step = None
    return end_sessions(session, user.id)


def status(session: Session) -> list[tuple[str, str, bool]]:
    """(username, role, has second factor) for every active account, for the reset page."""
    rows = session.query(StaffUser).filter(StaffUser.active.is_(True)).order_by(StaffUser.username)
    return [(row.username, row.role, bool(row.totp_enabled)) for row in rows]
