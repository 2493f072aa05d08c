"""Residents talking to the real Rasa server and action server over the REST channel."""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select

from bot.db.engine import session_scope
from bot.db.models import Case

pytestmark = pytest.mark.integration
BOT = str(Path(sys.executable).parent / "bot")


def sender() -> str:
    return f"it-{uuid.uuid4().hex[:12]}"


def cases_for(servers, conversation_id: str) -> list[Case]:
    with session_scope(servers.database_url) as session:
        return list(
            session.execute(select(Case).where(Case.conversation_id == conversation_id)).scalars()
        )


def test_council_tax_question_gets_the_live_status(servers) -> None:
    reply = servers.say_text(sender(), "can I still pay my council tax online? I live in W10 6EL")
    assert "Council tax in Kensington and Chelsea is disrupted" in reply
    assert "Direct Debit" in reply and "Last updated today" in reply


def test_status_change_is_visible_in_the_next_answer(servers) -> None:
    resident = sender()
    before = servers.say_text(resident, "are the libraries open in westminster")
    assert "Libraries in Westminster" in before
    subprocess.run(
        [
            BOT,
            "status",
            "set",
            "westminster",
            "libraries",
            "unavailable",
            "--note",
            "All libraries are closed today for a power cut.",
            "--by",
            "it-test",
        ],
        check=True,
        env=servers.env,
        capture_output=True,
    )
    after = servers.say_text(resident, "and now? are westminster libraries open")
    assert "closed today for a power cut" in after and "not available" in after


def test_three_services_two_councils(servers) -> None:
    resident = sender()
    bins = servers.say_text(resident, "my bins wasnt collected, how do i report it? im in SW1A 1AA")
    assert "Westminster" in bins and "Bins" in bins
    parking = servers.say_text(resident, "can i still renew my parking permit")
    assert "Parking" in parking and "Westminster" in parking
    other = sender()
    planning = servers.say_text(other, "is the planning portal working in hammersmith")
    assert "Planning" in planning and "Hammersmith and Fulham" in planning


def test_missing_service_and_council_are_asked_for(servers) -> None:
    resident = sender()
    first = servers.say(resident, "is it working?")
    buttons = [b for message in first for b in message.get("buttons", [])]
    assert buttons, first
    second = servers.say_text(resident, '/service_status{"service": "registrars"}')
    assert "council area" in second
    third = servers.say_text(resident, "westminster")
    assert "General Register Office" in third


def test_urgent_message_gets_emergency_numbers_and_an_urgent_case(servers) -> None:
    resident = sender()
    reply = servers.say_text(resident, "my partner hit me again and im scared to go home, w2 area")
    assert "999" in reply and "0808 2000 247" in reply
    confirmation = servers.say_text(resident, "text me on 07700 900118 its safe to text")
    assert "reference" in confirmation.lower()
    cases = cases_for(servers, resident)
    assert len(cases) == 1
    assert cases[0].priority == "urgent" and cases[0].phone == "+447700900118"


def test_human_request_collects_contact_and_makes_one_case(servers) -> None:
    resident = sender()
    servers.say_text(resident, "can i talk to a real person please")
    servers.say_text(resident, "w10 6el, 07700 900118 after 6pm")
    done = servers.say_text(resident, "skip")
    assert "reference is" in done.lower()
    cases = cases_for(servers, resident)
    assert len(cases) == 1
    case = cases[0]
    assert (case.phone, case.postcode, case.contact_time) == (
        "+447700900118",
        "W10 6EL",
        "after 6pm",
    )
    assert case.submitted and case.priority == "standard"
    assert case.reference in done


def test_tracker_needs_the_token(servers) -> None:
    resident = sender()
    servers.say(resident, "hello")
    url = f"{servers.rasa_url}/conversations/{resident}/tracker"
    assert requests.get(url, timeout=10).status_code in (401, 403)
    assert requests.get(url, params={"token": "wrong"}, timeout=10).status_code in (401, 403)
    assert requests.get(url, params={"token": servers.token}, timeout=10).status_code == 200


def test_model_parse_with_token(servers) -> None:
    response = requests.post(
        f"{servers.rasa_url}/model/parse",
        params={"token": servers.token},
        json={"text": "is the tip open in hammersmith"},
        timeout=20,
    )
    assert response.status_code == 200
    parsed = response.json()
    assert parsed["intent"]["name"] == "service_status"
    values = {(e["entity"], e["value"]) for e in parsed["entities"]}
    assert ("council", "hammersmith_fulham") in values


def test_action_server_restart_between_turns_loses_nothing(servers) -> None:
    resident = sender()
    servers.say_text(resident, "i need to speak to someone about my housing benefit")
    servers.stop("actions")
    servers.start_action_server()  # a restart between two turns
    servers.say_text(resident, "07700 900118")
    servers.say_text(resident, "skip")
    servers.say_text(resident, "skip")
    final = servers.say_text(resident, "skip")
    cases = cases_for(servers, resident)
    assert len(cases) == 1 and cases[0].phone == "+447700900118"
    assert cases[0].submitted, final
    with session_scope(servers.database_url) as session:
        total = session.execute(
            select(func.count(Case.id)).where(Case.conversation_id == resident)
        ).scalar_one()
    assert total == 1


def test_action_server_down_gives_holding_reply_and_the_case_lands_once(servers) -> None:
    resident = sender()
    servers.stop("actions")
    try:
        reply = servers.say_text(resident, "can i speak to a person please")
        assert "999" in reply and "saved" in reply
    finally:
        servers.start_action_server()
    deadline = time.monotonic() + 60
    def landed() -> bool:
        return any(case.submitted for case in cases_for(servers, resident))

    while time.monotonic() < deadline and not landed():
        time.sleep(1)
    cases = cases_for(servers, resident)
    assert len(cases) == 1 and cases[0].submitted
    time.sleep(6)  # a second pass of the retry loop must not add another case
    assert len(cases_for(servers, resident)) == 1
