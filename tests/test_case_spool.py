"""Spooled requests: a disclosed risk is spooled as urgent, the issue text is redacted, and the
replay writes each spooled case exactly once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.db.engine import session_scope
from bot.db.models import Case
from bot.services.case_spool import replay_spool, spool_request


@pytest.fixture()
def spool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CASE_SPOOL_DIR", str(tmp_path / "spool"))
    return tmp_path / "spool"


def test_risk_in_the_message_makes_the_spooled_case_urgent(spool: Path) -> None:
    path = spool_request("conv-1", "rest", "human_request", "standard",
                         "we have no heating and my mum is 90, call 07700 900123")
    payload = json.loads(path.read_text())
    assert payload["priority"] == "urgent" and payload["category"] == "urgent_help"
    assert payload["urgent_category"]
    assert "07700 900123" not in payload["issue"]


def test_plain_request_keeps_its_category(spool: Path) -> None:
    payload = json.loads(spool_request("conv-2", "sms", "complaint", "standard",
                                       "the bins were not collected").read_text())
    assert (payload["category"], payload["priority"], payload["urgent_category"]) == (
        "complaint", "standard", None)


def test_replay_writes_each_spooled_case_once(spool: Path, db_url: str) -> None:
    spool_request("conv-3", "rest", "human_request", "standard", "please call me back")
    spool_request("conv-3", "rest", "human_request", "standard", "please call me back")
    replay_spool()
    replay_spool()
    with session_scope(db_url) as session:
        count = session.execute(select(func.count()).select_from(Case)
                                .where(Case.conversation_id == "conv-3")).scalar()
    assert count == 1
    assert not list(spool.glob("*.json"))
