"""Console sessions (#15.6) through Flask's test client on a real database: sessions end
server-side, idle sign-out, the TOTP second factor, and a throttle that cannot lock others out."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from bot.config import get_settings
from bot.console import totp
from bot.console.security import SEEN_KEY
from bot.console.throttle import BACKOFF, IP_LIMIT, Backoff, SignInThrottle
from bot.db.engine import session_scope
from bot.db.models import AuditLog, ConsoleSignInFailure, StaffUser, utcnow
from tests.console.conftest import PASSWORD, add_staff, csrf_from, login, post, totp_code

NEW_PASSWORD = "a different long passphrase"


def audit_actions(db_url: str, action: str) -> list[AuditLog]:
    with session_scope(db_url) as session:
        return list(session.execute(select(AuditLog).where(AuditLog.action == action)).scalars())


def signed_in(client: FlaskClient) -> bool:
    return client.get("/staff").status_code == 200


def password_step(client: FlaskClient, username: str, password: str = PASSWORD) -> object:
    return client.post("/staff/login", data={
        "username": username, "password": password,
        "csrf_token": csrf_from(client, "/staff/login"),
    })


# -- sessions end on the server ----------------------------------------------------------------


def test_sign_out_ends_every_session_and_copied_cookies(app: Flask, db_url: str) -> None:
    add_staff(db_url, "amira")
    first, second, thief = app.test_client(), app.test_client(), app.test_client()
    login(first, "amira")
    login(second, "amira")
    cookie = first.get_cookie("console_session")
    assert cookie is not None
    thief.set_cookie("console_session", cookie.value)
    assert signed_in(first) and signed_in(second) and signed_in(thief)
    post(first, "/staff/logout", {})
    assert not signed_in(first)
    assert not signed_in(second)
    assert not signed_in(thief)  # the copied cookie stopped working too
    assert [row.detail for row in audit_actions(db_url, "auth.logout")] == ["every session ended"]


def test_password_change_ends_the_other_sessions(app: Flask, db_url: str) -> None:
    add_staff(db_url, "amira")
    mine, other = app.test_client(), app.test_client()
    login(mine, "amira")
    login(other, "amira")
    refused = post(mine, "/staff/account", {
        "current_password": "not my password", "new_password": NEW_PASSWORD,
        "confirm_password": NEW_PASSWORD}, page="/staff/account")
    assert refused.status_code == 400 and signed_in(other)
    changed = post(mine, "/staff/account", {
        "current_password": PASSWORD, "new_password": NEW_PASSWORD,
        "confirm_password": NEW_PASSWORD}, page="/staff/account")
    assert changed.status_code == 302
    assert signed_in(mine)
    assert not signed_in(other)
    assert len(audit_actions(db_url, "auth.password_changed")) == 1
    assert login(app.test_client(), "amira").status_code == 401
    assert login(app.test_client(), "amira", NEW_PASSWORD).status_code == 302


def test_idle_session_is_signed_out_and_polling_does_not_keep_it(
    app: Flask, client: FlaskClient, db_url: str
) -> None:
    app.config["IDLE_MINUTES"] = 1
    add_staff(db_url, "amira")
    login(client, "amira")
    with client.session_transaction() as session:
        session[SEEN_KEY] = int(time.time()) - 50
    client.get("/staff/api/queue")  # polling: not activity
    with client.session_transaction() as session:
        assert session[SEEN_KEY] <= int(time.time()) - 50
    assert signed_in(client)  # a page view is activity
    with client.session_transaction() as session:
        assert session[SEEN_KEY] >= int(time.time()) - 2
        session[SEEN_KEY] = int(time.time()) - 61
    response = client.get("/staff")
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "not used for 1 minutes" in page
    assert not signed_in(client)


# -- the second factor ---------------------------------------------------------------------------


def test_totp_matches_the_rfc_6238_vectors() -> None:
    secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"  # base32 of the RFC's "12345678901234567890"
    vectors = {59: "287082", 1111111109: "081804", 1111111111: "050471",
               1234567890: "005924", 2000000000: "279037"}
    for moment, code in vectors.items():
        assert totp.code_at(secret, moment) == code
        assert totp.verify(secret, code, now=moment) == moment // 30
    assert totp.verify(secret, "287082", now=59 + 30) == 1  # one step of clock drift
    assert totp.verify(secret, "287082", now=59 + 90) is None
    assert totp.verify(secret, "287082", last_step=1, now=59) is None  # never twice
    assert totp.verify(secret, "28708", now=59) is None
    uri = totp.provisioning_uri(secret, "amira")
    assert uri.startswith("otpauth://totp/Council%20case%20console%3Aamira?secret=" + secret)


def test_supervisor_must_set_up_a_second_factor_before_anything(
    client: FlaskClient, db_url: str
) -> None:
    add_staff(db_url, "boss", "supervisor")
    response = password_step(client, "boss")
    assert response.headers["Location"].endswith("/staff/login/set-up")
    assert client.get("/staff").status_code == 302  # not signed in yet
    page = client.get("/staff/login/set-up").get_data(as_text=True)
    assert 'id="totp-secret"' in page and "otpauth://totp/" in page
    wrong = client.post("/staff/login/set-up", data={
        "code": "000000", "csrf_token": csrf_from(client, "/staff/login/set-up")})
    assert wrong.status_code == 401 and not signed_in(client)
    done = client.post("/staff/login/set-up", data={
        "code": totp_code(client, "boss"),
        "csrf_token": csrf_from(client, "/staff/login/set-up")})
    assert done.status_code == 302 and signed_in(client)
    assert len(audit_actions(db_url, "auth.totp_enrolled")) == 1


def test_enrolled_sign_in_needs_a_fresh_code(app: Flask, db_url: str) -> None:
    add_staff(db_url, "boss", "supervisor")
    login(app.test_client(), "boss")  # enrols
    client = app.test_client()
    assert password_step(client, "boss").headers["Location"].endswith("/staff/login/code")
    assert client.get("/staff").status_code == 302
    with session_scope(db_url) as session:
        user = session.execute(select(StaffUser)).scalar_one()
        used = totp.hotp(user.totp_secret, user.totp_last_step)
    replay = client.post("/staff/login/code", data={
        "code": used, "csrf_token": csrf_from(client, "/staff/login/code")})
    assert replay.status_code == 401 and not signed_in(client)
    ok = client.post("/staff/login/code", data={
        "code": totp_code(client, "boss"), "csrf_token": csrf_from(client, "/staff/login/code")})
    assert ok.status_code == 302 and signed_in(client)


def test_code_step_without_a_password_step_goes_back_to_sign_in(client: FlaskClient) -> None:
    for path in ("/staff/login/code", "/staff/login/set-up"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].endswith(
            "/staff/login")


def test_agents_may_opt_in_and_must_when_configured(app: Flask, db_url: str) -> None:
    add_staff(db_url, "amira")
    client = app.test_client()
    assert login(client, "amira").headers["Location"].endswith("/staff")  # optional: no code
    page = client.get("/staff/account/two-factor").get_data(as_text=True)
    assert 'id="totp-secret"' in page
    post(client, "/staff/account/two-factor", {"code": totp_code(client, "amira")},
         page="/staff/account")
    assert "On: you sign in" in client.get("/staff/account").get_data(as_text=True)
    assert password_step(app.test_client(), "amira").headers["Location"].endswith(
        "/staff/login/code")

    add_staff(db_url, "bea")
    app.config["TOTP_ROLES"] = ("agent", "supervisor")
    assert password_step(app.test_client(), "bea").headers["Location"].endswith(
        "/staff/login/set-up")


def test_setting_reads_roles_and_always_includes_supervisors(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONSOLE_TOTP_ROLES", " Agent ")
    assert get_settings().console_totp_roles == ("agent", "supervisor")
    monkeypatch.setenv("CONSOLE_TOTP_ROLES", "")
    assert get_settings().console_totp_roles == ("supervisor",)


def test_supervisor_reset_is_audited_and_ends_their_sessions(app: Flask, db_url: str) -> None:
    add_staff(db_url, "boss", "supervisor")
    add_staff(db_url, "amira")
    agent = app.test_client()
    login(agent, "amira")
    agent.get("/staff/account/two-factor")  # creates the secret
    post(agent, "/staff/account/two-factor", {"code": totp_code(agent, "amira")},
         page="/staff/account")
    assert agent.get("/staff/admin/two-factor").status_code == 403
    boss = app.test_client()
    login(boss, "boss")
    page = boss.get("/staff/admin/two-factor").get_data(as_text=True)
    assert "Reset for amira" in page and "Reset for boss" not in page
    assert post(boss, "/staff/admin/two-factor", {"username": "boss"},
                page="/staff/admin/two-factor").status_code == 400
    post(boss, "/staff/admin/two-factor", {"username": "amira"}, page="/staff/admin/two-factor")
    assert not signed_in(agent)
    [row] = audit_actions(db_url, "auth.totp_reset")
    assert (row.actor, row.target) == ("boss", "amira")
    assert login(app.test_client(), "amira").headers["Location"].endswith("/staff")


# -- throttling that cannot be turned against someone else ---------------------------------------


def test_failures_from_one_address_do_not_lock_the_account_elsewhere(
    app: Flask, db_url: str
) -> None:
    add_staff(db_url, "amira")
    attacker = app.test_client()
    attacker.environ_base["REMOTE_ADDR"] = "203.0.113.9"
    for _attempt in range(BACKOFF.free):
        assert login(attacker, "amira", "wrong password here").status_code == 401
    refused = login(attacker, "amira")  # even the right password must wait, from there
    assert refused.status_code == 429
    assert "Try again in" in refused.get_data(as_text=True)
    desk = app.test_client()
    desk.environ_base["REMOTE_ADDR"] = "10.1.2.3"
    assert login(desk, "amira").status_code == 302 and signed_in(desk)


def test_failures_in_another_console_process_count_here(app: Flask, db_url: str) -> None:
    """Several waitress processes (or a restart) share one count: five wrong passwords in a
    separate Python process, through the console's own code, and this process makes that
    address wait for that account; the account still signs in from elsewhere."""
    add_staff(db_url, "amira")
    other_process = (
        "import sys\n"
        "from bot.console.app import create_app\n"
        "from tests.console.conftest import login\n"
        "app = create_app({'TESTING': True, 'DATABASE_URL': sys.argv[1]})\n"
        "client = app.test_client()\n"
        "client.environ_base['REMOTE_ADDR'] = '203.0.113.9'\n"
        f"codes = [login(client, 'amira', 'wrong').status_code for _ in range({BACKOFF.free})]\n"
        "assert codes == [401] * len(codes), codes\n"
    )
    env = {**os.environ, "CONSOLE_SECRET_KEY": app.secret_key, "PYTHONPATH": os.getcwd()}
    subprocess.run([sys.executable, "-c", other_process, db_url], env=env, check=True,
                   timeout=120, capture_output=True)
    here = app.test_client()
    here.environ_base["REMOTE_ADDR"] = "203.0.113.9"
    assert login(here, "amira").status_code == 429
    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "10.1.2.3"
    assert login(elsewhere, "amira").status_code == 302 and signed_in(elsewhere)


def test_the_shared_table_keeps_no_username_or_address(app: Flask, db_url: str) -> None:
    """A username may be a password typed in the wrong box: only HMACs are stored."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "198.51.100.23"
    assert login(client, "Tr0ub4dor&3", "x").status_code == 401
    with session_scope(db_url) as session:
        rows = session.execute(select(ConsoleSignInFailure)).scalars().all()
    stored = " ".join(f"{row.address_key} {row.account_key}" for row in rows)
    assert len(rows) == 1 and "Tr0ub4dor" not in stored and "198.51.100" not in stored


