"""Issue #15's channel bounds against the real Rasa server, trained model and action server.

The regression: one 100,000-character web-chat message held the Rasa server's event loop for
25-33 s, so every other resident waited. Now the channel refuses it before NLU, with a reply to
its sender, and another resident's REST turn is answered as usual while it happens. Also: REST
without a sender never joins the shared conversation "default", a client's `input_channel` is
ignored, text that is not valid Unicode is cleaned and answered (never a 500 or silence), and
an SMS webhook's NumMedia is bounded.
Channel-level detail (every limit and refusal): tests/test_channel_limits.py.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from typing import Any

import pytest
import requests
import socketio

from bot.channels.limits import too_long_reply
from tests.fuzz.support import inbound_form, new_phone, post_signed, text_and_wait

pytestmark = pytest.mark.integration
REST = "/webhooks/rest/webhook"
QUESTION = "is the tip open in westminster"


def sender() -> str:
    return f"lim-{uuid.uuid4().hex[:12]}"


def tracker(servers, conversation_id: str) -> dict[str, Any]:
    response = requests.get(f"{servers.rasa_url}/conversations/{conversation_id}/tracker",
                            params={"token": servers.token}, timeout=20)
    response.raise_for_status()
    return response.json()


def user_texts(servers, conversation_id: str) -> list[str]:
    return [e.get("text") for e in tracker(servers, conversation_id)["events"]
            if e["event"] == "user"]


def user_texts_when_saved(servers, conversation_id: str, expected: int,
                          timeout: float = 20.0) -> list[str]:
    """The user texts once `expected` of them are in the tracker: a reply is sent before Rasa
    saves the turn, so reading the tracker straight after the reply races the save."""
    deadline = time.monotonic() + timeout
    texts = user_texts(servers, conversation_id)
    while len(texts) < expected and time.monotonic() < deadline:
        time.sleep(0.2)
        texts = user_texts(servers, conversation_id)
    return texts


def post_raw(servers, body: bytes) -> requests.Response:
    return requests.post(servers.rasa_url + REST, data=body,
                         headers={"Content-Type": "application/json"}, timeout=60)


class WebChat:
    """A resident's browser on the web chat (polling, as tests/integration do)."""

    def __init__(self, servers) -> None:
        self.session_id = ""  # issued by the server
        self.replies: list[dict[str, Any]] = []
        self.arrived = threading.Condition()
        confirmed = threading.Event()
        self.client = socketio.Client(reconnection=False)

        def on_confirm(session_id: str) -> None:
            self.session_id = session_id
            confirmed.set()

        self.client.on("session_confirm", on_confirm)
        self.client.on("bot_uttered", self._on_reply)
        self.client.connect(servers.rasa_url, headers={"Origin": servers.env["CONSOLE_URL"]},
                            transports=["polling"], wait_timeout=20)
        self.client.emit("session_request", {})
        assert confirmed.wait(20)

    def _on_reply(self, data: dict[str, Any]) -> None:
        with self.arrived:
            self.replies.append(data)
            self.arrived.notify_all()

    def say(self, message: str) -> None:
        self.client.emit("user_uttered", {"message": message, "session_id": self.session_id,
                                          "metadata": {"council": "westminster"}})

    def wait_replies(self, count: int, timeout: float) -> list[dict[str, Any]]:
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.replies) >= count, timeout)
            return list(self.replies)

    def wait_for_text(self, text: str, timeout: float) -> list[dict[str, Any]]:
        """Every reply so far, once one with exactly `text` has arrived (or `timeout`): a turn
        may still be sending its later messages, so counting replies is not enough."""
        with self.arrived:
            self.arrived.wait_for(lambda: any(r.get("text") == text for r in self.replies),
                                  timeout)
            return list(self.replies)

    def close(self) -> None:
        self.client.disconnect()


def test_100000_character_web_chat_message_stalls_nobody(servers) -> None:
    other = sender()
    servers.say(other, "hello")  # warm: the first turn of a conversation does more work
    started = time.monotonic()
    servers.say(sender(), QUESTION)
    baseline = time.monotonic() - started

    chat = WebChat(servers)
    try:
        chat.say("please help " * 8_334)  # 100,008 characters
        started = time.monotonic()
        reply = servers.say_text(other, QUESTION)
        waited = time.monotonic() - started
        replies = chat.wait_replies(1, timeout=30)
    finally:
        chat.close()
    assert "Westminster" in reply
    assert waited < baseline + 3.0, f"another resident waited {waited:.1f} s (baseline " \
        f"{baseline:.1f} s) behind one long web-chat message"
    assert [r.get("text") for r in replies] == [too_long_reply(2000)]
    assert "If you are in danger call 999" in replies[0]["text"]
    assert user_texts(servers, chat.session_id) == []  # nothing reached NLU or the tracker


