"""Conversation identity against the real Rasa server, action server and fake Twilio (#15).

The regression: a socket.io client joined an SMS resident's conversation by naming its id,
posted into it, and then received the staff reply meant for that resident; REST could name
the SMS channel. Now a socket joins only a session id the server issued and signed, a REST
caller cannot name an `sms-` or `web-` conversation, and a staff message goes to the channel
the conversation's id names (SMS here), never to whichever channel wrote last.
Channel-level detail: tests/test_chat_identity.py.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
import requests
import socketio

from bot.channels.chat_session import is_issued_session_id
from bot.channels.limits import INVALID_SESSION_REPLY
from bot.console.rasa_api import Delivery, RasaClient
from tests.fuzz.support import (
    conversation_for,
    new_phone,
    text_and_wait,
    wait_for_texts,
)
from tests.integration.test_channel_limits_live import WebChat, tracker, user_texts_when_saved

pytestmark = pytest.mark.integration
REST = "/webhooks/rest/webhook"
STAFF_TEXT = "Hello, this is Sam from the council. Please call me on 020 7946 0018."


def test_web_chat_cannot_join_or_post_into_an_sms_conversation(servers) -> None:
    phone = new_phone()
    text_and_wait(servers, phone, "is the tip open in westminster")
    victim = conversation_for(servers, phone)
    assert victim and victim.startswith("sms-")

    confirmed: list[str] = []
    replies: list[dict[str, Any]] = []
    arrived = threading.Condition()

    def on_reply(data: dict[str, Any]) -> None:
        with arrived:
            replies.append(data)
            arrived.notify_all()

    attacker = socketio.Client(reconnection=False)
    attacker.on("session_confirm", confirmed.append)
    attacker.on("bot_uttered", on_reply)
    attacker.connect(servers.rasa_url, headers={"Origin": servers.env["CONSOLE_URL"]},
                     transports=["polling"], wait_timeout=20)
    try:
        attacker.emit("session_request", {"session_id": victim})
        attacker.emit("user_uttered", {"message": "what is my case status",
                                       "session_id": victim})
        with arrived:
            assert arrived.wait_for(lambda: replies, 30)
        assert confirmed and confirmed[0] != victim and is_issued_session_id(
            confirmed[0], servers_key(servers))
        assert replies[0]["text"] == INVALID_SESSION_REPLY

        # Staff write to the SMS resident: the text goes by SMS, and not to the socket.
        before = len(wait_for_texts(servers, phone, 1))
        client = RasaClient(servers.rasa_url, servers.token, timeout=30)
        delivery = client.staff_message(victim, STAFF_TEXT)
        assert delivery == Delivery(delivered=True, channel="twilio_sms")
        texts = wait_for_texts(servers, phone, before + 1)
        assert STAFF_TEXT in [t["body"] for t in texts]  # verbatim: the number, not [PHONE]
    finally:
        attacker.disconnect()
    assert all("Sam from the council" not in r.get("text", "") for r in replies)
    assert user_texts_when_saved(servers, victim, 1) == ["is the tip open in westminster"]
    assert ["[PHONE]" in line and "7946" not in line for line in staff_lines(servers, victim)] \
        == [True]
    assert {e.get("input_channel") for e in tracker(servers, victim)["events"]
            if e["event"] == "user"} == {"twilio_sms"}


def servers_key(servers) -> str:
    """The key the stack's Rasa server signs session ids with (generated into its VAR_DIR)."""
    return (servers.tmp / "conversation_id_key").read_text(encoding="utf-8").strip()


def test_rest_cannot_address_an_sms_or_web_chat_conversation(servers) -> None:
    phone = new_phone()
    text_and_wait(servers, phone, "hello")
    victim = conversation_for(servers, phone)
    for sender in (victim, "web-" + "0" * 24 + "-" + "0" * 24):
        response = requests.post(servers.rasa_url + REST, timeout=30, json={
            "sender": sender, "message": "what is my case status"})
        assert (response.status_code, response.json()["error"]) == (400, "invalid_sender")
    assert user_texts_when_saved(servers, victim, 1) == ["hello"]


def staff_lines(servers, conversation_id: str) -> list[str]:
    return [e.get("text") for e in tracker(servers, conversation_id)["events"]
            if e["event"] == "bot" and (e.get("metadata") or {}).get("sender") == "staff"]


def test_staff_reply_reaches_the_web_chat_verbatim_and_is_stored_redacted(servers) -> None:
    chat = WebChat(servers)
    try:
        chat.say("is the tip open in westminster")
        chat.wait_replies(1, timeout=60)
        client = RasaClient(servers.rasa_url, servers.token, timeout=30)
        delivery = client.staff_message(chat.session_id, STAFF_TEXT, officer="Sam")
        assert delivery == Delivery(delivered=True, channel="socketio")
        replies = chat.wait_for_text(STAFF_TEXT, timeout=30)
    finally:
        chat.close()
    staff_reply = next(r for r in replies if r.get("text") == STAFF_TEXT)
    # the chat labels it "Council officer Sam"; the assistant's own replies carry no such mark
    assert staff_reply.get("metadata") == {"sender": "staff", "staff_name": "Sam"}
    assert not any((r.get("metadata") or {}).get("sender") == "staff"
                   for r in replies if r is not staff_reply)
    stored = staff_lines(servers, chat.session_id)
    assert len(stored) == 1 and "020 7946 0018" not in stored[0] and "[PHONE]" in stored[0]


def test_ending_a_web_chat_restarts_the_conversation_on_the_server(servers) -> None:
    chat = WebChat(servers)
    try:
        chat.say("is the tip open in westminster")
        chat.wait_replies(1, timeout=60)
        chat.client.emit("session_end", {"session_id": chat.session_id})
        deadline = time.monotonic() + 30
        kinds: list[str] = []
        while "restart" not in kinds and time.monotonic() < deadline:
            response = requests.get(  # every event: by default Rasa shows those after a restart
                f"{servers.rasa_url}/conversations/{chat.session_id}/tracker",
                params={"token": servers.token, "include_events": "ALL"}, timeout=20)
            kinds = [e["event"] for e in response.json()["events"]]
            time.sleep(0.2)
    finally:
        chat.close()
    assert "restart" in kinds  # slots, forms and any identity check are forgotten
