"""The notifier loop: moves due "text me when it's back" notifications and approved broadcasts
into the SMS outbox at SMS_NOTIFY_PER_SECOND, and sends them at once through the outbox's own
delivery (in order, retried while Twilio is down, never twice, STOP checked before each send).

Runs beside the outbox loop in every Rasa process with the SMS channel (twilio_sms). The send
times are planned in the database (bot.services.subscriptions), so the pace holds whichever
and however many processes run it; only a backlog (a loop stopped for a while) is caught up at
up to one pace per running process. Database calls run in the default thread pool.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Callable

from bot.channels.sms_delivery import PARALLEL_CONVERSATIONS, OutboxDelivery
from bot.db.engine import session_scope
from bot.services import subscriptions
from bot.threads import run_sync

logger = logging.getLogger(__name__)
MAX_PASS_SECONDS = 1.0


def release_due(limit: int) -> list[str]:
    """One transaction: due notifications into the outbox; the conversations to flush."""
    with session_scope() as session:
        return subscriptions.release_due(session, limit)


def stop_named_service(phone: str, body: str) -> str | None:
    """"stop bins" from a subscriber: end that subscription; the reply, or None if not one."""
    with session_scope() as session:
        return subscriptions.stop_named_service(session, phone, body)


def unsubscribe_all(phone: str) -> int:
    """STOP: end every subscription of the number (the opt-out already blocks the texts)."""
    with session_scope() as session:
        return subscriptions.unsubscribe(session, phone)


async def notify_once(delivery: OutboxDelivery, limit: int) -> int:
    """Release what is due (at most `limit`) and send it; returns how many conversations.

    Each released text is its own conversation's queue, so up to PARALLEL_CONVERSATIONS are
    sent at once (one after the other, a send's round trips capped the rate near 20 texts/s
    on two cores whatever SMS_NOTIFY_PER_SECOND said: make bench, notify_bench)."""
    conversations = await run_sync(release_due, limit)
    gate = asyncio.Semaphore(PARALLEL_CONVERSATIONS)

    async def flush_one(conversation_id: str) -> None:
        async with gate:
            await delivery.flush(conversation_id)

    await asyncio.gather(*(flush_one(c) for c in conversations))
    return len(conversations)


def pass_limit(tick: float, limit: int, elapsed: float | None) -> int:
    """Notifications this pass may release: the pace's share of the time since the last pass
    began (a pass's own work counts: the loop sleeps `tick` after it, so a fixed `limit` per
    pass fell short of the pace), at most MAX_PASS_SECONDS' worth so a stalled loop does not
    burst."""
    if elapsed is None or elapsed <= tick:
        return limit
    return max(limit, math.ceil(limit / tick * min(elapsed, MAX_PASS_SECONDS)))


async def notify_forever(make_delivery: Callable[[], OutboxDelivery]) -> None:
    """The background loop; survives any error and goes on. The pace is re-read every pass."""
    loop = asyncio.get_running_loop()
    previous: float | None = None
    while True:
        tick, limit = subscriptions.release_pace()
        began = loop.time()
        limit = pass_limit(tick, limit, None if previous is None else began - previous)
        previous = began
        try:
            sent = await notify_once(make_delivery(), limit)
            if sent:
                logger.debug("notifications: %d released", sent)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # noqa: BLE001 - the loop must outlive any one failure
            logger.warning("notification pass failed: %s: %s", type(error).__name__,
                           str(error)[:300])
        await asyncio.sleep(tick)
