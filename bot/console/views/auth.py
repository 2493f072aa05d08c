"""Sign in and sign out. Failed attempts count per account (database) and per address (memory)."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_user, logout_user

from bot.console import audit
from bot.console.accounts import LOCKOUT, MAX_FAILED_LOGINS, authenticate, normalise_username
from bot.console.security import safe_next
from bot.console.throttle import IP_FAILURES
from bot.db.engine import session_scope

bp = Blueprint("auth", __name__, url_prefix="/staff")

GENERIC_FAILURE = (
    "The username or password is not right, or the account is locked for a while after too "
    "many attempts."
)


def _render_login(error: str = "", status: int = 200) -> tuple[str, int]:
    return render_template(
        "staff/login.html", error=error, next=safe_next(request.values.get("next")) or "",
        max_failed=MAX_FAILED_LOGINS, lockout_minutes=int(LOCKOUT.total_seconds() // 60),
    ), status


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("queue.queue_page"))
    if request.method == "GET":
        return _render_login()
    address = request.remote_addr or "unknown"
    if IP_FAILURES.blocked(address):
        minutes = max(1, IP_FAILURES.retry_after(address) // 60)
        return _render_login(
            f"Too many failed sign-in attempts from this network. Try again in {minutes} "
            "minutes.", 429,
        )
    username = normalise_username(request.form.get("username", ""))[:80]
    password = request.form.get("password", "")[:256]
    with session_scope(current_app.config["DATABASE_URL"]) as db:
        outcome = authenticate(db, username, password)
        # An unknown name may be a password typed in the wrong box: never store it.
        actor = username if outcome.reason != "unknown_user" else "(unknown user)"
        action = "auth.login" if outcome.identity else "auth.login_failed"
        audit.record(db, actor, action, "staff", f"{outcome.reason} from {address}")
    if outcome.identity is None:
        IP_FAILURES.hit(address)
        return _render_login(GENERIC_FAILURE, 401)
    session.clear()  # a fresh session (and CSRF token) on every sign-in
    login_user(outcome.identity)
    session.permanent = True
    return redirect(safe_next(request.form.get("next")) or url_for("queue.queue_page"))


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    with session_scope(current_app.config["DATABASE_URL"]) as db:
        audit.record(db, current_user.username, "auth.logout", "staff")
    logout_user()
    session.clear()
    flash("You have signed out.", "success")
    return redirect(url_for("auth.login"))
