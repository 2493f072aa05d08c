"""The console's security and workflows through Flask's test client, on a real seeded database.

CSRF is on (as in production); Rasa is either absent (a closed port) or the in-process fake.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.routing import Rule

from bot.cli.main import main as bot_cli
from bot.console.app import create_app
from bot.console.throttle import IP_LIMIT
from bot.db.engine import session_scope
from bot.db.models import AuditLog, Case, CaseEvent, CaseNote, IncidentUpdate, StaffUser
from bot.services.status import get_status, list_statuses, set_status
from tests.console.conftest import PASSWORD, add_case, add_staff, csrf_from, login, post
from tests.console.fake_rasa import FakeRasa

SAMPLE_ARGS = {
    "reference": "WM-0000-0000", "council_id": "westminster", "service_id": "council_tax",
    "update_id": 1, "username": "nobody", "broadcast_id": 1, "reply_id": 1,
}


def staff_rules(app: Flask) -> list[tuple[Rule, str, str]]:
    """Every (rule, method, concrete path) under /staff except the sign-in page itself."""
    found = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if not rule.rule.startswith("/staff") or rule.endpoint == "auth.login":
                continue
            path = url_for(rule.endpoint, **{name: SAMPLE_ARGS[name] for name in rule.arguments})
            found += [(rule, method, path) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return found


def audit_rows(db_url: str, action: str) -> list[AuditLog]:
    with session_scope(db_url) as session:
        return list(session.execute(select(AuditLog).where(AuditLog.action == action)).scalars())


# -- authentication and authorisation ---------------------------------------------------------


def test_every_staff_url_needs_login(app: Flask) -> None:
    client = app.test_client()
    token = csrf_from(client, "/staff/login")
    checked = 0
    for rule, method, path in staff_rules(app):
        data = {"csrf_token": token} if method == "POST" else None
        response = client.open(path, method=method, data=data)
        if rule.rule.startswith("/staff/api/"):
            assert response.status_code == 401, path
            assert response.get_json() == {"error": "authentication required"}
        else:
            assert response.status_code == 302, (method, path)
            assert response.headers["Location"].startswith("/staff/login"), path
        checked += 1
    assert checked >= 20


def test_api_routes_answer_401_json(client: FlaskClient) -> None:
    for path in ("/staff/api/queue", "/staff/api/cases/WM-0000-0000/transcript"):
        response = client.get(path)
        assert response.status_code == 401
        assert response.is_json


def test_post_without_csrf_token_is_refused(client: FlaskClient, db_url: str) -> None:
    add_staff(db_url, "amira")
    reference = add_case(db_url, "conv-csrf")
    assert login(client, "amira").status_code == 302
    response = client.post(f"/staff/cases/{reference}/notes", data={"body": "sneaky"})
    assert response.status_code == 400
    response = client.post(f"/staff/cases/{reference}/notes",
                           data={"body": "sneaky", "csrf_token": "forged"})
    assert response.status_code == 400
    with session_scope(db_url) as session:
        assert session.execute(select(CaseNote)).first() is None


def test_login_form_itself_needs_csrf(client: FlaskClient, db_url: str) -> None:
    add_staff(db_url, "amira")
    response = client.post("/staff/login", data={"username": "amira", "password": PASSWORD})
    assert response.status_code == 400


def test_agent_gets_403_on_supervisor_pages(app: Flask, db_url: str) -> None:
    add_staff(db_url, "amira", "agent")
    client = app.test_client()
    login(client, "amira")
    token = csrf_from(client, "/staff")
    admin_rules = [item for item in staff_rules(app) if item[0].rule.startswith("/staff/admin")]
    assert len(admin_rules) >= 8
    for _rule, method, path in admin_rules:
        data = {"csrf_token": token, "state": "unavailable", "active": "0"}
        response = client.open(path, method=method, data=data if method == "POST" else None)
        assert response.status_code == 403, (method, path)
    page = client.get("/staff").get_data(as_text=True)
    assert "Audit log" not in page  # the navigation hides what an agent cannot open


def test_password_is_stored_as_argon2_hash(client: FlaskClient, db_url: str) -> None:
    add_staff(db_url, "amira")
    with session_scope(db_url) as session:
        user = session.execute(select(StaffUser)).scalar_one()
        assert user.password_hash.startswith("$argon2id$")
        assert PASSWORD not in user.password_hash
    assert login(client, "amira").status_code == 302


# Per-account lockout was replaced by a per-account-and-address backoff (#15.6):
# see tests/console/test_console_sessions.py.


def test_many_failures_from_one_address_are_throttled(client: FlaskClient) -> None:
    for attempt in range(IP_LIMIT):
        assert login(client, f"nobody{attempt}", "whatever").status_code == 401
    response = login(client, "nobody", "whatever")
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.get_data(as_text=True)


def test_login_ignores_offsite_next(client: FlaskClient, db_url: str) -> None:
    add_staff(db_url, "amira")
    token = csrf_from(client, "/staff/login")
    response = client.post("/staff/login", data={
        "username": "amira", "password": PASSWORD, "csrf_token": token,
        "next": "https://evil.example/staff",
    })
    assert response.headers["Location"] == "/staff"


def test_disabled_user_is_signed_out(app: Flask, db_url: str) -> None:
    add_staff(db_url, "boss", "supervisor")
    add_staff(db_url, "amira")
    agent = app.test_client()
    login(agent, "amira")
    assert agent.get("/staff").status_code == 200
    boss = app.test_client()
    login(boss, "boss")
    response = post(boss, "/staff/admin/staff/amira/active", {"active": "0"})
    assert response.status_code == 302
    assert agent.get("/staff").status_code == 302
    assert [row.target for row in audit_rows(db_url, "staff.disable")] == ["staff:amira"]


def test_supervisor_adds_staff_with_password_rules(app: Flask, db_url: str) -> None:
    add_staff(db_url, "boss", "supervisor")
    client = app.test_client()
    login(client, "boss")
    short = post(client, "/staff/admin/staff", {
        "username": "newbie", "role": "agent", "password": "short", "password_confirm": "short",
    }, page="/staff/admin/staff")
    assert short.status_code == 302
    good = post(client, "/staff/admin/staff", {
        "username": "newbie", "role": "agent", "display_name": "New Bie",
        "password": PASSWORD, "password_confirm": PASSWORD,
    }, page="/staff/admin/staff")
    assert good.status_code == 302
    with session_scope(db_url) as session:
        names = session.execute(select(StaffUser.username)).scalars().all()
    assert sorted(names) == ["boss", "newbie"]


# -- headers and cookies ------------------------------------------------------------------------


def test_security_headers_and_cookie_flags(client: FlaskClient, db_url: str) -> None:
    add_staff(db_url, "amira")
    reference = add_case(db_url, "conv-headers")
    response = login(client, "amira")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get(f"/staff/cases/{reference}")
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["Cache-Control"] == "no-store"
    assert "<script>" not in page.get_data(as_text=True)  # no inline script anywhere


def test_cookies_are_secure_by_default(monkeypatch: pytest.MonkeyPatch, db_url: str) -> None:
    monkeypatch.delenv("CONSOLE_INSECURE_COOKIES")
    app = create_app({"TESTING": True})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_NAME"].startswith("__Host-")
    response = app.test_client().get("/staff/login", base_url="https://localhost")
    assert "Secure" in response.headers["Set-Cookie"]


def test_secret_key_generated_once(tmp_path: Path) -> None:
    from bot.console.settings import load_secret_key

    path = tmp_path / "console_secret"
    first = load_secret_key("", path)
    assert len(first) == 64 and load_secret_key("", path) == first
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert load_secret_key("explicit", path) == "explicit"


# -- queue -----------------------------------------------------------------------------------


def test_queue_orders_by_priority_then_deadline(client: FlaskClient, db_url: str) -> None:
    add_staff(db_url, "amira")
    standard = add_case(db_url, "c1", "standard")
    late = add_case(db_url, "c2", "standard", breached=True)
    urgent = add_case(db_url, "c3", "urgent", category="urgent_help", service_id="social_care")
    high = add_case(db_url, "c4", "high", council_id="kensington_chelsea")
    add_case(db_url, "c5", "urgent")
    with session_scope(db_url) as session:  # a resolved case and an unsubmitted one stay out
        session.execute(select(Case).where(Case.conversation_id == "c5")).scalar_one().status = (
            "resolved")
    login(client, "amira")
    page = client.get("/staff").get_data(as_text=True)
    positions = [page.index(ref) for ref in (urgent, high, late, standard)]
    assert positions == sorted(positions)
    assert "BREACHED" in page  # in words, not only colour
    feed = client.get("/staff/api/queue").get_json()
    assert [row["reference"] for row in feed["cases"]] == [urgent, high, late, standard]
    assert feed["counts"]["breached"] == 1
    assert feed["counts"]["by_priority"] == {"urgent": 1, "high": 1, "standard": 2}
    assert late in feed["table_html"]
    filtered = client.get("/staff/api/queue?council=kensington_chelsea").get_json()
    assert [row["reference"] for row in filtered["cases"]] == [high]
    by_category = client.get("/staff/api/queue?category=urgent_help").get_json()
    assert [row["reference"] for row in by_category["cases"]] == [urgent]


def test_mine_filter(client: FlaskClient, db_url: str) -> None:
    add_staff(db_url, "amira")
    mine = add_case(db_url, "c1")
    add_case(db_url, "c2")
    with session_scope(db_url) as session:
        session.execute(select(Case).where(Case.reference == mine)).scalar_one().assigned_to = (
            "amira")
    login(client, "amira")
    feed = client.get("/staff/api/queue?mine=1").get_json()
    assert [row["reference"] for row in feed["cases"]] == [mine]


# -- case page ---------------------------------------------------------------------------------


def test_case_view_writes_audit_row_and_survives_rasa_down(
    client: FlaskClient, db_url: str
) -> None:
    add_staff(db_url, "amira")
    reference = add_case(db_url, "conv-audit", phone="07700900123", name="Jo Bloggs")
    login(client, "amira")
    page = client.get(f"/staff/cases/{reference}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Transcript unavailable" in text and "Could not reach the assistant server" in text
    assert "07700900123" in text and "Jo Bloggs" in text
    rows = audit_rows(db_url, "case.view")
    assert [(row.actor, row.target) for row in rows] == [("amira", reference)]
    client.get(f"/staff/cases/{reference}")
    assert len(audit_rows(db_url, "case.view")) == 2


def test_resident_html_is_escaped(client, db_url: str, fake_rasa: FakeRasa,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    add_staff(db_url, "amira")
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    reference = add_case(db_url, "conv-xss", issue=evil, name=evil)
    fake_rasa.conversation("conv-xss").events.append(
        {"event": "user", "text": evil, "timestamp": 1_700_000_000.0})
    app = _app_with_rasa(monkeypatch, fake_rasa)
    client = app.test_client()
    login(client, "amira")
    text = client.get(f"/staff/cases/{reference}").get_data(as_text=True)
    assert "<script>alert" not in text and "<img src=x" not in text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in text
    assert text.count("&lt;img src=x onerror=alert(1)&gt;") >= 3  # issue, name, transcript
    queue = client.get("/staff/api/queue").get_json()["table_html"]
    assert "<script>alert" not in queue and "&lt;script&gt;" in queue


def test_notes_and_status_change(client: FlaskClient, db_url: str) -> None:
    add_staff(db_url, "amira")
    reference = add_case(db_url, "conv-notes")
    login(client, "amira")
    page = f"/staff/cases/{reference}"
    post(client, f"{page}/notes", {"body": "Called back, no answer"}, page=page)
    post(client, f"{page}/status", {"status": "waiting_for_resident"}, page=page)
    with session_scope(db_url) as session:
        case = session.execute(select(Case).where(Case.reference == reference)).scalar_one()
        assert case.status == "waiting_for_resident"
        assert [note.body for note in case.notes] == ["Called back, no answer"]
        assert [event.kind for event in case.events][-2:] == ["note", "status"]


def _app_with_rasa(monkeypatch: pytest.MonkeyPatch, fake: FakeRasa) -> Flask:
    monkeypatch.setenv("RASA_URL", fake.url)
    return create_app({"TESTING": True})


def test_take_reply_hand_back_drive_rasa(db_url: str, fake_rasa: FakeRasa,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    add_staff(db_url, "sam")
    reference = add_case(db_url, "conv-live")
    fake_rasa.conversation("conv-live")
    client = _app_with_rasa(monkeypatch, fake_rasa).test_client()
    login(client, "sam")
    page = f"/staff/cases/{reference}"
    taken = post(client, f"{page}/take", {}, page=page)
    assert taken.status_code == 302
    post(client, f"{page}/reply", {"message": "Hello, this is Sam from the council"}, page=page)
    post(client, f"{page}/hand-back", {}, page=page)
    calls = [(kind, body) for kind, cid, body in fake_rasa.api_calls if kind != "tracker"]
    assert calls == [
        ("events", [{"event": "pause"}]),
        ("execute", {"name": "utter_staff_joined", "output_channel": "rest",
                     "token": "test-token"}),
        # verbatim, as a bot event; a REST conversation has no live channel to send it to
        ("events", [{"event": "bot", "text": "Hello, this is Sam from the council",
                     "metadata": {"utter_action": "utter_staff_message", "sender": "staff",
                                  "staff_name": "Sam"}}]),  # from the display name
        ("execute", {"name": "utter_staff_left", "output_channel": "rest",
                     "token": "test-token"}),
        ("events", [{"event": "resume"}, {"event": "action", "name": "action_listen"}]),
    ]
    with session_scope(db_url) as session:
        case = session.execute(select(Case).where(Case.reference == reference)).scalar_one()
        assert (case.assigned_to, case.status) == ("sam", "in_progress")
        kinds = [event.kind for event in case.events]
    assert kinds[-3:] == ["taken", "reply", "handed_back"]
    assert [row.action for row in audit_rows(db_url, "case.take")] == ["case.take"]


def test_reply_needs_the_case_taken(db_url: str, fake_rasa: FakeRasa,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    add_staff(db_url, "sam")
    reference = add_case(db_url, "conv-notaken")
    client = _app_with_rasa(monkeypatch, fake_rasa).test_client()
    login(client, "sam")
    page = f"/staff/cases/{reference}"
    response = post(client, f"{page}/reply", {"message": "hi"}, page=page)
    assert response.status_code == 409
    assert "Take the case before replying" in response.get_data(as_text=True)
    assert not [call for call in fake_rasa.api_calls if call[0] != "tracker"]


def test_take_when_rasa_is_down_is_recorded_with_a_warning(
    client: FlaskClient, db_url: str
) -> None:
    add_staff(db_url, "sam")
    reference = add_case(db_url, "conv-down")
    login(client, "sam")
    page = f"/staff/cases/{reference}"
    response = post(client, f"{page}/take", {}, page=page)
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Saved, but pausing the assistant and telling the resident failed" in shown
    assert "Could not reach the assistant server" in shown
    with session_scope(db_url) as session:
        case = session.execute(select(Case).where(Case.reference == reference)).scalar_one()
        assert (case.assigned_to, case.status) == ("sam", "in_progress")
        kinds = [event.kind for event in case.events]
    assert kinds[-2:] == ["taken", "rasa_error"]


def test_reply_on_rest_channel_warns_not_delivered(db_url: str, fake_rasa: FakeRasa,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    add_staff(db_url, "sam")
    reference = add_case(db_url, "conv-rest", channel="rest")
    fake_rasa.conversation("conv-rest").channel = "rest"
    client = _app_with_rasa(monkeypatch, fake_rasa).test_client()
    login(client, "sam")
    page = f"/staff/cases/{reference}"
    response = post(client, f"{page}/take", {}, page=page)
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "cannot receive messages from staff" in shown


def test_resolve_hands_back_and_leaves_queue(db_url: str, fake_rasa: FakeRasa,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    add_staff(db_url, "sam")
    reference = add_case(db_url, "conv-resolve")
    client = _app_with_rasa(monkeypatch, fake_rasa).test_client()
    login(client, "sam")
    page = f"/staff/cases/{reference}"
    post(client, f"{page}/take", {}, page=page)
    post(client, f"{page}/resolve", {"outcome": "resolved_in_chat", "confirm": "1"}, page=page)
    assert fake_rasa.conversation("conv-resolve").paused is False
    assert client.get("/staff/api/queue").get_json()["cases"] == []
    with session_scope(db_url) as session:
        case = session.execute(select(Case).where(Case.reference == reference)).scalar_one()
        assert case.status == "resolved" and case.resolved_at is not None


def test_transcript_feed_shows_paused_state(db_url: str, fake_rasa: FakeRasa,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    add_staff(db_url, "sam")
    reference = add_case(db_url, "conv-feed")
    conversation = fake_rasa.conversation("conv-feed")
    conversation.events += [
        {"event": "user", "text": "my bins were missed", "timestamp": 1_700_000_000.0},
        {"event": "bot", "text": "Sorry to hear that", "timestamp": 1_700_000_001.0},
        {"event": "pause", "timestamp": 1_700_000_002.0},
    ]
    conversation.paused = True
    client = _app_with_rasa(monkeypatch, fake_rasa).test_client()
    login(client, "sam")
    feed = client.get(f"/staff/api/cases/{reference}/transcript").get_json()
    assert feed["paused"] is True and feed["count"] == 3
    assert "my bins were missed" in feed["html"] and "Assistant paused" in feed["html"]
    client.get(f"/staff/api/cases/{reference}/transcript")  # polled again: one audit row
    assert len(audit_rows(db_url, "case.view_transcript")) == 1


# -- supervisor tools ----------------------------------------------------------------------------


def test_supervisor_status_edit_changes_the_database(client: FlaskClient, db_url: str) -> None:
    add_staff(db_url, "boss", "supervisor")
    login(client, "boss")
    response = post(client, "/staff/admin/statuses/westminster/libraries", {
        "state": "unavailable", "affected": "All libraries closed today.",
        "workaround": "Use the mobile library.", "expected_restoration": "Monday",
    }, page="/staff/admin/statuses?council=westminster")
    assert response.status_code == 302
    with session_scope(db_url) as session:
        view = get_status(session, "westminster", "libraries")
    assert (view.state, view.affected, view.updated_by) == (
        "unavailable", "All libraries closed today.", "boss")
    assert [row.target for row in audit_rows(db_url, "status.update")] == [
        "westminster/libraries"]
    detail = audit_rows(db_url, "status.update")[0].detail  # before and after, not just after
    assert "state: disrupted -> unavailable" in detail  # Westminster libraries in the seed
    assert "affected: Libraries are open, but new members cannot join" in detail
    assert "-> All libraries closed today." in detail
    assert "expected restoration: nobody -> Monday" in detail
    bad = post(client, "/staff/admin/statuses/westminster/libraries", {"state": "exploded"},
               page="/staff/admin/statuses")
    assert "Not saved" in client.get(bad.headers["Location"]).get_data(as_text=True)


def test_published_update_becomes_the_public_banner(client: FlaskClient, db_url: str) -> None:
    add_staff(db_url, "boss", "supervisor")
    login(client, "boss")
    post(client, "/staff/admin/incidents", {
        "council": "westminster", "kind": "general", "title": "Phones are back <b>today</b>",
        "body": "Main lines work again.",
    }, page="/staff/admin/incidents")
    public = client.get("/c/westminster").get_data(as_text=True)
    banner = public.split('class="incident-banner"', 1)[1]
    assert banner.index("Phones are back &lt;b&gt;today&lt;/b&gt;") < banner.index("Earlier")
    with session_scope(db_url) as session:
        update = session.execute(
            select(IncidentUpdate).where(IncidentUpdate.published_by == "boss")).scalar_one()
    post(client, f"/staff/admin/incidents/{update.id}/visibility", {"visible": "0"},
         page="/staff/admin/incidents")
    assert "Phones are back" not in client.get("/c/westminster").get_data(as_text=True)


def test_audit_page_lists_actions(client: FlaskClient, db_url: str) -> None:
    add_staff(db_url, "boss", "supervisor")
    reference = add_case(db_url, "conv-auditpage")
    login(client, "boss")
    client.get(f"/staff/cases/{reference}")
    page = client.get("/staff/admin/audit?actor=boss").get_data(as_text=True)
    assert "case.view" in page and reference in page and "auth.login" in page


# -- public pages ------------------------------------------------------------------------------


def test_public_pages(client: FlaskClient) -> None:
    index = client.get("/").get_data(as_text=True)
    for council in ("kensington_chelsea", "hammersmith_fulham", "westminster"):
        assert f"/c/{council}" in index
    page = client.get("/c/westminster")
    text = page.get_data(as_text=True)
    assert 'data-council="westminster"' in text
    assert 'data-socket-url="http://127.0.0.1:9"' in text
    assert 'role="log"' in text and 'aria-live="polite"' in text
    assert "connect-src 'self' http://127.0.0.1:9 ws://127.0.0.1:9" in page.headers[
        "Content-Security-Policy"]
    assert client.get("/c/atlantis").status_code == 404
    assert client.get("/vendor/package.json").status_code == 404


def test_public_index_says_what_is_disrupted_from_the_status_database(
    client: FlaskClient, db_url: str
) -> None:
    index = client.get("/").get_data(as_text=True)
    assert "phone lines and online services disrupted" not in index  # no fixed claim
    assert "The council phone lines and some services in" in index  # seeded: K&amp;C lines down
    with session_scope(db_url) as session:
        for view in list_statuses(session, "kensington_chelsea"):
            set_status(session, "kensington_chelsea", view.service_id, "operating", "test")
    index = client.get("/").get_data(as_text=True)
    assert "All council services are working at the moment." in index
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_vendor_route_serves_socket_io_client(app: Flask) -> None:
    if not (app.config["CONSOLE_SETTINGS"].node_modules / "socket.io-client").exists():
        pytest.skip("node_modules not installed (run npm ci)")
    response = app.test_client().get("/vendor/socket.io.min.js")
    assert response.status_code == 200
    assert "javascript" in response.headers["Content-Type"]
    response.close()


# -- CLI ---------------------------------------------------------------------------------------


def test_cli_staff_add_list_disable(db_url: str, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert bot_cli(["staff", "add", "Priya", "--role", "supervisor", "--name", "Priya S",
                    "--password-stdin"]) == 0
    assert bot_cli(["staff", "list"]) == 0
    assert "priya" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert bot_cli(["staff", "add", "tom", "--role", "agent", "--password-stdin"]) == 2
    assert bot_cli(["staff", "disable", "priya"]) == 0
    with session_scope(db_url) as session:
        user = session.execute(select(StaffUser)).scalar_one()
        assert (user.username, user.role, user.active) == ("priya", "supervisor", False)
        assert session.execute(select(CaseEvent)).first() is None


def test_cli_prompts_twice(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    answers = iter([PASSWORD, "different password!!"])
    monkeypatch.setattr("getpass.getpass", lambda _prompt: next(answers))
    assert bot_cli(["staff", "add", "tom", "--role", "agent"]) == 2
