"""Per-client rate limits on the REST and web-chat channels (issue #15, item 1).

The bucket itself with a stepped clock (exact arithmetic, no sleeping), then the real channels
on a real Sanic server (tests/test_channel_limits.py's harness, a stand-in agent that echoes),
configured with small limits: over the limit REST answers 429 with Retry-After, the web chat
replies asking to slow down, and nothing over the limit reaches Rasa. Against the real Rasa
server: tests/integration/test_rate_limits_live.py.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from bot.channels.rate_limit import TokenBucket, client_address, slow_down_reply
from bot.config import get_settings
from tests.test_channel_limits import REST, ChannelServer, ChatClient, wait_for

RATE_ENV = ("RATE_LIMIT_IP_PER_MINUTE", "RATE_LIMIT_IP_BURST", "RATE_LIMIT_SENDER_PER_MINUTE",
            "RATE_LIMIT_SENDER_BURST", "CHANNEL_TRUST_PROXY")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_bucket_allows_the_burst_then_refills_at_the_rate() -> None:
    clock = Clock()
    bucket = TokenBucket(per_minute=30, burst=3, clock=clock)  # one token per 2 s
    assert [bucket.take("a") for _ in range(3)] == [0, 0, 0]
    assert bucket.take("a") == 2
    assert bucket.take("b") == 0  # another key has its own bucket
    clock.now += 1.0
    assert bucket.take("a") == 1
    clock.now += 1.0
    assert bucket.take("a") == 0
    assert bucket.take("a") == 2
    clock.now += 600
    assert [bucket.take("a") for _ in range(4)] == [0, 0, 0, 2]  # never more than the burst


def test_bucket_with_no_rate_never_limits() -> None:
    bucket = TokenBucket(per_minute=0, burst=1)
    assert not bucket.enabled
    assert all(bucket.take("a") == 0 for _ in range(1000))


def test_bucket_memory_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    import bot.channels.rate_limit as rate_limit
    monkeypatch.setattr(rate_limit, "MAX_TRACKED_KEYS", 100)
    clock = Clock()
    bucket = TokenBucket(per_minute=60, burst=2, clock=clock)
    for number in range(1000):
        bucket.take(f"k{number}")
        clock.now += 0.01
    assert len(bucket._buckets) <= 100  # noqa: SLF001


def test_defaults_keep_the_load_benchmarks_under_the_limits(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in RATE_ENV:
        monkeypatch.delenv(name, raising=False)
    settings = get_settings()
    # load_bench: 50 residents on 127.0.0.1, at most ~40 msg/s saturated, 60 s runs;
    # one conversation is at most 7 messages (script + 2 extra skips), rest_load's 6.
    assert settings.rate_limit_ip_per_minute >= 40 * 60
    assert settings.rate_limit_sender_burst >= 7
    assert settings.rate_limit_sender_per_minute > 0 and settings.rate_limit_ip_per_minute > 0


def test_client_address_trusts_only_the_proxys_own_entry() -> None:
    assert client_address("10.0.0.5", "1.2.3.4, 203.0.113.9", trust_proxy=False) == "10.0.0.5"
    assert client_address("10.0.0.5", "1.2.3.4, 203.0.113.9", trust_proxy=True) == "203.0.113.9"
    assert client_address("10.0.0.5", None, trust_proxy=True) == "10.0.0.5"
    assert client_address(None, None, trust_proxy=False) == "unknown"


def test_slow_down_reply_is_plain_and_has_the_danger_line() -> None:
    assert "wait a few seconds" in slow_down_reply(2)
    assert "wait 30 seconds" in slow_down_reply(30)
    assert "If you are in danger call 999" in slow_down_reply(2)


# --- the real channels with small limits --------------------------------------------------


@pytest.fixture()
def limited(monkeypatch: pytest.MonkeyPatch) -> Iterator[ChannelServer]:
    """A channel server whose limits are read at start: 3 per conversation, 8 per address,
    each refilled at one a minute (so nothing refills during a test)."""
    monkeypatch.setenv("RATE_LIMIT_SENDER_PER_MINUTE", "1")
    monkeypatch.setenv("RATE_LIMIT_SENDER_BURST", "3")
    monkeypatch.setenv("RATE_LIMIT_IP_PER_MINUTE", "1")
    monkeypatch.setenv("RATE_LIMIT_IP_BURST", "8")
    server = ChannelServer().start()
    yield server
    server.stop()


def rest(server: ChannelServer, sender: str, message: str = "hello",
         headers: dict[str, str] | None = None) -> requests.Response:
    return requests.post(server.base_url + REST, json={"sender": sender, "message": message},
                         headers=headers, timeout=20)


def test_rest_sender_over_its_limit_gets_429_and_nothing_reaches_rasa(
    limited: ChannelServer
) -> None:
    assert [rest(limited, "alice").status_code for _ in range(3)] == [200, 200, 200]
    refused = rest(limited, "alice", "my fourth message")
    assert refused.status_code == 429
    body = refused.json()
    assert body["error"] == "rate_limited" and "999" in body["message"]
    assert int(refused.headers["Retry-After"]) == body["retry_after"] >= 1
    assert rest(limited, "bob").status_code == 200  # another resident is not limited
    assert [m.text for m in limited.agent.received] == ["hello"] * 4


def test_rest_address_limit_holds_whatever_sender_it_uses(limited: ChannelServer) -> None:
    statuses = [rest(limited, f"new-{n}").status_code for n in range(10)]
    assert statuses == [200] * 8 + [429] * 2
    assert len(limited.agent.received) == 8


def test_rest_address_limit_counts_bad_requests_too(limited: ChannelServer) -> None:
    for _ in range(8):
        response = requests.post(limited.base_url + REST, data=b"[]", timeout=20,
                                 headers={"Content-Type": "application/json"})
        assert response.status_code == 400
    assert rest(limited, "carol").status_code == 429
    assert limited.agent.received == []


def test_rest_behind_a_trusted_proxy_limits_each_forwarded_client(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RATE_LIMIT_IP_PER_MINUTE", "1")
    monkeypatch.setenv("RATE_LIMIT_IP_BURST", "2")
    monkeypatch.setenv("CHANNEL_TRUST_PROXY", "1")
    server = ChannelServer().start()
    try:
        first = {"X-Forwarded-For": "198.51.100.1"}
        assert [rest(server, f"p{n}", headers=first).status_code for n in range(3)] == \
            [200, 200, 429]
        second = {"X-Forwarded-For": "198.51.100.1, 198.51.100.2"}  # a spoofed first entry
        assert rest(server, "q", headers=second).status_code == 200
    finally:
        server.stop()


def test_chat_session_over_its_limit_is_told_to_slow_down(limited: ChannelServer) -> None:
    chat = ChatClient(limited)
    try:
        for number in range(4):
            chat.say(f"message {number}")
            assert wait_for(lambda n=number: len(chat.replies) > n)
        texts = [r["text"] for r in chat.replies]
    finally:
        chat.close()
    assert texts[:3] == [f"You said: message {n}" for n in range(3)]
    assert texts[3].startswith("You are sending messages faster than I can read them")
    assert [m.text for m in limited.agent.received] == [f"message {n}" for n in range(3)]


def test_chat_address_limit_holds_across_sessions(limited: ChannelServer) -> None:
    chats = [ChatClient(limited) for _ in range(3)]
    try:
        for chat in chats:
            for number in range(3):
                chat.say(f"m{number}")
        assert wait_for(lambda: sum(len(c.replies) for c in chats) == 9)
        texts = [r["text"] for c in chats for r in c.replies]
    finally:
        for chat in chats:
            chat.close()
    assert sum(t.startswith("You said") for t in texts) == 8
    assert sum(t.startswith("You are sending messages faster") for t in texts) == 1
    assert len(limited.agent.received) == 8
