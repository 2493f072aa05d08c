"""The queue at incident scale (#16.5) and who may work which case (#15.6), via Flask's client.

Real seeded database, CSRF on; Rasa is the in-process fake where an action talks to it.
"""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from bot.console.app import create_app
from bot.console.worklist import PAGE_SIZE
from bot.db.engine import session_scope
from bot.db.models import AuditLog, Case
from tests.console.conftest import add_case, add_staff, login, post
from tests.console.fake_rasa import FakeRasa


def set_case(db_url: str, reference: str, **values: object) -> None:
    with session_scope(db_url) as session:
        case = session.execute(select(Case).where(Case.reference == reference)).scalar_one()
        for key, value in values.items():
            setattr(case, key, value)


def refs(client: FlaskClient, query: str = "") -> list[str]:
    response = client.get(f"/staff/api/queue{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return [row["reference"] for row in response.get_json()["cases"]]


def audit_details(db_url: str, action: str) -> list[str]:
    with session_scope(db_url) as session:
        return [row.detail for row in session.execute(
            select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)).scalars()]


@pytest.fixture()
def rasa_app(db_url: str, fake_rasa: FakeRasa, monkeypatch: pytest.MonkeyPatch) -> Flask:
    monkeypatch.setenv("RASA_URL", fake_rasa.url)
    return create_app({"TESTING": True, "DATABASE_URL": db_url})


def test_about_names_the_urgent_category_first_in_words(client: FlaskClient, db_url: str) -> None:
    add_staff(db_url, "amira")
    urgent = add_case(db_url, "c1", "urgent", category="urgent_help", service_id="benefits",
                      issue="Boiler broken, no hot water, baby at home")
    set_case(db_url, urgent, urgent_category="no_heating_or_water")
    add_case(db_url, "c2", "standard", category="complaint", service_id="parking")
    login(client, "amira")
    feed = client.get("/staff/api/queue").get_json()
    about = {row["reference"]: row["about"] for row in feed["cases"]}
    assert about[urgent] == "No heating or water: Housing benefit and council tax support"
    assert "no_heating_or_water" not in feed["table_html"]
    assert "No heating or water: Housing benefit and council tax support" in feed["table_html"]
    assert "Complaint: Parking" in feed["table_html"]
    page = client.get(f"/staff/cases/{urgent}").get_data(as_text=True)
    assert "(No heating or water)" in page and "no_heating_or_water" not in page


def test_filters_priority_category_council_interpreter_status(
    client: FlaskClient, db_url: str
) -> None:
    add_staff(db_url, "amira")
    gas = add_case(db_url, "c1", "urgent", category="urgent_help", council_id="westminster")
    set_case(db_url, gas, urgent_category="gas_leak")
    high_kc = add_case(db_url, "c2", "high", council_id="kensington_chelsea")
    interp = add_case(db_url, "c3", "standard", council_id="hammersmith_fulham")
    set_case(db_url, interp, interpreter_language="Arabic")
    done = add_case(db_url, "c4", "standard")
    set_case(db_url, done, status="resolved", outcome="duplicate")
    login(client, "amira")

    assert refs(client, "?priority=high") == [high_kc]
    assert refs(client, "?category=urgent:gas_leak") == [gas]
    assert refs(client, "?council=hammersmith_fulham") == [interp]
    assert refs(client, "?interpreter=1") == [interp]
    assert done not in refs(client)
    assert refs(client, "?status=resolved") == [done]
    assert set(refs(client, "?status=all")) == {gas, high_kc, interp, done}
    assert refs(client, "?priority=bogus") == refs(client)  # unknown values are ignored
    page = client.get("/staff?status=resolved").get_data(as_text=True)
    assert "Duplicate of another case" in page


