"""Case status cannot be guessed with a new conversation per guess (issue #15, item 3).

The regression, against the real Rasa server, trained model, action server and database: the
identity check was limited per conversation, so eight guesses of the last four digits, each
from a new REST sender, took 0.4 s. Now failures count per case reference across
conversations: after five, the case is locked (even the right answer gets no status), and the
case carries an event staff see. Unit detail: tests/test_case_status_guard.py.
"""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from bot.db.engine import session_scope
from bot.db.models import Case, CaseEvent
from bot.parsing.references import new_reference
from bot.services.case_status_guard import LOCK_EVENT, MAX_FAILURES_PER_CASE

pytestmark = pytest.mark.integration


def make_case(servers) -> str:
    reference = new_reference("WM")
    with session_scope(servers.database_url) as session:
        session.add(Case(reference=reference, conversation_key=f"guess-{reference}",
                         council_id="westminster", category="general", channel="rest",
                         conversation_id=f"owner-{uuid.uuid4().hex[:8]}", phone="+447700900118",
                         postcode="W10 6EL", submitted=True, issues=["Missed bin collection"]))
    return reference


def ask(servers, reference: str, answer: str) -> tuple[str, str]:
    """A new conversation asks for the case, then answers the identity question."""
    sender = f"guess-{uuid.uuid4().hex[:12]}"
    asked = servers.say_text(sender, f"what is the status of my case {reference}")
    return asked, servers.say_text(sender, answer)


def test_new_conversation_per_guess_gets_the_case_locked(servers) -> None:
    reference = make_case(servers)
    asked, answer = ask(servers, reference, "W10 6EL 0118")  # the right details: answered
    assert "postcode and the last four digits" in asked
    assert "waiting for a member of staff" in answer
    for guess in range(MAX_FAILURES_PER_CASE):
        asked, answer = ask(servers, reference, f"W10 6EL {guess:04d}")
        assert "can't share a case" in answer, (asked, answer)
        assert "waiting for a member of staff" not in answer
    asked, answer = ask(servers, reference, "W10 6EL 0118")
    assert "too many wrong answers" in asked + answer
    assert "waiting for a member of staff" not in asked + answer
    with session_scope(servers.database_url) as session:
        case = session.execute(select(Case).where(Case.reference == reference)).scalar_one()
        kinds = session.execute(select(CaseEvent.kind).where(
            CaseEvent.case_id == case.id)).scalars().all()
    assert kinds.count(LOCK_EVENT) == 1


def test_postcode_alone_is_not_enough(servers) -> None:
    reference = make_case(servers)
    _asked, answer = ask(servers, reference, "W10 6EL")
    assert "waiting for a member of staff" not in answer
