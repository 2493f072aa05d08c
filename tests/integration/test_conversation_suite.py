"""The conversation suite (issue #14): every conversation in tests/conversations/suite.yml and
blind.yml (docs/conversations.md), against the real Rasa and action servers, asserting on the
replies and on the case row.

One parametrised test reads the table, so a new conversation is a few lines of YAML. Web chat
conversations use Rasa's REST channel; SMS ones go through the signed Twilio webhook and are
counted in segments exactly as the channel sends them (devtools.bench.sms_segments).
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import select

from bot.channels.sms_render import gsm7_segments
from bot.db.engine import session_scope
from bot.db.models import Case
from devtools.bench.sms_segments import conversation_id, phone_number, sms_turn
from devtools.scaled.residents import target_from_stack

pytestmark = pytest.mark.integration
CONVERSATIONS = Path(__file__).parents[1] / "conversations"
# suite.yml: written with the fixes; blind.yml: written from the issue alone, never tuned to.
SUITE = [conversation for name in ("suite.yml", "blind.yml")
         for conversation in yaml.safe_load((CONVERSATIONS / name).read_text())]
# Said to nobody in any conversation: the holding reply means an action failed.
NEVER = ("something went wrong on our side",)
CASE_COLUMNS = ("submitted", "priority", "phone", "email", "postcode", "name", "contact_time",
                "safe_to_call", "category", "urgent_category")


def _case(servers, conversation: str) -> Case | None:
    with session_scope(servers.database_url) as session:
        case = session.execute(select(Case).where(Case.conversation_id == conversation)
                               .order_by(Case.id.desc())).scalars().first()
        if case is not None:
            session.expunge(case)
        return case


def _check_turn(turn: dict[str, Any], texts: list[str], where: str) -> None:
    said = " ".join(texts)
    lowered = said.lower()
    for wanted in turn.get("has", []):
        assert wanted.lower() in lowered, f"{where}: {wanted!r} not in reply: {said!r}"
    for unwanted in (*turn.get("lacks", []), *NEVER):
        assert unwanted.lower() not in lowered, f"{where}: {unwanted!r} in reply: {said!r}"
    if "max_segments" in turn:
        segments = sum(gsm7_segments(t) for t in texts)
        assert segments <= turn["max_segments"], f"{where}: {segments} segments: {texts!r}"
    if "first_max_segments" in turn:  # the answer itself, before any offer that follows
        assert texts and gsm7_segments(texts[0]) <= turn["first_max_segments"], (
            f"{where}: {texts!r}")
    if "first_starts" in turn:
        assert texts and re.match(turn["first_starts"], texts[0]), f"{where}: first {texts!r}"


def _check_case(case: Case | None, expected: dict[str, Any], where: str) -> None:
    assert case is not None, f"{where}: no case was opened"
    details = case.details or {}
    for column in CASE_COLUMNS:
        if column in expected:
            assert getattr(case, column) == expected[column], (
                f"{where}: case.{column} is {getattr(case, column)!r}, not {expected[column]!r}"
                f" (details {details!r})")
    if "prefix" in expected:
        assert case.reference.startswith(expected["prefix"] + "-"), f"{where}: {case.reference}"
    for key, value in (expected.get("details") or {}).items():
        assert details.get(key) == value, f"{where}: details[{key!r}] = {details.get(key)!r}"
    for key in expected.get("details_has", []):
        assert details.get(key), f"{where}: no {key!r} in {details!r}"
    for key in expected.get("details_lacks", []):
        assert key not in details, f"{where}: {key!r} in {details!r}"
    for key, length in (expected.get("details_len") or {}).items():
        assert len(details.get(key) or []) == length, f"{where}: {key} {details.get(key)!r}"


def _run_rest(servers, conversation: dict[str, Any]) -> str:
    sender = f"suite-{uuid.uuid4().hex[:12]}"
    for number, turn in enumerate(conversation["turns"], start=1):
        replies = servers.say(sender, turn["say"], conversation.get("metadata"))
        texts = [r.get("text", "") for r in replies if r.get("text")]
        _check_turn(turn, texts, f"{conversation['id']} turn {number}")
    return sender


def _run_sms(servers, conversation: dict[str, Any]) -> str:
    target, phone = target_from_stack(servers), phone_number()
    for number, turn in enumerate(conversation["turns"], start=1):
        texts = sms_turn(target, phone, turn["say"])
        _check_turn(turn, texts, f"{conversation['id']} turn {number} (SMS)")
    found = conversation_id(target, phone)
    assert found is not None
    return found


@pytest.mark.parametrize("conversation", SUITE, ids=[c["id"] for c in SUITE])
def test_conversation(servers, conversation: dict[str, Any]) -> None:
    run = _run_sms if conversation.get("channel") == "sms" else _run_rest
    conversation_key = run(servers, conversation)
    case = _case(servers, conversation_key)
    if conversation.get("no_case"):
        assert case is None, f"{conversation['id']}: a case was opened"
    if "case" in conversation:
        _check_case(case, conversation["case"], conversation["id"])


def test_the_suite_covers_every_behaviour_twice() -> None:
    behaviours: dict[str, int] = {}
    for conversation in SUITE:
        behaviours[conversation["behaviour"]] = behaviours.get(conversation["behaviour"], 0) + 1
    assert len(SUITE) >= 80 and len({c["id"] for c in SUITE}) == len(SUITE)
    assert all(count >= 2 for count in behaviours.values()), behaviours