def test_search_by_reference_name_phone_and_postcode(client: FlaskClient, db_url: str) -> None:
    add_staff(db_url, "amira")
    alex = add_case(db_url, "c1", name="Alex Morgan", phone="+447700900123",
                    postcode="W10 6EL")
    other = add_case(db_url, "c2", name="Priya Shah", phone="+447700900456",
                     postcode="SW1A 1AA")
    login(client, "amira")
    assert refs(client, f"?q={alex.lower()}") == [alex]
    assert refs(client, "?q=morgan") == [alex]
    assert refs(client, "?q=07700%20900%20123") == [alex]
    assert refs(client, "?q=%2B447700900456") == [other]
    assert refs(client, "?q=w106el") == [alex]
    assert refs(client, "?q=sw1a%201aa") == [other]
    assert refs(client, "?q=nobody-like-this") == []
    assert refs(client, "?q=%25") == []  # LIKE wildcards are literal


def test_pagination(client: FlaskClient, db_url: str) -> None:
    add_staff(db_url, "amira")
    made = [add_case(db_url, f"c{n}") for n in range(PAGE_SIZE + 5)]
    login(client, "amira")
    first, second = refs(client), refs(client, "?page=2")
    assert len(first) == PAGE_SIZE and len(second) == 5
    assert sorted(first + second) == sorted(made)
    page = client.get("/staff").get_data(as_text=True)
    assert f"Showing 1 to {PAGE_SIZE} of {PAGE_SIZE + 5} cases" in page
    assert 'rel="next"' in page
    for odd in ("99999999999999999999", "-3", "abc", "0"):
        assert client.get(f"/staff?page={odd}").status_code == 200
    assert refs(client, "?page=99") == second  # past the end: the last page


def test_agent_sees_and_acts_on_only_their_councils(
    rasa_app: Flask, db_url: str, fake_rasa: FakeRasa
) -> None:
    add_staff(db_url, "wendy", councils=("westminster",))
    add_staff(db_url, "boss", "supervisor")
    mine = add_case(db_url, "c1", council_id="westminster")
    theirs = add_case(db_url, "c2", council_id="kensington_chelsea")
    unknown = add_case(db_url, "c3", council_id=None)
    fake_rasa.conversation("c2")
    wendy = rasa_app.test_client()
    login(wendy, "wendy")
    assert set(refs(wendy)) == {mine, unknown}
    assert refs(wendy, "?council=kensington_chelsea") == []
    assert wendy.get(f"/staff/cases/{theirs}").status_code == 404
    assert wendy.get(f"/staff/api/cases/{theirs}/transcript").status_code == 404
    assert wendy.get(f"/staff/api/stream?case={theirs}").status_code == 404
    page = f"/staff/cases/{mine}"
    for action in ("take", "resolve", "reopen", "assign", "notes", "status", "hand-back"):
        assert post(wendy, f"/staff/cases/{theirs}/{action}", {}, page=page).status_code == 404
    assert [call for call in fake_rasa.api_calls if call[0] != "tracker"] == []
    assert "Kensington" not in wendy.get("/staff").get_data(as_text=True).split(
        'id="f-council"')[1].split("</select>")[0]

    boss = rasa_app.test_client()
    login(boss, "boss")
    assert set(refs(boss)) == {mine, theirs, unknown}


def test_agent_with_no_council_is_told(client: FlaskClient, db_url: str) -> None:
    add_staff(db_url, "newbie", councils=())
    add_case(db_url, "c1", council_id="westminster")
    login(client, "newbie")
    page = client.get("/staff").get_data(as_text=True)
    assert "not assigned to any council" in page
    assert refs(client) == []


def test_supervisor_sets_an_agents_councils(client: FlaskClient, db_url: str) -> None:
    add_staff(db_url, "boss", "supervisor")
    add_staff(db_url, "wendy", councils=("westminster",))
    login(client, "boss")
    post(client, "/staff/admin/staff/wendy/councils",
         {"council": "kensington_chelsea"}, page="/staff/admin/staff")
    assert audit_details(db_url, "staff.councils") == [
        "councils: westminster -> kensington_chelsea"]
    theirs = add_case(db_url, "c1", council_id="kensington_chelsea")
    other = client.application.test_client()
    login(other, "wendy")
    assert refs(other) == [theirs]


