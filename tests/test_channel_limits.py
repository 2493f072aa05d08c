"""What the REST and web-chat channels let through to Rasa (issue #15: bounds at every channel).

Channel level, as tests/test_sms_channel.py does it: the project's real channels registered with
rasa's own `channel.register` on a real Sanic server on a loopback port, real HTTP and a real
socket.io client. Rasa's dialogue is a stand-in agent that records every UserMessage and echoes
it, so "nothing reached Rasa" is a plain assertion. The same bounds against the real Rasa server
and trained model: tests/integration/test_channel_limits_live.py.
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import socketio
from rasa.core.channels.channel import UserMessage, register
from sanic import Sanic
from sanic.request import RequestParameters

import bot.config as config
from bot.channels.client_key import CLIENT_KEY
from bot.channels.limits import (
    INVALID_SESSION_REPLY,
    MAX_SENDER_CHARS,
    UNREADABLE_REPLY,
    clean_text,
    metadata_problem,
    sender_problem,
    too_long_reply,
)
from bot.channels.rest import RestInput
from bot.channels.sms_render import TOO_LONG_REPLY, inbound_problem
from bot.channels.socketio import SocketIOInput
from bot.channels.twilio_sms import InboundSms, WebhookRefused, inbound_max_chars, parse_inbound
from bot.config import get_settings

REST = "/webhooks/rest/webhook"
LIMIT_ENV = ("MAX_MESSAGE_CHARS", "MAX_REQUEST_BYTES", "MAX_METADATA_BYTES",
             "CHAT_MAX_PACKET_BYTES")


def without_client(metadata: dict, prefix: str) -> dict:
    """The metadata the resident sent: the channel adds its client pseudonym (client_key.py)."""
    rest = dict(metadata)
    assert rest.pop(CLIENT_KEY, "").startswith(prefix)
    return rest


class EchoAgent:
    """Plays Rasa's `agent.handle_message`: records the message, answers through its channel."""

    def __init__(self) -> None:
        self.received: list[UserMessage] = []

    async def handle_message(self, message: UserMessage) -> None:
        self.received.append(message)
        await message.output_channel.send_text_message(
            message.sender_id, f"You said: {message.text}")


class ChannelServer:
    """REST and socket.io channels, configured as credentials.yml does, on a free port."""

    def __init__(self) -> None:
        self.agent = EchoAgent()
        self.app = Sanic(f"limits_test_{uuid.uuid4().hex[:8]}")
        self.app.ctx.agent = self.agent
        chat = SocketIOInput.from_credentials({
            "user_message_evt": "user_uttered", "bot_message_evt": "bot_uttered",
            "session_persistence": True,
        })
        register([RestInput(), chat], self.app, route="/webhooks/")
        self.loop = asyncio.new_event_loop()
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self.base_url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._server: Any = None

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_until_complete(self._start())
        self._ready.set()
        self.loop.run_forever()
        self.loop.run_until_complete(self.loop.shutdown_default_executor())
        self.loop.close()

    async def _start(self) -> None:
        self._server = await self.app.create_server(
            sock=self._sock, return_asyncio_server=True, access_log=False)
        await self._server.startup()
        await self._server.after_start()

    async def _stop(self) -> None:
        await self._server.before_stop()
        self._server.close()
        await self._server.wait_closed()
        self.loop.call_soon(self.loop.stop)

    def start(self) -> ChannelServer:
        self._thread.start()
        assert self._ready.wait(15), "sanic did not start"
        return self

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self.loop).result(30)
        self._thread.join(10)


@pytest.fixture(scope="module")
def channel_server() -> Iterator[ChannelServer]:
    server = ChannelServer().start()
    yield server
    server.stop()


@pytest.fixture()
def server(channel_server: ChannelServer, monkeypatch: pytest.MonkeyPatch) -> ChannelServer:
    for name in LIMIT_ENV:
        monkeypatch.delenv(name, raising=False)
    channel_server.agent.received.clear()
    return channel_server


def post(server: ChannelServer, body: Any = None, *, raw: bytes | None = None,
         content_type: str = "application/json") -> requests.Response:
    data = raw if raw is not None else json.dumps(body).encode()
    return requests.post(server.base_url + REST, data=data,
                         headers={"Content-Type": content_type}, timeout=20)


