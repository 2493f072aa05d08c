"""Per-client rate limits for the REST and web-chat channels: a token bucket per key.

Without them one client could keep the turn gate full and every other resident waited behind
it (issue #15). Two buckets are checked for each message: one per client address (so a
script cannot get round the limit with a new conversation id per message) and one per
conversation. The per-address bucket is deliberately generous, because many residents can
share one address (a library, a council office, a mobile network's NAT) and our own load
benchmarks drive 20-50 residents from 127.0.0.1; the per-conversation bucket is what a
person typing can never reach. A refused message is always answered (429 on REST, a "slow
down" reply on the web chat), never dropped silently.

Buckets live in the process's memory: each Rasa process limits its own share, which is what
protects its event loop. Idle full buckets are pruned so memory stays bounded.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from bot.config import Settings

MAX_TRACKED_KEYS = 50_000  # prune idle buckets beyond this many keys
# Every turn of a conversation re-reads and re-featurises its whole session (the policies walk
# every event; the action server is sent all of them), so a turn's cost grows with the
# conversation's length, and that work holds the event loop every resident shares. Red team
# (docs/security-review.md, RT-3): a conversation grown to 3,000 messages within the per-minute
# limit (about 100 minutes at 30 a minute) made each of its turns take 7 s and another
# resident's wait 5 s (0.15 s otherwise). So a conversation has a third bucket: at most
# CONVERSATION_MESSAGES within one session's life (domain.yml session_expiration_time, 240
# minutes), far above the ~20 of a real conversation. It is on whenever the per-conversation
# limit is.
CONVERSATION_MESSAGES = 200
CONVERSATION_WINDOW_MINUTES = 240


def slow_down_reply(retry_after: int) -> str:
    """What a resident is told when they send too fast (web chat reply, REST 429 message)."""
    wait = "a few seconds" if retry_after <= 5 else f"{retry_after} seconds"
    return (f"You are sending messages faster than I can read them. Please wait {wait} and "
            "send your message again. If you are in danger call 999.")


def long_conversation_reply(retry_after: int) -> str:
    """What a resident is told when one conversation has gone on too long."""
    minutes = max(1, math.ceil(retry_after / 60))
    return ("This conversation has become too long for me to follow. Please start a new chat "
            f"to carry on (reload the page), or wait {minutes} minute"
            f"{'' if minutes == 1 else 's'}. If you are in danger call 999.")


@dataclass
class _Bucket:
    tokens: float
    updated: float


class TokenBucket:
    """`burst` messages at once, refilled at `per_minute`; per_minute <= 0 means no limit."""

    def __init__(self, per_minute: float, burst: int,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = max(0.0, per_minute) / 60.0
        self.burst = max(1, burst)
        self.clock = clock
        self._buckets: dict[str, _Bucket] = {}

    @property
    def enabled(self) -> bool:
        return self.rate > 0

    def take(self, key: str) -> int:
        """0 when `key` may send one more message now (a token is taken), else the whole
        seconds until it may."""
        if not self.enabled:
            return 0
        now = self.clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= MAX_TRACKED_KEYS:
                self._prune(now)
            bucket = self._buckets[key] = _Bucket(float(self.burst), now)
        else:
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
            bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0
        return max(1, math.ceil((1.0 - bucket.tokens) / self.rate))

    def _prune(self, now: float) -> None:
        """Forget buckets that would be full again by now (they hold no information)."""
        full_after = self.burst / self.rate
        for key in [k for k, b in self._buckets.items() if now - b.updated >= full_after]:
            del self._buckets[key]
        if len(self._buckets) >= MAX_TRACKED_KEYS:  # all busy: drop the oldest half
            oldest = sorted(self._buckets, key=lambda k: self._buckets[k].updated)
            for key in oldest[: len(oldest) // 2]:
                del self._buckets[key]


class ChannelRateLimits:
    """The per-address and per-conversation buckets of one channel."""

    def __init__(self, settings: Settings,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.per_client = TokenBucket(settings.rate_limit_ip_per_minute,
                                      settings.rate_limit_ip_burst, clock)
        self.per_sender = TokenBucket(settings.rate_limit_sender_per_minute,
                                      settings.rate_limit_sender_burst, clock)
        self.per_conversation = TokenBucket(
            CONVERSATION_MESSAGES / CONVERSATION_WINDOW_MINUTES
            if settings.rate_limit_sender_per_minute > 0 else 0,
            CONVERSATION_MESSAGES, clock)
        self.trust_proxy = settings.channel_trust_proxy

    def client(self, address: str) -> int:
        """Seconds to wait before this address may send (0: go ahead, a token was taken)."""
        return self.per_client.take(address or "unknown")

    def sender(self, conversation_id: str) -> int:
        """Seconds to wait before this conversation may send (0: go ahead)."""
        return self.per_sender.take(conversation_id)

    def conversation(self, conversation_id: str) -> int:
        """Seconds until this conversation may send again once it has sent
        CONVERSATION_MESSAGES in a session's life (0: go ahead)."""
        return self.per_conversation.take(conversation_id)


def client_address(peer: str | None, forwarded_for: str | None, trust_proxy: bool) -> str:
    """The client's address: the TCP peer, or, behind one trusted proxy (nginx's
    `$proxy_add_x_forwarded_for` appends the address it saw), the last X-Forwarded-For
    entry. Earlier entries are the client's own claim and never trusted."""
    if trust_proxy and forwarded_for:
        last = forwarded_for.split(",")[-1].strip()
        if last:
            return last
    return peer or "unknown"