def test_one_address_trying_many_usernames_waits_and_others_do_not(
    app: Flask, db_url: str
) -> None:
    add_staff(db_url, "amira")
    sprayer = app.test_client()
    sprayer.environ_base["REMOTE_ADDR"] = "203.0.113.50"
    for attempt in range(IP_LIMIT):
        assert login(sprayer, f"guess{attempt}", "wrong").status_code == 401
    assert login(sprayer, "amira").status_code == 429
    desk = app.test_client()
    desk.environ_base["REMOTE_ADDR"] = "10.9.9.9"
    assert login(desk, "amira").status_code == 302


def test_a_success_clears_the_pair_and_old_failures_are_pruned(db_url: str) -> None:
    throttle = SignInThrottle("secret")
    start = utcnow()
    with session_scope(db_url) as session:
        for n in range(BACKOFF.free):
            throttle.failed(session, "amira", "1.2.3.4", now=start + timedelta(seconds=n))
        assert throttle.refusal(session, "amira", "1.2.3.4", now=start + timedelta(seconds=5))
        throttle.succeeded(session, "amira", "1.2.3.4")
        assert throttle.refusal(session, "amira", "1.2.3.4",
                                now=start + timedelta(seconds=5)) is None
        throttle.failed(session, "bob", "1.2.3.4", now=start)
        throttle.failed(session, "bob", "1.2.3.4", now=start + timedelta(days=2))
        count = session.execute(select(func.count()).select_from(ConsoleSignInFailure))
        assert count.scalar_one() == 1  # bob's day-old failure is gone, amira's were cleared


