"""Console fixtures: a real migrated+seeded database (db_url), staff users, cases, a fake Rasa."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient

from bot.console import accounts
from bot.console.accounts import create_staff
from bot.console.app import create_app
from bot.console.scope import set_councils
from bot.db.engine import session_scope
from bot.db.models import utcnow
from bot.services.cases import ensure_case, update_contact
from tests.console.fake_rasa import FakeRasa

PASSWORD = "correct horse battery staple"
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(autouse=True)
def console_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("CONSOLE_SECRET_KEY", "test-secret-key-not-for-production")
    monkeypatch.setenv("CONSOLE_INSECURE_COOKIES", "1")
    monkeypatch.setenv("RASA_URL", "http://127.0.0.1:9")  # nothing listens: Rasa "down"
    monkeypatch.setenv("RASA_AUTH_TOKEN", "test-token")
    monkeypatch.setenv("HTTP_TIMEOUT", "2")
    # Cheap argon2 parameters: same algorithm and code path, a fraction of the cost.
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024,
                                                             parallelism=1))
    accounts._dummy_hash.cache_clear()
    yield
    accounts._dummy_hash.cache_clear()


ALL_COUNCILS = ("hammersmith_fulham", "kensington_chelsea", "westminster")


def add_staff(
    db_url: str, username: str, role: str = "agent", name: str = "",
    councils: tuple[str, ...] = ALL_COUNCILS,
) -> None:
    """A staff account; an agent works for `councils` (every council unless a test says)."""
    with session_scope(db_url) as session:
        create_staff(session, username, PASSWORD, role, name or username.title())
        set_councils(session, username, list(councils))


def add_case(
    db_url: str, conversation_id: str, priority: str = "standard", *,
    council_id: str = "westminster", category: str = "human_request",
    service_id: str | None = "council_tax", issue: str = "Cannot pay council tax online",
    breached: bool = False, channel: str = "socketio", **contact: Any,
) -> str:
    """A submitted case like the bot creates; returns its reference."""
    with session_scope(db_url) as session:
        case = ensure_case(
            session, conversation_id, channel, category, priority=priority,
            council_id=council_id, service_id=service_id, issue=issue, submit=True,
        )
        update_contact(session, case, **contact)
        if breached:
            case.sla_due_at = utcnow() - timedelta(minutes=30)
        return case.reference


@pytest.fixture()
def app(db_url: str) -> Flask:
    app = create_app({"TESTING": True, "DATABASE_URL": db_url})
    assert app.config["WTF_CSRF_ENABLED"] is not False
    return app


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def csrf_from(client: FlaskClient, path: str) -> str:
    page = client.get(path)
    match = CSRF_FIELD.search(page.get_data(as_text=True))
    assert match, f"no CSRF field on {path} ({page.status_code})"
    return match.group(1)


def login(client: FlaskClient, username: str, password: str = PASSWORD) -> Any:
    """Sign in as a browser would; where the account needs a second factor (supervisors),
    set it up or enter a code computed from the stored secret, as an authenticator app would."""
    token = csrf_from(client, "/staff/login")
    response = client.post("/staff/login", data={
        "username": username, "password": password, "csrf_token": token,
    })
    location = response.headers.get("Location", "")
    if response.status_code != 302 or "/staff/login/" not in location:
        return response
    token = csrf_from(client, location)  # the set-up page creates the secret
    return client.post(location, data={"code": totp_code(client, username),
                                       "csrf_token": token})


def totp_code(client: FlaskClient, username: str) -> str:
    """A code for `username` that has not been used yet (codes are single-use)."""
    from bot.console import totp
    from bot.db.models import StaffUser

    with session_scope(client.application.config["DATABASE_URL"]) as session:
        user = session.query(StaffUser).filter_by(username=username).one()
        secret, last = user.totp_secret, user.totp_last_step
    step = totp.step_at()
    if last is not None and last >= step - 1:
        step = last + 1
    return totp.hotp(secret, step)


def post(client: FlaskClient, path: str, data: dict[str, str], page: str = "/staff") -> Any:
    """POST a form the way a browser would: with the CSRF token from a page of the session."""
    return client.post(path, data={**data, "csrf_token": csrf_from(client, page)})


@pytest.fixture()
def fake_rasa() -> Iterator[FakeRasa]:
    server = FakeRasa().start()
    yield server
    server.stop()
