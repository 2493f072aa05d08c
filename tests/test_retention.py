"""Purge removes what is past its retention period (and only that); export shows a resident
everything held about them."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select

from bot.cli.main import main
from bot.db.engine import session_scope
from bot.db.models import (
    AuditLog,
    Case,
    CaseNote,
    Council,
    SmsConversation,
    SmsMessage,
    utcnow,
)
from bot.privacy.retention import (
    TRACKER_EVENTS,
    export_resident,
    parse_age,
    purge,
    tracker_engine,
)

NOW = utcnow()
OLD_PHONE = "+447700900111"
OPEN_PHONE = "+447700900222"


def _ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def _case(reference: str, conversation: str, status: str, council: str,
          resolved_days_ago: float | None, **contact: object) -> Case:
    resolved = _ago(resolved_days_ago) if resolved_days_ago is not None else None
    return Case(reference=reference, conversation_key=f"key-{conversation}",
                conversation_id=conversation, category="data_concern", status=status,
                council_id=council, resolved_at=resolved, created_at=_ago(200),
                updated_at=resolved or _ago(1), **contact)


def _seed_app(db_url: str) -> None:
    with session_scope(db_url) as session:
        session.get(Council, "westminster").retention_days = 30
        old = _case("KC-AAAA-0001", "web-old", "resolved", "kensington_chelsea", 100,
                    name="Jo Bloggs", phone=OLD_PHONE, email="jo@example.com",
                    postcode="W10 6EL", contact_time="after 6pm", interpreter_language="Polish",
                    details={"said": "call 07700 900111"})
        session.add_all([
            old,
            _case("KC-AAAA-0002", "web-recent", "resolved", "kensington_chelsea", 10,
                  phone="+447700900333"),
            _case("KC-AAAA-0003", "sms-open", "in_progress", "kensington_chelsea", None,
                  phone=OPEN_PHONE),
            _case("WM-AAAA-0004", "web-wm", "resolved", "westminster", 40,
                  email="wm@example.com"),
            SmsConversation(conversation_id="sms-old", phone=OLD_PHONE, created_at=_ago(150),
                            last_inbound_at=_ago(100)),
            SmsConversation(conversation_id="sms-open", phone=OPEN_PHONE, created_at=_ago(150),
                            last_inbound_at=_ago(100)),
            SmsConversation(conversation_id="sms-recent", phone="+447700900444",
                            created_at=_ago(5), last_inbound_at=_ago(1)),
            SmsMessage(message_sid="SM1", direction="inbound", phone=OLD_PHONE,
                       created_at=_ago(100)),
            SmsMessage(message_sid="SM2", direction="inbound", phone=OPEN_PHONE,
                       created_at=_ago(100)),
        ])
        session.flush()
        session.add(CaseNote(case_id=old.id, author="agent", body="rang 07700 900111, no answer"))


def _seed_tracker(url: str) -> None:
    engine = tracker_engine(url)
    TRACKER_EVENTS.metadata.create_all(engine)
    rows = [
        ("web-old", 100, "call 07700 900111"), ("web-old", 1, "[PHONE] again"),
        ("web-wm", 40, "[EMAIL]"), ("web-wm", 10, "thanks"), ("sms-open", 100, "help"),
    ]
    with engine.begin() as connection:
        for sender, days, text in rows:
            stamp = _ago(days).replace(tzinfo=timezone.utc).timestamp()
            connection.execute(insert(TRACKER_EVENTS).values(
                sender_id=sender, type_name="user", timestamp=stamp,
                data=json.dumps({"event": "user", "text": text, "timestamp": stamp})))


@pytest.fixture()
def tracker_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    monkeypatch.setenv("TRACKER_DB_URL", url)
    return url


@pytest.fixture()
def seeded(db_url: str, tracker_url: str) -> tuple[str, str]:
    _seed_app(db_url)
    _seed_tracker(tracker_url)
    return db_url, tracker_url


def _tracker_count(url: str) -> int:
    with tracker_engine(url).connect() as connection:
        return connection.execute(select(func.count()).select_from(TRACKER_EVENTS)).scalar_one()


def test_parse_age() -> None:
    assert parse_age("90d") == timedelta(days=90)
    assert parse_age("12h") == timedelta(hours=12)
    for bad in ("90", "d", "0d", "3w", ""):
        with pytest.raises(ValueError):
            parse_age(bad)


def test_dry_run_counts_without_changing_anything(seeded: tuple[str, str]) -> None:
    db_url, tracker_url = seeded
    report = purge(timedelta(days=90), dry_run=True, now=NOW)
    assert (report.tracker_events, report.cases_cleared, report.sms_conversations,
            report.sms_messages) == (3, 2, 1, 1)
    assert report.summary().startswith("would remove")
    assert _tracker_count(tracker_url) == 5
    with session_scope(db_url) as session:
        assert session.scalar(select(Case).where(Case.reference == "KC-AAAA-0001")).phone
        assert session.scalar(select(func.count(SmsConversation.conversation_id))) == 3


def test_purge_removes_only_what_is_past_retention(seeded: tuple[str, str]) -> None:
    db_url, tracker_url = seeded
    report = purge(timedelta(days=90), now=NOW)
    # tracker: web-old (100 d) and sms-open (100 d) by the 90 d limit, web-wm (40 d) by
    # Westminster's 30 d; the recent events stay.
    assert report.tracker_events == 3
    assert _tracker_count(tracker_url) == 2
    with session_scope(db_url) as session:
        cases = {c.reference: c for c in session.scalars(select(Case))}
        old = cases["KC-AAAA-0001"]
        assert (old.name, old.phone, old.email, old.postcode, old.contact_time,
                old.interpreter_language) == (None,) * 6
        assert old.details == {"said": "call [PHONE]"}
        assert old.notes[0].body == "rang [PHONE], no answer"
        assert cases["WM-AAAA-0004"].email is None  # council's shorter period
        assert cases["KC-AAAA-0002"].phone == "+447700900333"  # resolved recently
        assert cases["KC-AAAA-0003"].phone == OPEN_PHONE  # still open
        conversations = set(session.scalars(select(SmsConversation.conversation_id)))
        assert conversations == {"sms-open", "sms-recent"}
        assert set(session.scalars(select(SmsMessage.message_sid))) == {"SM2"}
        assert session.scalar(select(AuditLog).where(AuditLog.action == "privacy.purge"))
    assert report.cases_cleared == 2 and report.sms_conversations == 1
    again = purge(timedelta(days=90), now=NOW)
    assert (again.tracker_events, again.cases_cleared, again.sms_conversations,
            again.sms_messages) == (0, 0, 0, 0)


def test_export_by_phone_collects_cases_sms_and_redacted_tracker(seeded) -> None:
    data = export_resident(phone="07700 900111")
    assert [c["reference"] for c in data["cases"]] == ["KC-AAAA-0001"]
    assert data["cases"][0]["notes"][0]["body"] == "rang 07700 900111, no answer"
    assert [s["conversation_id"] for s in data["sms_conversations"]] == ["sms-old"]
    assert [m["message_sid"] for m in data["sms_messages"]] == ["SM1"]
    events = data["tracker_events"]["web-old"]
    assert [e["data"]["text"] for e in events] == ["call [PHONE]", "[PHONE] again"]
    json.dumps(data)  # serialisable as it is


def test_export_by_case_is_limited_to_that_case(seeded) -> None:
    data = export_resident(reference="kc-aaaa-0003")
    assert [c["reference"] for c in data["cases"]] == ["KC-AAAA-0003"]
    assert [s["conversation_id"] for s in data["sms_conversations"]] == ["sms-open"]
    assert list(data["tracker_events"]) == ["sms-open"]
    with pytest.raises(ValueError):
        export_resident(reference="KC-ZZZZ-9999")
    with pytest.raises(ValueError):
        export_resident(phone="12345")


def test_cli_purge_and_export(seeded, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["privacy", "purge", "--older-than", "90d", "--dry-run"]) == 0
    assert capsys.readouterr().out.startswith("would remove: 3 tracker events")
    assert main(["privacy", "export", "--case", "KC-AAAA-0001"]) == 0
    exported = json.loads(capsys.readouterr().out)
    assert exported["cases"][0]["phone"] == OLD_PHONE
    assert main(["privacy", "purge", "--older-than", "90d"]) == 0
    assert capsys.readouterr().out.startswith("removed: 3 tracker events")
    assert main(["privacy", "export", "--phone", "not a phone"]) == 2


def test_missing_tracker_table_is_not_an_error(db_url: str, tracker_url: str) -> None:
    report = purge(timedelta(days=90), now=NOW)
    assert report.tracker_events == 0
    assert export_resident(phone="+447700900999")["tracker_events"] == {}
