"""One gate for every channel's turns in a Rasa process, so no channel starves the others.

Rasa runs the NLU model and the policies on the server's event loop. With fifty residents'
turns in flight at once, each waits behind all the others' model steps, and so does every
quick request: an SMS webhook's acknowledgement (Twilio gives up after 15 s), a status check.
Measured with 50 residents: SMS turns gated alone at 6 kept acknowledgements under 1 s but
left SMS replies waiting behind ungated REST turns (p50 16 s); gated at 16, acknowledgements
reached 14 s at p99. Gating REST, socket.io and SMS together keeps the loop short for all.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from bot.config import get_settings

_gates: dict[int, asyncio.Semaphore] = {}


def turn_gate() -> asyncio.Semaphore:
    """The running loop's gate, TURN_CONCURRENCY wide (tests run several servers, each on its
    own loop)."""
    loop = asyncio.get_running_loop()
    gate = _gates.get(id(loop))
    if gate is None:
        gate = _gates[id(loop)] = asyncio.Semaphore(
            max(1, get_settings().turn_concurrency))
    return gate


def gated(
    on_new_message: Callable[[Any], Awaitable[Any]]
) -> Callable[[Any], Awaitable[Any]]:
    """`on_new_message` that waits for a place at the gate first."""

    async def handle(message: Any) -> Any:
        async with turn_gate():
            return await on_new_message(message)

    return handle