def refused(response: requests.Response, status: int, error: str) -> dict[str, Any]:
    assert response.status_code == status, (response.status_code, response.text[:300])
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["error"] == error and body["message"], body
    return body


def sender() -> str:
    return f"limits-{uuid.uuid4().hex[:12]}"


# --- the shared checks ------------------------------------------------------------------------


@pytest.mark.parametrize("good", [
    "webchat-3f2a", "sender with spaces", "😀", "مرحبا", "x" * MAX_SENDER_CHARS, "12345",
    "a.b_c-d:e@f", "'; DROP TABLE events; --", "...",
])
def test_safe_sender_ids_are_accepted(good: str) -> None:
    assert sender_problem(good) is None


@pytest.mark.parametrize("bad", [
    "", "   ", "x" * (MAX_SENDER_CHARS + 1), "../../etc/passwd", "a/b", "what?x=1", "frag#x",
    "back\\slash", "nul\x00", "new\nline", "tab\there", "esc\x1b[31m", "\x7f", "del\x85",
    "\u202eredisr", "zero\u200bwidth", "line\u2028sep", "lone\ud800", "sms-0000000000000000000a",
    "SMS-abc", "web-3f2a", "WEB-x", ".", "..", " .. ",
])
def test_unsafe_sender_ids_are_refused(bad: str) -> None:
    assert sender_problem(bad)


def test_clean_text_replaces_only_what_cannot_be_stored() -> None:
    text = "a\ud800b\udfffc\x00d é 😀 \u202e"
    cleaned = clean_text(text)
    assert cleaned == "a\ufffdb\ufffdc\ufffdd é 😀 \u202e"
    assert len(cleaned) == len(text)
    cleaned.encode("utf-8")  # no lone surrogate left


def test_metadata_bounds() -> None:
    assert metadata_problem({"council": "westminster"}, 4096) is None
    assert metadata_problem({"x": "y" * 5000}, 4096)[0] == "too_large"
    nested: Any = "leaf"
    for _ in range(11):
        nested = {"n": nested}
    assert metadata_problem(nested, 4096)[0] == "too_deep"
    assert metadata_problem(nested["n"], 4096) is None  # ten levels are fine


