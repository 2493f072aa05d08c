"""Application factory for the console: settings, security, blueprints, template helpers.

`create_app()` reads the environment (bot.config + bot.console.settings); tests pass
`overrides` to point it at their own database or a fake Rasa client.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, Response, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from bot.config import get_settings
from bot.console.casework import CaseDesk
from bot.console.rasa_api import RasaClient
from bot.console.security import init_security, is_api_request
from bot.console.settings import ConsoleSettings, get_console_settings
from bot.console.views import admin, auth, canned, cases, dashboard, live, public, queue
from bot.ops.checks import liveness, readiness
from bot.ops.metrics import CONTENT_TYPE as METRICS_CONTENT_TYPE
from bot.ops.metrics import DatabaseCollector, case_metrics, exposition, refusal
from bot.privacy.log_filter import install_log_filter

UK = ZoneInfo("Europe/London")
SESSION_HOURS = 8


def uk_time(value: datetime | None, fmt: str = "%d %b %Y %H:%M") -> str:
    """Naive-UTC database time -> UK local time text (GMT/BST handled by zoneinfo)."""
    if value is None:
        return ""
    return value.replace(tzinfo=timezone.utc).astimezone(UK).strftime(fmt)


def humanise(value: str | None) -> str:
    return (value or "").replace("_", " ")


def _configure(app: Flask, settings: ConsoleSettings, overrides: dict[str, Any]) -> None:
    secure = not settings.insecure_cookies
    app.config.update(
        SECRET_KEY=settings.secret_key,
        DATABASE_URL=settings.database_url,
        CONSOLE_SETTINGS=settings,
        # __Host- cookies must be Secure, path=/ and host-only: a sibling subdomain cannot set
        # or read them. Plain name for the http://localhost development mode.
        SESSION_COOKIE_NAME="__Host-console_session" if secure else "console_session",
        SESSION_COOKIE_SECURE=secure,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=SESSION_HOURS),
        REMEMBER_COOKIE_SECURE=secure,
        REMEMBER_COOKIE_HTTPONLY=True,
        WTF_CSRF_TIME_LIMIT=SESSION_HOURS * 3600,
        WTF_CSRF_SSL_STRICT=secure,
        MAX_CONTENT_LENGTH=64 * 1024,
    )
    app.config.update(overrides)
    if "CASE_DESK" not in app.config:
        client = app.config.get("RASA_CLIENT") or RasaClient(
            settings.rasa_url, settings.rasa_auth_token, settings.http_timeout
        )
        app.config["RASA_CLIENT"] = client
        app.config["CASE_DESK"] = CaseDesk(app.config["DATABASE_URL"], client)


def _register_errors(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError) -> ResponseReturnValue:
        message = "The form had expired or was not sent from this site. Go back and try again."
        if is_api_request():
            return jsonify(error=message), 400
        return render_template("error.html", code=400, message=message), 400

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> ResponseReturnValue:
        code = error.code or 500
        messages = {
            403: "You do not have permission to see this page.",
            404: "Page not found.",
            413: "That was too much text to send at once.",
        }
        message = messages.get(code, error.description or "Something went wrong.")
        if is_api_request():
            return jsonify(error=message), code
        return render_template("error.html", code=code, message=message), code


def _register_operations(app: Flask) -> None:
    """/healthz (liveness), /readyz (dependencies) and /metrics (token): see bot/ops/."""
    case_gauges = DatabaseCollector(lambda: case_metrics(app.config["DATABASE_URL"]))

    @app.get("/healthz")
    def healthz() -> ResponseReturnValue:
        return jsonify(liveness())

    @app.get("/readyz")
    def readyz() -> ResponseReturnValue:
        settings = replace(get_settings(), database_url=app.config["DATABASE_URL"])
        status, body = readiness(settings=settings)
        return jsonify(body), status

    @app.get("/metrics")
    def prometheus() -> ResponseReturnValue:
        refused = refusal(request.headers.get("Authorization"), request.args.get("token"))
        if refused:
            status, reason = refused
            headers = {"WWW-Authenticate": "Bearer"} if status == 401 else {}
            return Response(reason, status=status, mimetype="text/plain", headers=headers)
        return Response(exposition(case_gauges), content_type=METRICS_CONTENT_TYPE)


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    install_log_filter()  # no raw resident text or phone number in the console's logs
    settings = get_console_settings()
    app = Flask(__name__, static_folder="static", template_folder="templates")
    _configure(app, settings, overrides or {})
    if settings.trust_proxy:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    init_security(app)
    for module in (public, auth, queue, cases, admin, canned, dashboard, live):
        app.register_blueprint(module.bp)
    _register_errors(app)
    app.jinja_env.filters["uk_time"] = uk_time
    app.jinja_env.filters["humanise"] = humanise

    _register_operations(app)

    @app.context_processor
    def _globals() -> dict[str, Any]:
        return {"request_path": request.path}

    return app
