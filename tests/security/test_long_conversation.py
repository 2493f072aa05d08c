"""Red team: one conversation grown very long slowed every resident (docs/security-review.md,
RT-3).

Each turn re-reads and re-featurises the conversation's whole session on the event loop every
resident shares. Within the per-minute limit (30 a minute) a script grew one conversation to
3,000 messages in about 100 minutes; then each of its turns took 7 s and another resident's
turn waited 5 s (0.15 s otherwise; measured on the real server on a busy 2-core machine).
Now a conversation may send at most CONVERSATION_MESSAGES in a session's life; after that
REST answers 429 `conversation_too_long` and the web chat asks for a new chat (with 999).

The bucket with a stepped clock; then the real REST and socket.io channels on a real Sanic
server (tests/test_channel_limits.py's harness) with the cap lowered to 3.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from bot.channels import rate_limit
from bot.channels.rate_limit import ChannelRateLimits, long_conversation_reply
from bot.config import get_settings
from tests.test_channel_limits import REST, ChannelServer, ChatClient, wait_for
from tests.test_rate_limits import Clock


def test_a_conversation_may_send_the_cap_then_one_per_refill() -> None:
    clock = Clock()
    limits = ChannelRateLimits(get_settings(), clock)
    sent = 0
    while (wait := limits.conversation("long-one")) == 0 and sent < 1000:
        sent += 1
        clock.now += 2.0  # 30 a minute: within the per-minute limit
    # the cap, plus what refilled while they were sent (1 per 72 s: 400 s -> 5)
    assert rate_limit.CONVERSATION_MESSAGES <= sent <= rate_limit.CONVERSATION_MESSAGES + 6
    assert 1 <= wait <= 72
    assert limits.conversation("someone-else") == 0
    clock.now += wait
    assert limits.conversation("long-one") == 0


def test_the_cap_is_off_when_per_conversation_limits_are(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RATE_LIMIT_SENDER_PER_MINUTE", "0")
    limits = ChannelRateLimits(get_settings(), Clock())
    assert all(limits.conversation("x") == 0 for _ in range(500))


def test_the_reply_is_plain_and_has_the_danger_line() -> None:
    text = long_conversation_reply(4000)
    assert "new chat" in text and "999" in text and "67 minutes" in text


@pytest.fixture()
def capped(monkeypatch: pytest.MonkeyPatch) -> Iterator[ChannelServer]:
    monkeypatch.setattr(rate_limit, "CONVERSATION_MESSAGES", 3)
    monkeypatch.setenv("RATE_LIMIT_SENDER_PER_MINUTE", "600")
    monkeypatch.setenv("RATE_LIMIT_SENDER_BURST", "100")
    server = ChannelServer().start()
    yield server
    server.stop()


def test_rest_conversation_over_the_cap_is_429_and_never_reaches_rasa(
        capped: ChannelServer) -> None:
    def say(sender: str) -> requests.Response:
        return requests.post(capped.base_url + REST, json={"sender": sender, "message": "hi"},
                             timeout=20)

    assert [say("long").status_code for _ in range(3)] == [200] * 3
    refused = say("long")
    assert refused.status_code == 429
    body = refused.json()
    assert body["error"] == "conversation_too_long" and "999" in body["message"]
    assert int(refused.headers["Retry-After"]) == body["retry_after"] > 0
    assert say("short").status_code == 200
    assert len(capped.agent.received) == 4


def test_chat_conversation_over_the_cap_is_asked_to_start_again(capped: ChannelServer) -> None:
    chat = ChatClient(capped)
    try:
        for number in range(4):
            chat.say(f"message {number}")
            assert wait_for(lambda n=number: len(chat.replies) > n)
        texts = [reply["text"] for reply in chat.replies]
    finally:
        chat.close()
    assert texts[:3] == [f"You said: message {n}" for n in range(3)]
    assert "new chat" in texts[3] and "999" in texts[3]
    assert [m.text for m in capped.agent.received] == [f"message {n}" for n in range(3)]
