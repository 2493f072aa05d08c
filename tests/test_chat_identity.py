"""Conversation identity on the resident channels (issue #15, item 2), at channel level.

Web-chat session ids are issued and signed by the server; a socket joins only an id we issued
and takes messages only for the session it joined; REST cannot name another channel's
conversation and can be switched off or put behind a token; the console's staff messages
go to the channel the conversation's id names, never Rasa's "latest". The real channels on a
real Sanic server (tests/test_channel_limits.py's harness). Against the real Rasa server:
tests/integration/test_conversation_identity_live.py.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from bot.channels.chat_session import is_issued_session_id, issue_session_id
from bot.channels.limits import INVALID_SESSION_REPLY
from bot.console.rasa_api import channel_for
from tests.test_channel_limits import REST, ChannelServer, ChatClient, wait_for


def test_issued_ids_verify_only_with_their_key() -> None:
    issued = issue_session_id("key-one")
    assert is_issued_session_id(issued, "key-one")
    assert not is_issued_session_id(issued, "key-two")
    random_part, signature = issued[4:28], issued[29:]
    forged = f"web-{random_part}-{'0' * 24 if signature != '0' * 24 else '1' * 24}"
    assert not is_issued_session_id(forged, "key-one")
    for other in (issued.upper(), issued + "0", issued[:-1], None, 5, "", "sms-" + issued[4:]):
        assert not is_issued_session_id(other, "key-one")
    assert issue_session_id("key-one") != issued  # random part is fresh


@pytest.fixture()
def server() -> Iterator[ChannelServer]:
    server = ChannelServer().start()
    yield server
    server.stop()


def test_a_forged_or_foreign_session_id_is_never_joined(server: ChannelServer) -> None:
    for claimed in ("0123456789abcdef0123456789abcdef", "sms-4b1d0c5e2a9f7e31d6c8",
                    "web-000000000000000000000000-000000000000000000000000"):
        chat = ChatClient(server, session_id=claimed)
        try:
            assert chat.session_id != claimed and is_issued_session_id(chat.session_id)
        finally:
            chat.close()


def test_a_resident_rejoins_their_own_session(server: ChannelServer) -> None:
    first = ChatClient(server)
    first.say("hello")
    assert first.reply_after(0) == "You said: hello"
    first.close()
    again = ChatClient(server, session_id=first.session_id)
    try:
        assert again.session_id == first.session_id
        again.say("me again")
        assert again.reply_after(0) == "You said: me again"
    finally:
        again.close()
    assert [m.sender_id for m in server.agent.received] == [first.session_id] * 2


def test_a_socket_cannot_post_into_another_residents_session(server: ChannelServer) -> None:
    victim, attacker = ChatClient(server), ChatClient(server)
    try:
        attacker.client.emit("user_uttered", {"message": "hi", "session_id": victim.session_id})
        assert attacker.reply_after(0) == INVALID_SESSION_REPLY
        assert server.agent.received == []
        assert victim.replies == []
    finally:
        victim.close()
        attacker.close()


def test_a_message_before_any_session_is_refused_with_a_reply(server: ChannelServer) -> None:
    import socketio
    client = socketio.Client(reconnection=False)
    replies: list[dict] = []
    client.on("bot_uttered", replies.append)
    client.connect(server.base_url, transports=["polling"], wait_timeout=10)
    try:
        client.emit("user_uttered", {"message": "hi"})
        assert wait_for(lambda: replies)
    finally:
        client.disconnect()
    assert replies[0]["text"] == INVALID_SESSION_REPLY
    assert server.agent.received == []


@pytest.mark.parametrize("sender", ["sms-4b1d0c5e2a9f7e31d6c8", "web-abc", "Web-x"])
def test_rest_cannot_name_another_channels_conversation(server: ChannelServer,
                                                        sender: str) -> None:
    issued = issue_session_id()
    for name in (sender, issued):
        response = requests.post(server.base_url + REST, timeout=20,
                                 json={"sender": name, "message": "hello"})
        assert (response.status_code, response.json()["error"]) == (400, "invalid_sender")
    assert server.agent.received == []


def test_rest_switched_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REST_CHANNEL_ENABLED", "0")
    server = ChannelServer().start()
    try:
        response = requests.post(server.base_url + REST, timeout=20,
                                 json={"sender": "r1", "message": "hello"})
        assert (response.status_code, response.json()["error"]) == (404, "rest_disabled")
        chat = ChatClient(server)  # the web chat is unaffected
        chat.say("still here")
        assert chat.reply_after(0) == "You said: still here"
        chat.close()
    finally:
        server.stop()
    assert [m.text for m in server.agent.received] == ["still here"]


def test_rest_behind_a_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REST_CHANNEL_TOKEN", "s3cret-token")
    server = ChannelServer().start()
    body = {"sender": "r2", "message": "hello"}
    try:
        statuses = [requests.post(server.base_url + REST, json=body, timeout=20,
                                  headers=headers).status_code
                    for headers in ({}, {"Authorization": "Bearer wrong"},
                                    {"Authorization": "s3cret-token"},
                                    {"Authorization": "Bearer s3cret-token"})]
    finally:
        server.stop()
    assert statuses == [401, 401, 401, 200]
    assert [m.sender_id for m in server.agent.received] == ["r2"]


def test_staff_messages_go_to_the_channel_the_conversation_id_names() -> None:
    assert channel_for("sms-4b1d0c5e2a9f7e31d6c8") == "twilio_sms"
    assert channel_for(issue_session_id("k")) == "socketio"
    assert channel_for("integration-42") == "rest"


def test_ending_a_chat_restarts_it_on_the_server_and_leaves_the_session(
    server: ChannelServer
) -> None:
    chat = ChatClient(server)
    try:
        chat.say("hello")
        assert chat.reply_after(0) == "You said: hello"
        ended = chat.session_id
        chat.client.emit("session_end", {"session_id": ended})
        assert wait_for(lambda: len(server.agent.received) == 2)
        assert [(m.text, m.sender_id) for m in server.agent.received] == [
            ("hello", ended), ("/restart", ended)]
        chat.say("still me?")  # the socket no longer holds the session
        assert chat.reply_after(1) == INVALID_SESSION_REPLY
        chat.client.emit("session_request", {})  # what the page does next: a new session
        assert wait_for(lambda: len(chat.confirmed) == 2)
        assert chat.confirmed[1] != ended and is_issued_session_id(chat.confirmed[1])
    finally:
        chat.close()


def test_session_end_for_another_session_does_nothing(server: ChannelServer) -> None:
    victim, attacker = ChatClient(server), ChatClient(server)
    try:
        attacker.client.emit("session_end", {"session_id": victim.session_id})
        victim.say("hello")
        assert victim.reply_after(0) == "You said: hello"
    finally:
        victim.close()
        attacker.close()
    assert [m.text for m in server.agent.received] == ["hello"]
