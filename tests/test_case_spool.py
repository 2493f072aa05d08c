"""Spooled requests: a disclosed risk is spooled as urgent, the issue text is redacted, and the
replay writes each spooled case exactly once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.db.engine import session_scope
from bot.db.models import Case
from bot.services.case_kinds import case_kind_for
from bot.services.case_spool import replay_spool, spool_request
from bot.triage import UrgentCategory


@pytest.fixture()
def spool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CASE_SPOOL_DIR", str(tmp_path / "spool"))
    return tmp_path / "spool"


def _spool(conversation: str, channel: str, action: str, text: str) -> Path:
    return spool_request(conversation, channel, case_kind_for(action, text), text)


def test_risk_in_the_message_makes_the_spooled_case_urgent(spool: Path) -> None:
    text = "we have no heating and my mum is 90, call 07700 900123"
    kind = case_kind_for("action_start_case", text)
    assert (kind.category, kind.priority) == ("urgent_help", "urgent")
    assert kind.urgent_category == UrgentCategory.NO_HEATING_OR_WATER
    payload = json.loads(spool_request("conv-1", "rest", kind, text).read_text())
    assert payload["priority"] == "urgent" and payload["category"] == "urgent_help"
    assert payload["urgent_category"] == "no_heating_or_water"
    assert "07700 900123" not in payload["issue"]


def test_the_risk_rules_run_once_on_the_failed_write_path(
    spool: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from actions.actions import _spool_and_explain
    from bot.services.turn import TurnContext
    from bot.triage import engine

    calls: list[str] = []
    real = engine.detect_risk

    def counting(text: str):  # noqa: ANN202
        calls.append(text)
        return real(text)

    monkeypatch.setattr(engine, "detect_risk", counting)
    text = "my husband hits me and I need to leave"
    reply = _spool_and_explain("action_complaint")(TurnContext("conv-4", text=text))
    assert len(calls) == 1  # one look at the rules decides the case and the first reply
    payload = json.loads(next(spool.glob("*.json")).read_text())
    assert (payload["category"], payload["urgent_category"]) == ("urgent_help", "domestic_abuse")
    assert "999" in reply and "couldn't save your case" in reply


def test_plain_request_keeps_its_category(spool: Path) -> None:
    payload = json.loads(_spool("conv-2", "sms", "action_complaint",
                                "the bins were not collected").read_text())
    assert (payload["category"], payload["priority"], payload["urgent_category"]) == (
        "complaint", "standard", None)


def test_replay_writes_each_spooled_case_once(spool: Path, db_url: str) -> None:
    _spool("conv-3", "rest", "action_start_case", "please call me back")
    _spool("conv-3", "rest", "action_start_case", "please call me back")
    replay_spool()
    replay_spool()
    with session_scope(db_url) as session:
        count = session.execute(select(func.count()).select_from(Case)
                                .where(Case.conversation_id == "conv-3")).scalar()
    assert count == 1
    assert not list(spool.glob("*.json"))
