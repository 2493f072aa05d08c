"""Rasa's REST channel with input checks: a bad request is a clear JSON 4xx before any NLU.

Rasa 3.6's RestInput calls `request.json.get(...)` on whatever arrives, so a JSON array or
an empty body raised inside the handler (500), a non-string `message` was swallowed with an
empty 200, a request without `sender` joined the shared conversation "default", and the caller
chose `input_channel` (naming the SMS channel made replies and cases look like SMS). Here, in a
request middleware of this channel's blueprint (Sanic has read the body by then, up to its
REQUEST_MAX_SIZE):

- a body over MAX_REQUEST_BYTES, a message over MAX_MESSAGE_CHARS or metadata over
  MAX_METADATA_BYTES (or nested over 10 levels) is refused with 413;
- a body that is not a JSON object, a missing, empty or unsafe `sender` (see
  limits.sender_problem) or a `message` that is not a string is refused with 400;
- invalid UTF-8 and lone surrogates are replaced with U+FFFD, so the resident is answered;
- `input_channel` from the caller is ignored: the channel is the one the request came in on;
- the metadata gets a pseudonym of the client address (bot/channels/client_key.py), replacing
  anything the caller sent under that name, so case-status failures count per client;
- with REST_CHANNEL_ENABLED=0 every request is 404; with REST_CHANNEL_TOKEN set, a request
  without `Authorization: Bearer <that token>` is 401 (a public deployment: integrations only);
- a client address or a sender over its rate limit (bot/channels/rate_limit.py) gets 429 with
  `Retry-After` and a sentence asking it to slow down; the address is counted before the body
  is even parsed, so a flood of bad requests is limited too.

Every refusal is `{"error": <code>, "message": <explanation>}`; nothing refused reaches Rasa.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput as RasaRestInput
from sanic import Blueprint, response
from sanic.exceptions import InvalidUsage, PayloadTooLarge
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.client_key import client_pseudonym, stamp_client
from bot.channels.limits import (
    clean_json,
    clean_text,
    metadata_problem,
    sender_problem,
    tidy_text,
    too_long_reply,
)
from bot.channels.rate_limit import (
    ChannelRateLimits,
    client_address,
    long_conversation_reply,
    slow_down_reply,
)
from bot.channels.turn_gate import gated
from bot.config import conversation_id_key, get_settings

logger = logging.getLogger(__name__)

class RestRefusal(Exception):
    """A request the REST channel will not pass to Rasa; becomes a JSON 4xx."""

    def __init__(self, status: int, error: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.error = error
        self.message = message
        self.extra = extra

    def response(self) -> HTTPResponse:
        headers = {}
        if "retry_after" in self.extra:
            headers["Retry-After"] = str(self.extra["retry_after"])
        return response.json({"error": self.error, "message": self.message, **self.extra},
                             status=self.status, headers=headers)


def rate_limited(retry_after: int) -> RestRefusal:
    return RestRefusal(429, "rate_limited", slow_down_reply(retry_after),
                       retry_after=retry_after)


@dataclass(frozen=True)
class RestTurn:
    sender: str
    message: str
    metadata: dict[str, Any] | None


def _decode(raw: bytes, max_bytes: int) -> Any:
    if len(raw) > max_bytes:
        raise RestRefusal(413, "body_too_large",
                          f"The request body must be at most {max_bytes} bytes.",
                          max_request_bytes=max_bytes)
    text = raw.decode("utf-8", errors="replace").lstrip("\ufeff")
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        raise RestRefusal(400, "invalid_body", "The body must be a JSON object with 'sender' "
                          "and 'message'.") from None


def parse_rest_body(raw: bytes) -> RestTurn:
    """The turn a REST webhook body asks for; raises RestRefusal when it is not acceptable."""
    settings = get_settings()
    body = _decode(raw, settings.max_request_bytes)
    if not isinstance(body, dict):
        raise RestRefusal(400, "invalid_body",
                          "The body must be a JSON object with 'sender' and 'message'.")

    sender = body.get("sender")
    if isinstance(sender, int) and not isinstance(sender, bool):
        sender = str(sender)
    if sender is None or sender == "":
        raise RestRefusal(400, "sender_required",
                          "'sender' is required: a non-empty string that names this "
                          "resident's conversation (conversations are never shared).")
    if not isinstance(sender, str):
        raise RestRefusal(400, "invalid_sender", "'sender' must be a string.")
    problem = sender_problem(sender)
    if problem:
        raise RestRefusal(400, "invalid_sender", f"'sender' {problem}.")

    message = body.get("message")
    if not isinstance(message, str):
        raise RestRefusal(400, "invalid_message", "'message' must be a string.")
    if len(message) > settings.max_message_chars:
        raise RestRefusal(413, "message_too_long", too_long_reply(settings.max_message_chars),
                          max_message_chars=settings.max_message_chars)

    metadata = body.get("metadata")
    if not isinstance(metadata, dict):
        metadata = None  # as before: anything but an object is ignored
    elif trouble := metadata_problem(metadata, settings.max_metadata_bytes):
        kind, why = trouble
        if kind == "too_large":
            raise RestRefusal(413, "metadata_too_large", f"'metadata' {why}.",
                              max_metadata_bytes=settings.max_metadata_bytes)
        raise RestRefusal(400, "invalid_metadata", f"'metadata' {why}.")
    else:
        metadata = clean_json(metadata)

    if "input_channel" in body:
        logger.debug("ignored a client-supplied input_channel on the REST channel")
    return RestTurn(sender, tidy_text(clean_text(message)), metadata)


def check_access(request: Request, enabled: bool, token: str) -> None:
    """Raise RestRefusal when the REST channel is off, or behind a token the request lacks."""
    if not enabled:
        raise RestRefusal(404, "rest_disabled", "The REST channel is switched off here.")
    if token:
        given = request.headers.get("authorization", "")
        scheme, _, value = given.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
                value.strip().encode("utf-8", "replace"), token.encode("utf-8")):
            raise RestRefusal(401, "unauthorized",
                              "This REST channel needs 'Authorization: Bearer <token>'.")


def _turn(request: Request) -> RestTurn:
    """The checked turn, parsed once per request (the middleware has usually done it)."""
    turn = getattr(request.ctx, "rest_turn", None)
    if turn is None:
        try:
            turn = parse_rest_body(request.body or b"")
        except RestRefusal as refusal:  # only if the middleware did not run
            exception = PayloadTooLarge if refusal.status == 413 else InvalidUsage
            raise exception(refusal.message) from None
        request.ctx.rest_turn = turn
    return turn


class RestInput(RasaRestInput):
    """Same name ("rest") and URL as Rasa's channel; turns wait at the shared turn gate."""

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = super().blueprint(gated(on_new_message))
        settings = get_settings()
        limits = ChannelRateLimits(settings)
        key = conversation_id_key()  # read once: no file read on the event loop per request

        @blueprint.middleware("request")
        async def check(request: Request) -> HTTPResponse | None:
            try:
                check_access(request, settings.rest_channel_enabled,
                             settings.rest_channel_token)
                if request.method != "POST":
                    return None
                address = client_address(request.ip, request.headers.get("x-forwarded-for"),
                                         limits.trust_proxy)
                if wait := limits.client(address):
                    raise rate_limited(wait)
                turn = parse_rest_body(request.body or b"")
                # who sent it, as only this channel can say (bot/channels/client_key.py)
                turn = request.ctx.rest_turn = replace(turn, metadata=stamp_client(
                    turn.metadata, client_pseudonym("rest", address, key)))
                if wait := limits.sender(turn.sender):
                    raise rate_limited(wait)
                if wait := limits.conversation(turn.sender):
                    raise RestRefusal(429, "conversation_too_long",
                                      long_conversation_reply(wait), retry_after=wait)
            except RestRefusal as refusal:
                logger.info("REST request refused: %s (%d)", refusal.error, refusal.status)
                return refusal.response()
            return None

        return blueprint

    async def _extract_sender(self, req: Request) -> str | None:
        return _turn(req).sender

    def _extract_message(self, req: Request) -> str | None:
        return _turn(req).message

    def _extract_input_channel(self, req: Request) -> str:
        return self.name()  # never the caller's choice

    def get_metadata(self, request: Request) -> dict[str, Any] | None:
        return _turn(request).metadata
