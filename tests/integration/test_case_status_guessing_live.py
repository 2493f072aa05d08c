"""Case status cannot be guessed with a new conversation per guess (issue #15, item 3).

The regression, against the real Rasa server, trained model, action server and database: the
identity check was limited per conversation, so eight guesses of the last four digits, each
from a new REST sender, took 0.4 s. Now failures count per case reference across
conversations: after five, the case is locked (even the right answer gets no status), and the
case carries an event staff see. Unit detail: tests/test_case_status_guard.py.

Per client too: one address guessing across several references, with a new sender (and a
forged client pseudonym in its metadata) every time, is stopped once it has
CASE_CHECK_CLIENT_FAILURES wrong answers, while other addresses are answered. That test sends
from 127.0.0.3 (still loopback), so the session's other tests, from 127.0.0.1, are not locked.
Made-up references (not a one-character slip of a real one) count per client the same way
(from 127.0.0.4).
"""

from __future__ import annotations

import http.client
import json
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from bot.channels.client_key import CLIENT_KEY, client_pseudonym
from bot.db.engine import session_scope
from bot.db.models import Case, CaseEvent, SmsConversation
from bot.parsing.references import new_reference
from bot.services.case_status_guard import LOCK_EVENT, MAX_FAILURES_PER_CASE
from tests.integration.test_channel_limits_live import WebChat, tracker, user_texts_when_saved

pytestmark = pytest.mark.integration
CLIENT_LIMIT = 20  # CASE_CHECK_CLIENT_FAILURES's default
BOT = str(Path(sys.executable).parent / "bot")


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


class FromAddress:
    """REST turns from one loopback address, each naming the metadata's client as it likes."""

    def __init__(self, servers, address: str) -> None:
        url = urlsplit(servers.rasa_url)
        self.connection = http.client.HTTPConnection(url.hostname, url.port, timeout=120,
                                                     source_address=(address, 0))

    def say(self, sender: str, message: str) -> str:
        forged = client_pseudonym("rest", uuid.uuid4().hex, "not-the-key")
        body = json.dumps({"sender": sender, "message": message,
                           "metadata": {CLIENT_KEY: forged, "customData": {CLIENT_KEY: forged}}})
        self.connection.request("POST", "/webhooks/rest/webhook", body=body,
                                headers={"Content-Type": "application/json"})
        response = self.connection.getresponse()
        assert response.status == 200
        return " ".join(m.get("text", "") for m in json.loads(response.read()))

    def ask(self, reference: str, answer: str) -> tuple[str, str]:
        sender = f"spread-{uuid.uuid4().hex[:12]}"
        return self.say(sender, f"what is the status of my case {reference}"), \
            self.say(sender, answer)


def test_one_address_guessing_across_references_with_new_senders_is_locked(servers) -> None:
    per_case = MAX_FAILURES_PER_CASE - 1  # never enough to lock any one case
    references = [make_case(servers) for _ in range(-(-CLIENT_LIMIT // per_case) + 1)]
    guesser = FromAddress(servers, "127.0.0.3")
    try:
        failures = 0
        for reference in references[:-1]:
            for guess in range(per_case):
                if failures == CLIENT_LIMIT:
                    break
                asked, answer = guesser.ask(reference, f"W10 6EL {guess:04d}")
                assert "can't share a case" in answer, (failures, asked, answer)
                failures += 1
        # A case it never tried, the right details, a brand-new sender: still no status.
        asked, answer = guesser.ask(references[-1], "W10 6EL 0118")
        assert "too many wrong answers from this phone or network" in asked + answer
        assert "waiting for a member of staff" not in asked + answer
    finally:
        guesser.connection.close()
    # No case was locked by it, and a resident at another address gets theirs.
    with session_scope(servers.database_url) as session:
        assert session.execute(select(CaseEvent).where(CaseEvent.kind == LOCK_EVENT,
                                                       CaseEvent.case_id.in_(
            select(Case.id).where(Case.reference.in_(references))))).first() is None
    _asked, answer = ask(servers, references[-1], "W10 6EL 0118")
    assert "waiting for a member of staff" in answer


def _client_of_first_user_event(servers, conversation_id: str) -> str:
    user_texts_when_saved(servers, conversation_id, 1)
    events = tracker(servers, conversation_id)["events"]
    metadata = next(e for e in events if e["event"] == "user").get("metadata") or {}
    assert CLIENT_KEY not in (metadata.get("customData") or {})
    return metadata.get(CLIENT_KEY, "")


def test_every_channel_names_the_client_and_a_resident_cannot(servers) -> None:
    """REST and the web chat by address, SMS by number; a claim in the metadata is replaced."""
    forged = client_pseudonym("web", "somebody-else", "k")
    rest_sender = f"who-{uuid.uuid4().hex[:10]}"
    servers.say(rest_sender, "hello", metadata={CLIENT_KEY: forged,
                                                "customData": {CLIENT_KEY: forged}})
    rest_client = _client_of_first_user_event(servers, rest_sender)
    assert rest_client.startswith("rest-") and rest_client != forged

    chat = WebChat(servers)
    try:
        chat.client.emit("user_uttered", {"message": "hello", "session_id": chat.session_id,
                                          "metadata": {CLIENT_KEY: forged}})
        assert chat.wait_replies(1, timeout=60)
        web_client = _client_of_first_user_event(servers, chat.session_id)
    finally:
        chat.close()
    assert web_client.startswith("web-") and web_client != forged

    phone = f"+4477009{uuid.uuid4().int % 100000:05d}"
    subprocess.run([BOT, "sms", "send", phone, "hello", "--wait", "30"], env=servers.env,
                   capture_output=True, text=True, timeout=90, check=True)
    with session_scope(servers.database_url) as session:
        conversation = session.execute(select(SmsConversation.conversation_id).where(
            SmsConversation.phone == phone)).scalar_one()
    sms_client = _client_of_first_user_event(servers, conversation)
    assert sms_client.startswith("sms-") and phone not in sms_client


def test_one_address_making_up_references_with_new_senders_is_locked(servers) -> None:
    """References that do not exist (not a one-character slip of a real one), each from a new
    sender: per conversation that is one failure each, never a lock; per client they add up."""
    real = make_case(servers)
    guesser = FromAddress(servers, "127.0.0.4")
    try:
        for n in range(CLIENT_LIMIT):
            made_up = new_reference("KC")
            reply = guesser.say(f"made-up-{uuid.uuid4().hex[:12]}",
                                f"what is the status of my case {made_up}")
            assert "I can't find a case" in reply, (n, reply)
        asked, answer = guesser.ask(real, "W10 6EL 0118")
        assert "too many wrong answers from this phone or network" in asked + answer
        assert "waiting for a member of staff" not in asked + answer
    finally:
        guesser.connection.close()
    _asked, answer = ask(servers, real, "W10 6EL 0118")
    assert "waiting for a member of staff" in answer