def test_limit_settings_defaults_and_overrides(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in LIMIT_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(config, "VAR_DIR", tmp_path)
    settings = get_settings()
    assert (settings.max_message_chars, settings.max_request_bytes,
            settings.max_metadata_bytes, settings.chat_max_packet_bytes) == (
        2000, 16384, 4096, 131072)
    for name, value in zip(LIMIT_ENV, ("0", "10", "100", "5"), strict=False):
        monkeypatch.setenv(name, value)
    settings = get_settings()
    assert (settings.max_message_chars, settings.max_request_bytes,
            settings.max_metadata_bytes, settings.chat_max_packet_bytes) == (1, 1024, 100, 1024)


# --- REST: message length, body and metadata size -----------------------------------------------


def test_rest_message_over_the_limit_is_413_and_never_reaches_rasa(server: ChannelServer) -> None:
    body = refused(post(server, {"sender": sender(), "message": "a" * 2001}), 413,
                   "message_too_long")
    assert body["max_message_chars"] == 2000
    assert "shorter parts" in body["message"] and "999" in body["message"]
    assert server.agent.received == []


def test_rest_message_at_the_limit_is_answered_in_full(server: ChannelServer) -> None:
    resident = sender()
    reply = post(server, {"sender": resident, "message": "b" * 2000})
    assert reply.status_code == 200, reply.text[:300]
    assert [m.text for m in server.agent.received] == ["b" * 2000]  # no longer cut silently
    assert reply.json() == [{"recipient_id": resident, "text": "You said: " + "b" * 2000}]


def test_rest_message_limit_follows_the_setting(
    server: ChannelServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAX_MESSAGE_CHARS", "40")
    refused(post(server, {"sender": sender(), "message": "c" * 41}), 413, "message_too_long")
    assert post(server, {"sender": sender(), "message": "c" * 40}).status_code == 200
    assert [m.text for m in server.agent.received] == ["c" * 40]


def test_rest_body_over_the_limit_is_413(server: ChannelServer) -> None:
    body = {"sender": sender(), "message": "hi", "padding": "p" * 17_000}
    refused(post(server, body), 413, "body_too_large")
    refused(post(server, raw=b'{"sender": "x", "message": "' + b"a" * 2_000_000),
            413, "body_too_large")
    assert server.agent.received == []


def test_rest_metadata_over_the_limit_is_413(server: ChannelServer) -> None:
    body = {"sender": sender(), "message": "hi", "metadata": {"x": "y" * 4100}}
    refused(post(server, body), 413, "metadata_too_large")
    deep: Any = {}
    for _ in range(40):
        deep = {"d": deep}
    refused(post(server, {"sender": sender(), "message": "hi", "metadata": deep}), 400,
            "invalid_metadata")
    assert server.agent.received == []


def test_rest_small_metadata_reaches_rasa(server: ChannelServer) -> None:
    post(server, {"sender": sender(), "message": "hi", "metadata": {"council": "westminster"}})
    assert without_client(server.agent.received[0].metadata, "rest-") == {
        "council": "westminster"}


# --- REST: sender and input_channel ----------------------------------------------------------


@pytest.mark.parametrize("body", [
    {"message": "what is my case status"},
    {"sender": None, "message": "what is my case status"},
    {"sender": "", "message": "what is my case status"},
], ids=["missing", "null", "empty"])
def test_rest_without_a_sender_is_400_and_joins_no_shared_conversation(
    server: ChannelServer, body: dict[str, Any]
) -> None:
    refused(post(server, body), 400, "sender_required")
    assert server.agent.received == []  # never the conversation "default"


@pytest.mark.parametrize("bad", [
    "   ", "x" * 129, "../../etc/passwd", "a?b=c", "a#b", "a\\b", "a\x00b", "a\nb",
    "\u202eredisr", "sms-0000000000000000000a", {"id": 1}, ["x"], True, 1.5,
])
def test_rest_unsafe_sender_is_400(server: ChannelServer, bad: Any) -> None:
    refused(post(server, {"sender": bad, "message": "hello"}), 400, "invalid_sender")
    assert server.agent.received == []


def test_rest_numeric_sender_is_its_string(server: ChannelServer) -> None:
    assert post(server, {"sender": 12345, "message": "hello"}).status_code == 200
    assert server.agent.received[0].sender_id == "12345"


@pytest.mark.parametrize("claimed", ["twilio_sms", "socketio", "", None, 5])
def test_rest_input_channel_from_the_caller_is_ignored(
    server: ChannelServer, claimed: Any
) -> None:
    reply = post(server, {"sender": sender(), "message": "hello", "input_channel": claimed})
    assert reply.status_code == 200
    assert server.agent.received[0].input_channel == "rest"


@pytest.mark.parametrize("raw", [b"[]", b"", b"null", b"not json", b"[" * 5000 + b"]" * 5000],
                         ids=["list", "empty", "null", "text", "deep"])
def test_rest_body_that_is_not_an_object_is_400(server: ChannelServer, raw: bytes) -> None:
    refused(post(server, raw=raw), 400, "invalid_body")


@pytest.mark.parametrize("message", [5, None, ["hi"], {"text": "hi"}])
def test_rest_message_that_is_not_a_string_is_400(server: ChannelServer, message: Any) -> None:
    refused(post(server, {"sender": sender(), "message": message}), 400, "invalid_message")


def test_rest_health_route_is_untouched(server: ChannelServer) -> None:
    assert requests.get(server.base_url + "/webhooks/rest/", timeout=10).json() == {
        "status": "ok"}


# --- REST: text that is not valid Unicode ----------------------------------------------------


def test_rest_lone_surrogate_is_cleaned_and_answered(server: ChannelServer) -> None:
    resident = sender()
    raw = json.dumps({"sender": resident, "message": "\ud800 lone surrogate",
                      "metadata": {"note": "x\udfff"}}).encode()
    assert b"\\ud800" in raw  # what a client sends: an escape JSON allows
    reply = post(server, raw=raw)
    assert reply.status_code == 200, reply.text[:300]
    message = server.agent.received[0]
    assert message.text == "\ufffd lone surrogate"
    assert without_client(message.metadata, "rest-") == {"note": "x\ufffd"}
    assert reply.json()[0]["text"] == "You said: \ufffd lone surrogate"


def test_rest_invalid_utf8_is_replaced_and_answered(server: ChannelServer) -> None:
    reply = post(server, raw=b'{"sender": "utf8-bad", "message": "bin \xff\xfe\xc3\x28 day"}')
    assert reply.status_code == 200, reply.text[:300]
    assert server.agent.received[0].text == "bin \ufffd\ufffd\ufffd( day"
    assert reply.json()[0]["recipient_id"] == "utf8-bad"


# --- web chat (socket.io) -------------------------------------------------------------------


class ChatClient:
    """A resident's browser: one socket, one session id, every bot_uttered collected."""

    def __init__(self, server: ChannelServer, session_id: str | None = None) -> None:
        """`session_id`: the id the browser asks to rejoin (the server decides)."""
        self.client = socketio.Client(reconnection=False)
        self.confirmed: list[str] = []
        self.replies: list[dict[str, Any]] = []
        self.disconnected = threading.Event()
        self.client.on("session_confirm", self.confirmed.append)
        self.client.on("bot_uttered", self.replies.append)
        self.client.on("disconnect", lambda *_: self.disconnected.set())
        self.client.connect(server.base_url, transports=["polling"], wait_timeout=10)
        self.client.emit("session_request", {"session_id": session_id})
        assert wait_for(lambda: self.confirmed)
        self.session_id = self.confirmed[0]

    def say(self, message: Any, **extra: Any) -> None:
        self.client.emit("user_uttered", {"message": message, "session_id": self.session_id,
                                          **extra})

    def reply_after(self, count: int, timeout: float = 10) -> str:
        assert wait_for(lambda: len(self.replies) > count, timeout), self.replies
        return self.replies[count]["text"]

    def close(self) -> None:
        """Leave as a browser tab does; without waiting for the pending long-poll GET, which
        python-engineio's client otherwise waits out (about 20 s) after a polling close."""
        for namespace in self.client.namespaces:
            self.client._send_packet(self.client.packet_class(  # noqa: SLF001
                socketio.packet.DISCONNECT, namespace=namespace))
        self.client.eio.disconnect(abort=True)


def wait_for(condition: Any, timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return bool(condition())


@pytest.fixture()
def chat(server: ChannelServer) -> Iterator[ChatClient]:
    client = ChatClient(server)
    yield client
    client.close()


def test_chat_message_of_100000_characters_is_refused_with_a_reply(
    server: ChannelServer, chat: ChatClient
) -> None:
    chat.say("help " * 20_000)
    text = chat.reply_after(0)
    assert text == too_long_reply(2000)
    assert "too long" in text and "shorter parts" in text
    assert "If you are in danger call 999" in text
    assert server.agent.received == []  # nothing reached NLU
    chat.say("is the tip open")  # the same socket still works
    assert chat.reply_after(1) == "You said: is the tip open"
    assert [m.sender_id for m in server.agent.received] == [chat.session_id]


def test_chat_message_at_the_limit_is_answered(server: ChannelServer, chat: ChatClient) -> None:
    chat.say("d" * 2000)
    assert chat.reply_after(0) == "You said: " + "d" * 2000


def test_chat_limit_follows_the_setting(
    server: ChannelServer, chat: ChatClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAX_MESSAGE_CHARS", "10")
    chat.say("e" * 11)
    assert chat.reply_after(0) == too_long_reply(10)
    assert server.agent.received == []


def test_chat_packet_over_the_engineio_buffer_closes_only_that_socket(
    server: ChannelServer, chat: ChatClient
) -> None:
    chat.say("f" * 200_000)  # over CHAT_MAX_PACKET_BYTES (128 KiB): never buffered or parsed
    assert chat.disconnected.wait(10)
    assert server.agent.received == []
    other = ChatClient(server)
    try:
        other.say("still there?")
        assert other.reply_after(0) == "You said: still there?"
    finally:
        other.close()


def test_chat_lone_surrogate_and_nul_are_cleaned(server: ChannelServer, chat: ChatClient) -> None:
    chat.say("bins \ud800 today\x00")
    assert chat.reply_after(0) == "You said: bins \ufffd today\ufffd"


@pytest.mark.parametrize("message", [5, ["hi"], {"text": "hi"}])
def test_chat_message_that_is_not_text_gets_a_reply(
    server: ChannelServer, chat: ChatClient, message: Any
) -> None:
    chat.say(message)
    assert chat.reply_after(0) == UNREADABLE_REPLY
    assert server.agent.received == []


def test_chat_event_that_is_not_an_object_gets_a_reply(
    server: ChannelServer, chat: ChatClient
) -> None:
    chat.client.emit("user_uttered", "just a string")
    assert chat.reply_after(0) == UNREADABLE_REPLY
    assert server.agent.received == []


@pytest.mark.parametrize("session_id", [
    "", "a/b", "x?y", "x#y", "sms-0000000000000000000a", "x" * 129, "bad\x00id", 7,
    "web-000000000000000000000000-000000000000000000000000",
])
def test_chat_message_naming_another_session_is_refused(
    server: ChannelServer, chat: ChatClient, session_id: Any
) -> None:
    chat.client.emit("user_uttered", {"message": "hello", "session_id": session_id})
    assert chat.reply_after(0) == INVALID_SESSION_REPLY
    assert server.agent.received == []


@pytest.mark.parametrize("session_id", ["../x", "sms-0000000000000000000a", "a#b", None])
def test_chat_session_request_with_an_unsafe_id_gets_a_fresh_one(
    server: ChannelServer, session_id: str | None
) -> None:
    client = ChatClient(server, session_id=session_id or "placeholder")
    try:
        client.client.emit("session_request", {"session_id": session_id})
        assert wait_for(lambda: len(client.confirmed) == 2)
        assert re.fullmatch(r"web-[0-9a-f]{24}-[0-9a-f]{24}", client.confirmed[1])
        assert client.confirmed[1] != client.confirmed[0]
    finally:
        client.close()


def test_chat_metadata_over_the_limit_is_dropped_and_the_message_answered(
    server: ChannelServer, chat: ChatClient
) -> None:
    chat.say("hello", metadata={"council": "westminster", "junk": "j" * 5000})
    assert chat.reply_after(0) == "You said: hello"
    chat.say("again", metadata=json.dumps({"council": "westminster"}))
    assert chat.reply_after(1) == "You said: again"
    assert [without_client(m.metadata, "web-") for m in server.agent.received] == [
        {}, {"council": "westminster"}]


# --- SMS: the same message limit, bounded integers, cleaned text -----------------------------


def sms_form(**fields: str) -> RequestParameters:
    form = {"MessageSid": "SM" + "a" * 32, "From": "+447700900123", "Body": "hello",
            "NumMedia": "0", **fields}
    return RequestParameters({name: [value] for name, value in form.items()})


@pytest.mark.parametrize("num_media", ["11", "-1", "9" * 30, "1e3"])
def test_sms_num_media_out_of_range_is_400(num_media: str) -> None:
    with pytest.raises(WebhookRefused) as refusal:
        parse_inbound(sms_form(NumMedia=num_media))
    assert refusal.value.status == 400
    assert parse_inbound(sms_form(NumMedia="10")).num_media == 10


def test_sms_body_is_cleaned() -> None:
    assert parse_inbound(sms_form(Body="bins\x00 today")).body == "bins\ufffd today"


def test_sms_uses_the_lower_of_twilios_limit_and_max_message_chars(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MAX_MESSAGE_CHARS", raising=False)
    assert inbound_max_chars() == 1600  # Twilio's own limit is the lower one by default
    monkeypatch.setenv("MAX_MESSAGE_CHARS", "500")
    assert inbound_max_chars() == 500
    assert not InboundSms("SM1", "+447700900123", "g" * 501, 0).readable
    assert InboundSms("SM1", "+447700900123", "g" * 500, 0).readable
    assert inbound_problem("g" * 501, 0, inbound_max_chars()) == TOO_LONG_REPLY
    assert "shorter parts" in TOO_LONG_REPLY and "999" in TOO_LONG_REPLY