def test_web_chat_message_with_a_lone_surrogate_is_answered(servers) -> None:
    chat = WebChat(servers)
    try:
        chat.say("is the tip open in westminster \ud800")
        replies = chat.wait_replies(1, timeout=60)
    finally:
        chat.close()
    assert replies and replies[0].get("text")
    assert user_texts_when_saved(servers, chat.session_id, 1) == [QUESTION + " \ufffd"]


def test_rest_message_over_the_limit_is_413_before_nlu(servers) -> None:
    resident = sender()
    response = requests.post(servers.rasa_url + REST, timeout=30,
                             json={"sender": resident, "message": "bins " * 500})
    assert response.status_code == 413
    assert response.json()["error"] == "message_too_long"
    assert user_texts(servers, resident) == []


def test_rest_body_and_metadata_are_bounded(servers) -> None:
    resident = sender()
    big_metadata = {"sender": resident, "message": "hello", "metadata": {"x": "y" * 5_000}}
    response = requests.post(servers.rasa_url + REST, json=big_metadata, timeout=30)
    assert (response.status_code, response.json()["error"]) == (413, "metadata_too_large")
    response = post_raw(servers, json.dumps({"sender": resident, "message": "hi",
                                             "pad": "p" * 20_000}).encode())
    assert (response.status_code, response.json()["error"]) == (413, "body_too_large")
    assert user_texts(servers, resident) == []


def test_rest_without_a_sender_never_joins_the_conversation_default(servers) -> None:
    before = user_texts(servers, "default")
    for body in ({"message": "my case reference is WM-AAAA-0001"},
                 {"sender": "", "message": "what is my case status"}):
        response = requests.post(servers.rasa_url + REST, json=body, timeout=30)
        assert response.status_code == 400
        assert response.json()["error"] == "sender_required"
    assert user_texts(servers, "default") == before


@pytest.mark.parametrize("bad", ["../../etc/passwd", "case?id=1", "a#b", "sms-0123456789abcdef0123",
                                 "x" * 129, "nul\x00"])
def test_rest_unsafe_sender_is_400(servers, bad: str) -> None:
    response = requests.post(servers.rasa_url + REST, json={"sender": bad, "message": "hello"},
                             timeout=30)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_sender"


def test_rest_cannot_claim_the_sms_channel(servers) -> None:
    resident = sender()
    response = requests.post(servers.rasa_url + REST, timeout=60, json={
        "sender": resident, "message": QUESTION, "input_channel": "twilio_sms"})
    assert response.status_code == 200 and response.json()
    state = tracker(servers, resident)
    assert state["latest_input_channel"] == "rest"
    assert {e.get("input_channel") for e in state["events"] if e["event"] == "user"} == {"rest"}


def test_rest_lone_surrogate_and_invalid_utf8_are_answered(servers) -> None:
    resident = sender()
    escaped = json.dumps({"sender": resident, "message": QUESTION + " \ud800"}).encode()
    response = post_raw(servers, escaped)
    assert response.status_code == 200 and response.json(), response.text[:300]
    other = sender()
    raw = (b'{"sender": "' + other.encode()
           + b'", "message": "is the tip open \xff\xfe westminster"}')
    response = post_raw(servers, raw)
    assert response.status_code == 200 and response.json(), response.text[:300]
    assert user_texts_when_saved(servers, resident, 1) == [QUESTION + " \ufffd"]
    assert user_texts_when_saved(servers, other, 1) == ["is the tip open \ufffd\ufffd westminster"]


@pytest.mark.parametrize("num_media", ["11", "9" * 30])
def test_signed_sms_with_an_out_of_range_num_media_is_400(servers, num_media: str) -> None:
    form = inbound_form(servers, new_phone(), "hello", NumMedia=num_media)
    response = post_signed(servers, form)
    assert response.status_code == 400, (response.status_code, response.text[:200])


def test_signed_sms_with_nul_is_answered(servers) -> None:
    phone = new_phone()
    texts = text_and_wait(servers, phone, "is the tip open in westminster\x00")
    assert any("Westminster" in t["body"] for t in texts), texts