def test_hand_back_and_resolve_only_by_assignee_or_supervisor(
    rasa_app: Flask, db_url: str, fake_rasa: FakeRasa
) -> None:
    add_staff(db_url, "sam")
    add_staff(db_url, "kim")
    add_staff(db_url, "boss", "supervisor")
    reference = add_case(db_url, "conv-1")
    fake_rasa.conversation("conv-1")
    page = f"/staff/cases/{reference}"
    sam, kim, boss = (rasa_app.test_client() for _ in range(3))
    login(sam, "sam")
    login(kim, "kim")
    login(boss, "boss")
    post(sam, f"{page}/take", {}, page=page)
    resolved = {"outcome": "resolved_by_phone", "confirm": "1"}

    post(kim, f"{page}/hand-back", {}, page=page)
    assert fake_rasa.conversation("conv-1").paused is True
    assert "Only sam or a supervisor" in kim.get(page).get_data(as_text=True)
    post(kim, f"{page}/resolve", resolved, page=page)
    post(kim, f"{page}/assign", {"assignee": "kim"}, page=page)
    with session_scope(db_url) as session:
        case = session.execute(select(Case).where(Case.reference == reference)).scalar_one()
        assert (case.status, case.assigned_to) == ("in_progress", "sam")

    post(boss, f"{page}/hand-back", {}, page=page)
    assert fake_rasa.conversation("conv-1").paused is False
    post(boss, f"{page}/resolve", resolved, page=page)
    with session_scope(db_url) as session:
        case = session.execute(select(Case).where(Case.reference == reference)).scalar_one()
        assert (case.status, case.outcome) == ("resolved", "resolved_by_phone")


def test_assign_to_a_colleague_and_reopen_keep_before_and_after(
    client: FlaskClient, db_url: str
) -> None:
    add_staff(db_url, "sam")
    add_staff(db_url, "kim", councils=("westminster",))
    add_staff(db_url, "kit", councils=("kensington_chelsea",))
    reference = add_case(db_url, "conv-1", council_id="westminster")
    login(client, "sam")
    page = f"/staff/cases/{reference}"
    html = client.get(page).get_data(as_text=True)
    assert '<option value="kim">' in html and '<option value="kit">' not in html

    post(client, f"{page}/assign", {"assignee": "kit"}, page=page)  # not a Westminster agent
    assert "works for this case" in client.get(page).get_data(as_text=True)
    post(client, f"{page}/assign", {"assignee": "kim"}, page=page)
    assert audit_details(db_url, "case.assign") == ["assigned to: nobody -> kim"]
    assert refs(client, "?mine=1") == []

    # resolving needs an outcome and the confirmation box
    post(client, f"{page}/resolve", {"outcome": "referred"}, page=page)
    assert "Tick the box" in client.get(page).get_data(as_text=True)
    client = client.application.test_client()
    login(client, "kim")
    post(client, f"{page}/resolve", {"outcome": "referred", "confirm": "1"}, page=page)
    assert audit_details(db_url, "case.resolve") == [
        "status: new -> resolved; outcome: nobody -> referred"]
    assert reference not in refs(client)
    post(client, f"{page}/reopen", {}, page=page)
    assert audit_details(db_url, "case.reopen") == [
        "status: resolved -> in_progress; outcome: referred -> nobody"]
    assert reference in refs(client)
    post(client, f"{page}/status", {"status": "waiting_for_resident"}, page=page)
    assert audit_details(db_url, "case.status") == [
        "status: in_progress -> waiting_for_resident"]


def test_cli_adds_an_agent_with_councils(
    db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io

    from bot.cli.main import main as bot_cli
    from bot.console.scope import councils_of
    from tests.console.conftest import PASSWORD

    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert bot_cli(["staff", "add", "wendy", "--role", "agent", "--council", "westminster",
                    "--council", "nowhere", "--password-stdin"]) == 0
    assert "councils: westminster" in capsys.readouterr().out
    with session_scope(db_url) as session:
        assert councils_of(session, "wendy") == ["westminster"]
