"""The supervisor dashboard (#16.7): figures from a real seeded database and a real tracker
events table, charts drawn on the server as SVG, supervisors only."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import insert, select

from bot.console.app import create_app
from bot.console.charts import bar_chart
from bot.console.dashboard import day_picture
from bot.db.engine import session_scope
from bot.db.models import Case, CaseEvent, utcnow
from bot.privacy.retention import TRACKER_EVENTS, tracker_engine, tracker_metadata
from tests.console.conftest import add_case, add_staff, login


def user_event(at: float, service: str | None = None) -> dict[str, object]:
    entities = [{"entity": "service", "value": service}] if service else []
    return {"sender_id": "s", "type_name": "user", "timestamp": at, "intent_name": "x",
            "data": json.dumps({"event": "user", "text": "[redacted]",
                                "parse_data": {"entities": entities}})}


@pytest.fixture()
def tracker_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    engine = tracker_engine(url)
    tracker_metadata.create_all(engine)
    now = time.time()
    rows = [user_event(now - 60, "council_tax"), user_event(now - 120, "council_tax"),
            user_event(now - 3 * 3600, "parking"), user_event(now - 3 * 3600),
            user_event(now - 3 * 86400, "parking")]  # the last one is outside the day
    with engine.begin() as connection:
        connection.execute(insert(TRACKER_EVENTS), rows)
    return url


def backdate(db_url: str, reference: str, minutes: int, responded_after: int | None) -> None:
    with session_scope(db_url) as session:
        case = session.execute(select(Case).where(Case.reference == reference)).scalar_one()
        case.created_at = utcnow() - timedelta(minutes=minutes)
        if responded_after is not None:
            session.add(CaseEvent(case_id=case.id, actor="sam", kind="taken",
                                  created_at=case.created_at + timedelta(
                                      minutes=responded_after)))


def test_day_picture_figures(db_url: str, tracker_url: str) -> None:
    urgent = add_case(db_url, "c1", "urgent", category="urgent_help")
    with session_scope(db_url) as session:
        session.execute(select(Case).where(Case.reference == urgent)).scalar_one(
        ).urgent_category = "gas_leak"
    late = add_case(db_url, "c2", "standard", breached=True, council_id="kensington_chelsea")
    third = add_case(db_url, "c3", "high", council_id="kensington_chelsea")
    backdate(db_url, urgent, 50, 4)
    backdate(db_url, late, 40, 10)
    backdate(db_url, third, 30, 30)
    with session_scope(db_url) as session:
        picture = day_picture(session, tracker_url)
    assert picture.open_total == 3
    assert picture.by_priority == [("urgent", 1), ("high", 1), ("standard", 1)]
    assert ("Gas leak", 1) in picture.by_category
    assert dict(picture.by_council) == {"Kensington and Chelsea": 2, "Westminster": 1}
    assert picture.breached_open == 1 and picture.breaches[0].reference == late
    assert picture.median_first_response_seconds == 600
    assert picture.median_first_response == "10 min"
    assert sum(count for _hour, count in picture.cases_per_hour) == 3
    assert sum(count for _hour, count in picture.messages_per_hour) == 4
    assert len(picture.messages_per_hour) == 24
    assert picture.top_services == [("Council tax", 2), ("Parking permits and fines", 1)]
    assert picture.tracker_error == ""


def test_dashboard_page_draws_svg_for_supervisors_only(
    db_url: str, tracker_url: str
) -> None:
    app: Flask = create_app({"TESTING": True, "DATABASE_URL": db_url,
                             "TRACKER_DB_URL": tracker_url})
    add_staff(db_url, "boss", "supervisor")
    add_staff(db_url, "amira")
    add_case(db_url, "c1", "urgent", category="urgent_help")
    agent = app.test_client()
    login(agent, "amira")
    assert agent.get("/staff/dashboard").status_code == 403
    boss = app.test_client()
    login(boss, "boss")
    html = boss.get("/staff/dashboard").get_data(as_text=True)
    assert html.count('<svg class="chart"') == 6
    assert "Most-asked services" in html and "Council tax" in html
    assert "<script" not in html.split("<main")[1].split("</main>")[0]
    assert "cdn" not in html.lower()


def test_dashboard_survives_an_unreadable_tracker(db_url: str, tmp_path: Path) -> None:
    with session_scope(db_url) as session:
        picture = day_picture(session, f"sqlite:///{tmp_path / 'nothing-here.db'}")
    assert picture.tracker_error == "No conversations have been stored yet."
    assert picture.open_total == 0


def test_chart_labels_are_escaped() -> None:
    svg = str(bar_chart("c", "<b>title</b>", [("<script>x</script>", 3)]))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "&lt;b&gt;title&lt;/b&gt;" in svg