def test_wrong_codes_count_as_failures(app: Flask, db_url: str) -> None:
    add_staff(db_url, "boss", "supervisor")
    login(app.test_client(), "boss")
    client = app.test_client()
    password_step(client, "boss")
    for _attempt in range(BACKOFF.free):
        response = client.post("/staff/login/code", data={
            "code": "000000", "csrf_token": csrf_from(client, "/staff/login/code")})
        assert response.status_code == 401
    blocked = client.post("/staff/login/code", data={
        "code": totp_code(client, "boss"), "csrf_token": csrf_from(client, "/staff/login/code")})
    assert blocked.status_code == 429 and not signed_in(client)


def test_backoff_doubles_to_a_cap_and_forgets() -> None:
    backoff = Backoff(free=2, base=30, cap=120, forget=3600)
    assert backoff.retry_after([0, 1], now=1) == 31
    assert backoff.retry_after([0, 1, 40], now=40) == 61
    assert backoff.retry_after([0, 1, 40, 110, 240], now=240) == 121  # capped
    assert backoff.retry_after([0, 1, 40, 110, 240], now=240 + 3601) == 0  # forgotten
    # a pause longer than `forget` starts the count again
    assert backoff.retry_after([0, 1, 40, 110, 240, 240 + 3601], now=240 + 3601) == 0
    assert backoff.retry_after([], now=0) == 0


def test_cli_reset_for_the_last_supervisor(app: Flask, db_url: str,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    from bot.cli.main import main as bot_cli

    add_staff(db_url, "boss", "supervisor")
    client = app.test_client()
    login(client, "boss")
    assert bot_cli(["staff", "reset-2fa", "boss"]) == 0
    assert "reset two-factor sign-in for boss" in capsys.readouterr().out
    assert not signed_in(client)
    [row] = audit_actions(db_url, "auth.totp_reset")
    assert (row.actor, row.target) == ("(server admin)", "boss")
    assert password_step(app.test_client(), "boss").headers["Location"].endswith(
        "/staff/login/set-up")
