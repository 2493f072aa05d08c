"""Rasa's REST channel with input checks: a bad body is a clear 400, never a 500 or silence.

Rasa 3.6's RestInput calls `request.json.get(...)` on whatever arrives, so a JSON array or
an empty body raises inside the handler (500), and a non-string `message` is swallowed with
an empty 200. Overlong messages are cut, because DIET's attention is quadratic in tokens and
runs on the server's event loop: one 4,000-word message would stall every other resident.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput as RasaRestInput
from sanic import Blueprint
from sanic.exceptions import InvalidUsage
from sanic.request import Request

from bot.channels.turn_gate import gated

MAX_MESSAGE_CHARS = 2000
MAX_SENDER_CHARS = 200  # case rows and the tracker store keep conversation ids of this size


def _body(request: Request) -> dict[str, Any]:
    body = request.json
    if not isinstance(body, dict):
        raise InvalidUsage("The body must be a JSON object with 'sender' and 'message'.")
    return body


class RestInput(RasaRestInput):
    """Same name ("rest") and URL as Rasa's channel; turns wait at the shared turn gate."""

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        return super().blueprint(gated(on_new_message))

    async def _extract_sender(self, req: Request) -> str | None:
        sender = _body(req).get("sender")
        if sender is not None and not isinstance(sender, str | int):
            raise InvalidUsage("'sender' must be a string.")
        if sender is not None and len(str(sender)) > MAX_SENDER_CHARS:
            raise InvalidUsage(f"'sender' must be at most {MAX_SENDER_CHARS} characters.")
        return None if sender is None else str(sender)

    def _extract_message(self, req: Request) -> str | None:
        message = _body(req).get("message")
        if not isinstance(message, str):
            raise InvalidUsage("'message' must be a string.")
        return message[:MAX_MESSAGE_CHARS]

    def _extract_input_channel(self, req: Request) -> str:
        channel = _body(req).get("input_channel")
        return channel if isinstance(channel, str) and channel else self.name()

    def get_metadata(self, request: Request) -> dict[str, Any] | None:
        metadata = _body(request).get("metadata")
        return metadata if isinstance(metadata, dict) else None
