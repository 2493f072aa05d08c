"""SMS turns: in order per sender, and no more at once than the gate allows."""

from __future__ import annotations

import asyncio

from bot.channels.twilio_sms import SerialQueues


def test_turns_keep_order_per_sender_and_respect_the_concurrency_gate() -> None:
    async def scenario() -> tuple[int, dict[str, list[int]]]:
        queues = SerialQueues(concurrency=2)
        running = peak = 0
        seen: dict[str, list[int]] = {}

        def job(key: str, n: int):
            async def run() -> None:
                nonlocal running, peak
                running += 1
                peak = max(peak, running)
                await asyncio.sleep(0.01)
                seen.setdefault(key, []).append(n)
                running -= 1
            return run

        for n in range(4):
            for key in ("a", "b", "c", "d", "e"):
                queues.submit(key, job(key, n))
        await queues.wait_idle()
        return peak, seen

    peak, seen = asyncio.run(scenario())
    assert peak == 2
    assert seen == {key: [0, 1, 2, 3] for key in "abcde"}
