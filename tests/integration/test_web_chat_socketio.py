"""The resident web chat's transport: Rasa's socket.io channel with the project's fixes."""

from __future__ import annotations

import threading
import uuid

import pytest
import socketio

pytestmark = pytest.mark.integration


def test_web_chat_session_gets_replies_in_its_room(servers) -> None:
    client = socketio.Client(reconnection=False)
    confirmed = threading.Event()
    replied = threading.Event()
    replies: list[dict] = []
    issued: list[str] = []

    def on_confirm(session_id: str) -> None:
        issued.append(session_id)
        confirmed.set()

    client.on("session_confirm", on_confirm)

    def on_bot(data: dict) -> None:
        replies.append(data)
        replied.set()

    client.on("bot_uttered", on_bot)
    client.connect(servers.rasa_url, headers={"Origin": servers.env["CONSOLE_URL"]},
                   transports=["polling"], wait_timeout=20)
    try:
        client.emit("session_request", {"session_id": f"web-{uuid.uuid4().hex[:10]}"})
        assert confirmed.wait(20)
        client.emit("user_uttered", {"message": "are the libraries open",
                                     "session_id": issued[0],
                                     "metadata": {"council": "westminster"}})
        assert replied.wait(60), "no bot reply reached the session room"
    finally:
        client.disconnect()
    assert "Libraries in Westminster" in " ".join(r.get("text", "") for r in replies)


def test_web_chat_from_another_origin_is_refused(servers) -> None:
    client = socketio.Client(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(servers.rasa_url, headers={"Origin": "http://evil.example"},
                       transports=["polling"], wait_timeout=10)
