"""Issue #14 conversations against the real Rasa and action servers: replies and database."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from bot.db.engine import session_scope
from bot.db.models import Case

pytestmark = pytest.mark.integration


def sender() -> str:
    return f"th-{uuid.uuid4().hex[:12]}"


def case_for(servers, conversation_id: str) -> Case | None:
    with session_scope(servers.database_url) as session:
        case = session.execute(
            select(Case).where(Case.conversation_id == conversation_id)
        ).scalars().first()
        if case is not None:
            session.expunge(case)
        return case


def test_status_question_survives_a_digression(servers) -> None:
    resident = sender()
    asked = servers.say_text(resident, "are the bins being collected?")
    assert "Which council" in asked
    servers.say_text(resident, "was my data stolen?")
    answer = servers.say_text(resident, "W10 6EL")
    assert "Bins" in answer and "Kensington and Chelsea" in answer


@pytest.mark.parametrize("text", ["oh no I already put my card in",
                                  "I gave them my bank details"])
def test_scam_loss_in_any_wording(servers, text: str) -> None:
    resident = sender()
    reply = servers.say_text(resident, text)
    assert "159" in reply and "0300 123 2040" in reply and "7726" in reply
    assert reply.index("159") < reply.index("0300 123 2040")
    case = case_for(servers, resident)
    assert case is not None and case.priority == "high" and case.submitted


def test_abuse_not_safe_is_never_asked_again_and_consent_is_stored(servers) -> None:
    resident = sender()
    first = servers.say_text(resident, "my partner hits me and I'm scared, I live in W2")
    assert "0808 2000 247" in first
    again = servers.say_text(resident, "no I'm not safe, he's outside")
    assert "999" in again and "55" in again and "Are you safe" not in again
    asked = servers.say_text(resident, "07700 900118")
    assert "Is it safe for us to call you, or text only, and when?" in asked
    done = servers.say_text(resident, "text only please, after 10am")
    assert "reference" in done.lower()
    case = case_for(servers, resident)
    assert case.priority == "urgent" and case.safe_to_call is False
    assert case.details["sensitive"] is True and "10am" in (case.contact_time or "")


def test_heating_vulnerability_question_sets_the_priority(servers) -> None:
    resident = sender()
    asked = servers.say_text(resident, "no heating in my flat in W10")
    assert "over 75, disabled, seriously ill, or a baby?" in asked
    after = servers.say_text(resident, "yes")
    assert "urgent" in after.lower()
    case = case_for(servers, resident)
    assert case.priority == "urgent" and case.details["vulnerable"] is True


def test_lost_reference_does_not_loop(servers) -> None:
    resident = sender()
    servers.say_text(resident, "can you check my case")
    offer = servers.say_text(resident, "I lost my reference")
    assert "phone number and postcode" in offer
    assert "What is your case reference" not in offer
