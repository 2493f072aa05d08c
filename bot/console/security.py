"""Login, roles and response headers: deny by default for everything under /staff.

Pages without a session redirect to the sign-in page; /staff/api/* answers 401 JSON; the
admin area needs the supervisor role. Headers: a CSP with no inline script or style, no
framing, and no caching of anything staff see.

Sessions (#15.6): a session is valid only for the account's current epoch (see `accounts`), so
sign-out and a password change end it everywhere; a session left idle for CONSOLE_IDLE_MINUTES
is signed out (the live transcript's polling does not count as activity); a user whose role
needs a second factor and has none is sent to set one up before anything else.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Flask,
    Response,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    request,
    session,
    url_for,
)
from flask_login import LoginManager, current_user, logout_user
from flask_wtf.csrf import CSRFProtect

from bot.console.accounts import StaffIdentity, get_identity, parse_session_id
from bot.console.second_factor import required_for
from bot.db.engine import session_scope

login_manager = LoginManager()
csrf = CSRFProtect()

PUBLIC_STAFF_ENDPOINTS = {"auth.login", "auth.login_code", "auth.login_enrol"}
# Reachable by a signed-in user who still has to set up a required second factor.
ENROLMENT_ENDPOINTS = {"auth.account", "auth.two_factor", "auth.logout"}
SEEN_KEY = "seen"


def is_api_request() -> bool:
    return request.path.startswith("/staff/api/")


@login_manager.user_loader
def _load_user(user_id: str) -> StaffIdentity | None:
    parsed = parse_session_id(user_id)
    if parsed is None:
        return None
    with session_scope(current_app.config["DATABASE_URL"]) as db:
        return get_identity(db, *parsed)


@login_manager.unauthorized_handler
def _unauthorized() -> Any:
    if is_api_request():
        return jsonify(error="authentication required"), 401
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def safe_next(target: str | None) -> str | None:
    """Only same-site /staff paths, so the sign-in page cannot become an open redirect."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/staff"):
        return None
    if target.startswith("//") or "\\" in target:
        return None
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return None  # CR/LF would break the Location header
    return target


def require_staff_login() -> Any:
    """before_request: every /staff rule except sign-in needs a signed-in, active user."""
    rule = request.url_rule
    if rule is None or not rule.rule.startswith("/staff"):
        return None
    if request.endpoint in PUBLIC_STAFF_ENDPOINTS:
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if _idle_too_long():
        logout_user()
        session.clear()
        flash("You were signed out because the console was not used for "
              f"{current_app.config['IDLE_MINUTES']} minutes. Sign in again.", "warning")
        return login_manager.unauthorized()
    if not is_api_request():
        session[SEEN_KEY] = int(time.time())
    if (required_for(current_user.role, current_app.config["TOTP_ROLES"])
            and not current_user.totp_enabled and request.endpoint not in ENROLMENT_ENDPOINTS):
        if is_api_request():
            return jsonify(error="set up two-factor sign-in first"), 403
        return redirect(url_for("auth.two_factor"))
    return None


def _idle_too_long() -> bool:
    seen = session.get(SEEN_KEY)
    if not isinstance(seen, int):
        return True  # a session from before idle tracking, or tampered: sign in again
    return time.time() - seen > current_app.config["IDLE_MINUTES"] * 60


def require_supervisor() -> None:
    if not getattr(current_user, "is_supervisor", False):
        abort(403)


def _origin_sources(url: str) -> list[str]:
    """http://host:5005 -> ['http://host:5005', 'ws://host:5005'] for connect-src."""
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return []
    ws_scheme = "wss" if parts.scheme == "https" else "ws"
    return [f"{parts.scheme}://{parts.netloc}", f"{ws_scheme}://{parts.netloc}"]


def content_security_policy(chat_socket_url: str | None = None) -> str:
    connect = ["'self'", *(_origin_sources(chat_socket_url) if chat_socket_url else [])]
    directives = {
        "default-src": ["'none'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": connect,
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def add_security_headers(response: Response) -> Response:
    chat_url = g.get("chat_socket_url")  # set by the public chat page only
    response.headers["Content-Security-Policy"] = content_security_policy(chat_url)
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if request.path.startswith("/staff"):
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = "max-age=31536000"
    return response


def init_security(app: Flask) -> None:
    settings = app.config["CONSOLE_SETTINGS"]
    app.config.setdefault("IDLE_MINUTES", settings.idle_minutes)
    app.config.setdefault("TOTP_ROLES", settings.totp_roles)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.session_protection = "basic"
    app.before_request(require_staff_login)
    app.after_request(add_security_headers)
