"""Moves reply parts from the SMS outbox to Twilio: at once when a reply is written, and again
from a background loop for whatever Twilio's API could not take at the time.

The database calls run in the default thread pool, never on the Rasa server's event loop.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import TypeVar

from bot.channels import sms_outbox, sms_store
from bot.channels.sms_failures import note_not_delivered
from bot.channels.sms_render import gsm7_segments
from bot.channels.twilio_api import SendResult, TwilioSender
from bot.config import get_settings
from bot.db.models import utcnow
from bot.ops.counters import count_send_failure
from bot.threads import run_sync

logger = logging.getLogger(__name__)
UNSUBSCRIBED_RECIPIENT = "21610"  # Twilio: "Attempt to send to unsubscribed recipient"

T = TypeVar("T")

PARALLEL_CONVERSATIONS = 8


class OutboxDelivery:
    """Sends a conversation's queued parts in order; leaves them queued while Twilio is down."""

    def __init__(self, sender_factory: Callable[[], TwilioSender | None]) -> None:
        self._sender_factory = sender_factory

    def claim_seconds(self, sender: TwilioSender | None) -> float:
        """Longer than the slowest send of one part, so a live sender never loses its claim."""
        if sender is None:
            return 60.0
        timeout = sender.settings.http_timeout
        return sender.attempts * (timeout + sender.backoff * 2 ** sender.attempts) + 30.0

    async def enqueue(self, conversation_id: str, parts: Sequence[str]) -> None:
        segments = [gsm7_segments(part) or None for part in parts]
        await run_sync(sms_outbox.enqueue, conversation_id, list(parts), segments)

    async def flush(self, conversation_id: str) -> None:
        """Send the conversation's parts until none is left or one has to wait."""
        sender = self._sender_factory()
        claim = self.claim_seconds(sender)
        while True:
            part = await run_sync(sms_outbox.claim_head, conversation_id, claim)
            if part is None:
                return
            if not await self._send(sender, part):
                return

    async def _send(self, sender: TwilioSender | None, part: sms_outbox.ClaimedPart) -> bool:
        """Deliver one claimed part; False when the conversation's queue must wait."""
        phone, opted_out = await run_sync(sms_store.delivery_target, part.conversation_id)
        if phone is None or opted_out:
            reason = "opted-out" if opted_out else "no-number"
            dropped = await run_sync(sms_outbox.cancel_conversation, part.conversation_id, reason)
            logger.info("%s: %d SMS part(s) not sent (%s)", part.conversation_id, dropped, reason)
            return False
        if not part.body:  # sealed under a key that has since been rotated: nothing to send
            await run_sync(sms_outbox.refuse, part.id, sms_outbox.REFUSED, "unreadable")
            await self._record(phone, "", SendResult(None, "failed", "unreadable"))
            logger.error("%s: a queued SMS part could not be opened (key rotated?); not sent",
                         part.conversation_id)
            return True
        if sender is None:
            result = SendResult(None, "failed", "config")
        else:
            result = await sender.send(phone, part.body)
        if result.deferred:
            give_up_after = timedelta(hours=get_settings().sms_outbox_give_up_hours)
            if utcnow() - part.created_at > give_up_after:
                await run_sync(sms_outbox.refuse, part.id, sms_outbox.EXPIRED, result.error_code
                               or "expired")
                await self._record(phone, part.body, SendResult(None, "failed", "expired"))
                await run_sync(note_not_delivered, "Twilio could not be reached for "
                               f"{get_settings().sms_outbox_give_up_hours:g} hours",
                               part.conversation_id)
                count_send_failure("expired")
                logger.error("%s: gave up on an SMS part queued since %s",
                             part.conversation_id, part.created_at)
                return True
            when = await run_sync(sms_outbox.defer, part.id, result.error_code or "", part.attempts)
            count_send_failure("deferred")
            logger.warning("%s: SMS part %d waits for Twilio until %s (attempt %d)",
                           part.conversation_id, part.id, when.isoformat(timespec="seconds"),
                           part.attempts)
            return False
        if result.ok or result.unconfirmed:
            await run_sync(sms_outbox.mark_sent, part.id, result.sid, result.unconfirmed)
        else:
            settled = await run_sync(sms_outbox.refuse, part.id, sms_outbox.REFUSED,
                                     result.error_code or "refused")
            await run_sync(note_not_delivered, "Twilio refused it, error "
                           f"{result.error_code or 'unknown'}", part.conversation_id)
            if result.error_code == UNSUBSCRIBED_RECIPIENT:  # they opted out at Twilio (#15.9)
                await run_sync(sms_store.set_opt_out, phone, True, part.conversation_id)
                await run_sync(sms_outbox.cancel_conversation, part.conversation_id, "opted-out")
            count_send_failure("refused")
            logger.error("%s: Twilio refused an SMS part (%s); %d part(s) of that reply dropped",
                         part.conversation_id, result.error_code, settled)
        await self._record(phone, part.body, result)
        logger.info("SMS %s to %s: %s", result.sid or "-", part.conversation_id, result.status)
        return True

    async def _record(self, phone: str, body: str, result: SendResult) -> None:
        sid = result.sid or f"local-{uuid.uuid4().hex}"
        await run_sync(
            sms_store.record_status, sid, result.status, phone=phone,
            error_code=result.error_code, segments=gsm7_segments(body),
        )

    async def drain_once(self) -> int:
        """One pass over every conversation with a part due; returns how many were tried."""
        conversations = await run_sync(sms_outbox.due_conversations)
        if not conversations:
            return 0
        gate = asyncio.Semaphore(PARALLEL_CONVERSATIONS)

        async def flush_one(conversation_id: str) -> None:
            async with gate:
                await self.flush(conversation_id)

        await asyncio.gather(*(flush_one(c) for c in conversations))
        return len(conversations)


async def drain_forever(
    make_delivery: Callable[[], OutboxDelivery], interval: float | None = None
) -> None:
    """The background loop: survives any error (the database restarting, say) and goes on.

    The delivery is made anew each pass so a changed configuration (a rotated Twilio token)
    takes effect without a restart. `interval` defaults to SMS_OUTBOX_POLL_SECONDS.
    """
    if interval is None:
        interval = get_settings().sms_outbox_poll_seconds
    while True:
        try:
            tried = await make_delivery().drain_once()
            if tried:
                logger.info("SMS outbox: retried %d conversation(s)", tried)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # noqa: BLE001 - the loop must outlive any one failure
            logger.warning("SMS outbox pass failed: %s: %s", type(error).__name__,
                           str(error)[:300])
        await asyncio.sleep(interval)
