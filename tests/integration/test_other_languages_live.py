"""Residents writing in languages we have no translations for, against the real servers.

Urdu and Russian, over the REST channel (the web chat's route) with the real Rasa and action
servers (devtools.devstack): an urgent disclosure takes the urgent path with the emergency
numbers and opens an urgent case that records the language; an ordinary question is never
answered in one of our other 12 languages, never with the English menu, and always offers a
call back with an interpreter.
"""

from __future__ import annotations

import uuid

import pytest
import requests
from sqlalchemy import select

from bot.db.engine import session_scope
from bot.db.models import Case

pytestmark = pytest.mark.integration
MENU = {"/service_status", "/data_concern", "/phishing_report"}


def sender() -> str:
    return f"ol-{uuid.uuid4().hex[:12]}"


def cases_for(servers, conversation_id: str) -> list[Case]:
    with session_scope(servers.database_url) as session:
        found = list(session.execute(
            select(Case).where(Case.conversation_id == conversation_id)).scalars())
        for case in found:
            session.expunge(case)
        return found


def parse(servers, text: str) -> dict:
    response = requests.post(f"{servers.rasa_url}/model/parse", params={"token": servers.token},
                             json={"text": text}, timeout=60)
    response.raise_for_status()
    return response.json()


# (language, urgent disclosure, ordinary question); the English meaning beside each
RESIDENTS = [
    ("ur",
     "میرے شوہر نے کل رات پھر مجھے مارا، وہ روز مجھے مارتا ہے اور میں ڈری ہوئی ہوں",
     # my husband hit me again last night, he hits me every day and I am frightened
     "میں اپنے کونسل ٹیکس کی قسط کیسے ادا کروں؟"),
     # how do I pay my council tax instalment?
    ("ru",
     "Муж снова избил меня вчера вечером, я боюсь возвращаться домой",
     # my husband beat me again last night, I am afraid to go home
     "Подскажите, пожалуйста, когда откроется библиотека?"),
     # please tell me, when will the library open?
]


@pytest.mark.parametrize(("code", "urgent", "ordinary"), RESIDENTS, ids=[r[0] for r in RESIDENTS])
def test_urgent_disclosure_takes_the_urgent_path_in_plain_english(servers, code: str,
                                                                    urgent: str,
                                                                    ordinary: str) -> None:
    parsed = parse(servers, urgent)
    assert parsed["language"]["code"] == code  # not taken for Farsi or Somali
    assert parsed["intent"]["name"] == "urgent_help"
    resident = sender()
    reply = servers.say_text(resident, urgent)
    assert "999" in reply and "55" in reply and "0808 2000 247" in reply, reply
    assert "interpreter" in reply and "tell us your language" in reply
    cases = cases_for(servers, resident)
    assert len(cases) == 1 and cases[0].priority == "urgent"
    assert cases[0].language == code
    assert cases[0].interpreter_language == {"ur": "Urdu", "ru": "Russian"}[code]


@pytest.mark.parametrize(("code", "urgent", "ordinary"), RESIDENTS, ids=[r[0] for r in RESIDENTS])
def test_ordinary_question_gets_english_and_the_interpreter_offer_never_a_menu(
    servers, code: str, urgent: str, ordinary: str
) -> None:
    assert parse(servers, ordinary)["language"]["code"] == code
    resident = sender()
    messages = servers.say(resident, ordinary)
    reply = " ".join(m.get("text", "") for m in messages)
    assert reply.strip() and "interpreter" in reply, reply
    payloads = {b.get("payload") for m in messages for b in m.get("buttons") or []}
    assert not payloads & MENU, payloads
    assert reply.strip() != "OK" and "Is there anything else" not in reply
    assert all(case.priority != "urgent" for case in cases_for(servers, resident))
