"""Sign in (password, then a second factor where needed), sign out, password, two-factor set-up.

Sign-in is two steps for anyone with a second factor: the password step leaves only a short
"pending" note in the session (user id, epoch, time), never a signed-in session; the code step
turns it into one. Someone whose role needs a second factor and has none sets it up in that
same pending step, before any page of the console opens. Failed passwords and codes are
throttled per account and client address (`throttle.py`); nothing locks an account.
"""

from __future__ import annotations

import time
from typing import Any

from flask import (
    Blueprint,
    abort,
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

from bot.console import audit, second_factor, totp
from bot.console.accounts import (
    WRONG_CURRENT_PASSWORD,
    StaffIdentity,
    authenticate,
    change_password,
    end_sessions,
    get_identity,
    normalise_username,
)
from bot.console.security import SEEN_KEY, require_supervisor, safe_next
from bot.console.throttle import SignInThrottle
from bot.db.engine import session_scope

bp = Blueprint("auth", __name__, url_prefix="/staff")

GENERIC_FAILURE = "The username or password is not right."
CODE_FAILURE = "That code is not right, or it was already used. Try the newest code in your app."
PENDING_KEY = "pending_sign_in"
PENDING_SECONDS = 5 * 60


def _db() -> Any:
    return session_scope(current_app.config["DATABASE_URL"])


def _address() -> str:
    return request.remote_addr or "unknown"


def _render_login(error: str = "", status: int = 200) -> tuple[str, int]:
    return render_template(
        "staff/login.html", error=error, next=safe_next(request.values.get("next")) or "",
    ), status


def _throttle() -> SignInThrottle:
    """The shared counts (in the database, so every console process sees the same)."""
    return SignInThrottle(current_app.secret_key or "")


def _throttled(username: str) -> str | None:
    """The message to show if this address (or this account from it) must wait."""
    with _db() as db:
        refusal = _throttle().refusal(db, username, _address())
    if refusal is None:
        return None
    if refusal.scope == "address":
        minutes = max(1, refusal.retry_after // 60)
        return (f"Too many failed sign-in attempts from this network. Try again in {minutes} "
                "minutes.")
    wait = refusal.retry_after
    when = f"{wait} seconds" if wait < 120 else f"{wait // 60} minutes"
    return f"Too many failed attempts for this account from here. Try again in {when}."


def _failed(username: str) -> None:
    with _db() as db:
        _throttle().failed(db, username, _address())


def _start_session(identity: StaffIdentity, next_url: str | None) -> ResponseReturnValue:
    with _db() as db:
        _throttle().succeeded(db, identity.username, _address())
    session.clear()  # a fresh session (and CSRF token) on every sign-in
    login_user(identity)
    session.permanent = True
    session[SEEN_KEY] = int(time.time())
    with _db() as db:
        audit.record(db, identity.username, "auth.login", "staff", f"ok from {_address()}")
    return redirect(safe_next(next_url) or url_for("queue.queue_page"))


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("queue.queue_page"))
    if request.method == "GET":
        return _render_login()
    username = normalise_username(request.form.get("username", ""))[:80]
    password = request.form.get("password", "")[:256]
    refusal = _throttled(username)
    if refusal:
        return _render_login(refusal, 429)
    with _db() as db:
        outcome = authenticate(db, username, password)
        if outcome.identity is None:
            # An unknown name may be a password typed in the wrong box: never store it.
            actor = username if outcome.reason != "unknown_user" else "(unknown user)"
            audit.record(db, actor, "auth.login_failed", "staff",
                         f"{outcome.reason} from {_address()}")
    identity = outcome.identity
    if identity is None:
        _failed(username)
        return _render_login(GENERIC_FAILURE, 401)
    next_url = request.form.get("next")
    needs = second_factor.required_for(identity.role, current_app.config["TOTP_ROLES"])
    if not identity.totp_enabled and not needs:
        return _start_session(identity, next_url)
    session.clear()
    session[PENDING_KEY] = {"id": identity.id, "epoch": identity.epoch,
                            "since": int(time.time()), "next": safe_next(next_url) or ""}
    if identity.totp_enabled:
        return redirect(url_for("auth.login_code"))
    return redirect(url_for("auth.login_enrol"))


def _pending() -> StaffIdentity | None:
    """The user who passed the password step in this session, within the last 5 minutes."""
    note = session.get(PENDING_KEY)
    if not isinstance(note, dict) or time.time() - note.get("since", 0) > PENDING_SECONDS:
        session.pop(PENDING_KEY, None)
        return None
    with _db() as db:
        return get_identity(db, int(note.get("id", 0)), int(note.get("epoch", -1)))


def _expired() -> ResponseReturnValue:
    flash("Your sign-in took too long. Enter your username and password again.", "warning")
    return redirect(url_for("auth.login"))


@bp.route("/login/code", methods=["GET", "POST"])
def login_code() -> ResponseReturnValue:
    identity = _pending()
    if identity is None or not identity.totp_enabled:
        return _expired()
    if request.method == "GET":
        return render_template("staff/login_code.html", error="")
    refusal = _throttled(identity.username)
    if refusal:
        return render_template("staff/login_code.html", error=refusal), 429
    with _db() as db:
        accepted = second_factor.check(db, identity.id, request.form.get("code", "")[:20])
        if not accepted:
            audit.record(db, identity.username, "auth.login_failed", "staff",
                         f"bad_code from {_address()}")
    if not accepted:
        _failed(identity.username)
        return render_template("staff/login_code.html", error=CODE_FAILURE), 401
    next_url = session.get(PENDING_KEY, {}).get("next")
    return _start_session(identity, next_url)


def _enrolment_step(user_id: int, username: str, audit_detail: str) -> tuple[str | None, bool]:
    """One step of setting up the second factor, shared by the sign-in and account pages:
    (the secret still to confirm, or None once a right code confirmed it; whether a code was
    sent and was wrong)."""
    with _db() as db:
        secret = second_factor.pending_secret(db, user_id)
        if request.method == "GET" or not secret:
            return secret or second_factor.begin_enrolment(db, user_id), False
        if second_factor.confirm(db, user_id, request.form.get("code", "")[:20]):
            audit.record(db, username, "auth.totp_enrolled", "staff", audit_detail)
            return None, False
        return secret, True


@bp.route("/login/set-up", methods=["GET", "POST"])
def login_enrol() -> ResponseReturnValue:
    """First sign-in of someone who must have a second factor: set it up, then sign in."""
    identity = _pending()
    if identity is None or identity.totp_enabled:
        return _expired()
    secret, wrong = _enrolment_step(identity.id, identity.username,
                                    f"at sign-in from {_address()}")
    error, status = (CODE_FAILURE, 401) if wrong else ("", 200)
    if secret is None:
        next_url = session.get(PENDING_KEY, {}).get("next")
        with _db() as db:
            fresh = get_identity(db, identity.id)
        if fresh is None:  # disabled meanwhile
            return _expired()
        return _start_session(fresh, next_url)
    if error:
        _failed(identity.username)
    return render_template(
        "staff/two_factor_setup.html", secret=totp.grouped(secret),
        uri=totp.provisioning_uri(secret, identity.username), error=error,
        action=url_for("auth.login_enrol"), at_sign_in=True,
    ), status


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """Sign out here and everywhere: the epoch moves on, so every copy of the cookie dies."""
    with _db() as db:
        end_sessions(db, current_user.id)
        audit.record(db, current_user.username, "auth.logout", "staff",
                     "every session ended")
    logout_user()
    session.clear()
    flash("You have signed out on every device.", "success")
    return redirect(url_for("auth.login"))


@bp.route("/account", methods=["GET", "POST"])
def account() -> ResponseReturnValue:
    """Change password (ends every other session) and see the second-factor state."""
    error, status = "", 200
    if request.method == "POST":
        new = request.form.get("new_password", "")[:300]
        refusal = _throttled(current_user.username)
        if refusal:  # the current-password check is a password guess like any other
            error, status = refusal, 429
        elif new != request.form.get("confirm_password", "")[:300]:
            error, status = "The new password and its confirmation are not the same.", 400
        else:
            try:
                with _db() as db:
                    identity = change_password(
                        db, current_user.id, request.form.get("current_password", ""), new)
                    audit.record(db, current_user.username, "auth.password_changed", "staff",
                                 "every other session ended")
            except ValueError as refused:
                if str(refused) == WRONG_CURRENT_PASSWORD:
                    _failed(current_user.username)
                error, status = f"Password not changed: {refused}.", 400
            else:
                login_user(identity)  # this browser continues under the new epoch
                session[SEEN_KEY] = int(time.time())
                flash("Password changed. You were signed out everywhere else.", "success")
                return redirect(url_for("auth.account"))
    required = second_factor.required_for(current_user.role, current_app.config["TOTP_ROLES"])
    return render_template("staff/account.html", error=error, required=required), status


@bp.route("/account/two-factor", methods=["GET", "POST"])
def two_factor() -> ResponseReturnValue:
    """Set up the second factor while signed in (agents who choose to, or when it became
    required); turning it off again is a supervisor's reset."""
    if current_user.totp_enabled:
        return redirect(url_for("auth.account"))
    secret, wrong = _enrolment_step(current_user.id, current_user.username, "")
    error, status = (CODE_FAILURE, 400) if wrong else ("", 200)
    if secret is None:
        with _db() as db:
            fresh = get_identity(db, current_user.id)
        if fresh is None:
            abort(403)
        login_user(fresh)
        flash("Two-factor sign-in is on. You will need a code from your app next time.",
              "success")
        return redirect(url_for("auth.account"))
    return render_template(
        "staff/two_factor_setup.html", secret=totp.grouped(secret),
        uri=totp.provisioning_uri(secret, current_user.username), error=error,
        action=url_for("auth.two_factor"), at_sign_in=False,
    ), status


@bp.route("/admin/two-factor", methods=["GET", "POST"])
def two_factor_admin() -> ResponseReturnValue:
    """Supervisors: who has a second factor; reset it for someone who lost their phone."""
    require_supervisor()
    if request.method == "POST":
        username = normalise_username(request.form.get("username", ""))[:80]
        if username == current_user.username:
            abort(400, "Ask another supervisor to reset your own two-factor sign-in.")
        try:
            with _db() as db:
                second_factor.reset(db, username)
                audit.record(db, current_user.username, "auth.totp_reset", username,
                             "second factor removed; their sessions ended")
        except ValueError as refused:
            flash(str(refused), "error")
        else:
            flash(f"Two-factor sign-in reset for {username}. They set it up again at their "
                  "next sign-in.", "success")
        return redirect(url_for("auth.two_factor_admin"))
    with _db() as db:
        rows = second_factor.status(db)
    return render_template("staff/two_factor_admin.html", rows=rows,
                           roles=current_app.config["TOTP_ROLES"])
