"""Twilio's REST API as the SMS channel uses it: one send, with a timeout and quick retries.

Kept apart from the channel so the outbox, the channel and the tests share one sender, and so
importing it does not load Rasa.
"""

from __future__ import annotations

import asyncio
import logging
import random
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp
from twilio.base.exceptions import TwilioRestException
from twilio.http import AsyncHttpClient
from twilio.http.response import Response as TwilioResponse
from twilio.rest import Client

from bot.config import Settings

logger = logging.getLogger(__name__)

SEND_ATTEMPTS = 3
BACKOFF_SECONDS = 0.5
DEFERRED = "deferred"
TWILIO_API_ORIGIN = re.compile(r"^https://[A-Za-z0-9.-]+\.twilio\.com", re.IGNORECASE)


class RoutedHttpClient(AsyncHttpClient):
    """twilio's async HTTP client contract over aiohttp, with a timeout on every request.

    When TWILIO_API_BASE is set, https://*.twilio.com is replaced by it, so `make run` and the
    tests exercise the production code path against the local fake.
    """

    def __init__(self, api_base: str, timeout: float) -> None:
        super().__init__(logging.getLogger("twilio.http_client"), True, timeout)
        self.api_base = api_base.rstrip("/")

    def route(self, url: str) -> str:
        if not self.api_base:
            return url
        return TWILIO_API_ORIGIN.sub(lambda _match: self.api_base, url, count=1)

    async def request(
        self,
        method: str,
        url: str,
        params: Mapping[str, object] | None = None,
        data: Mapping[str, object] | None = None,
        headers: Mapping[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> TwilioResponse:
        client_timeout = aiohttp.ClientTimeout(total=timeout or self.timeout)
        basic_auth = aiohttp.BasicAuth(*auth) if auth else None
        async with aiohttp.ClientSession(timeout=client_timeout) as session:
            async with session.request(
                method.upper(), self.route(url), params=params, data=data, headers=headers,
                auth=basic_auth, allow_redirects=allow_redirects,
            ) as reply:
                return TwilioResponse(reply.status, await reply.text(), reply.headers)


@dataclass(frozen=True)
class SendResult:
    sid: str | None
    status: str
    error_code: str | None = None

    @property
    def ok(self) -> bool:
        return self.sid is not None

    @property
    def deferred(self) -> bool:
        """Twilio's API failed in a way that created nothing: try again later."""
        return self.sid is None and self.status == DEFERRED

    @property
    def unconfirmed(self) -> bool:
        """Timed out after the request left: Twilio may well have sent it, so go on."""
        return self.sid is None and self.status == "unknown"


def _retryable(status: int) -> bool:
    return status == 429 or status >= 500


class TwilioSender:
    """Messages.create with bounded exponential backoff, never sending a text twice.

    Retried: HTTP 429 and 5xx (Twilio created nothing) and connection failures (nothing left),
    a few times in quick succession, then reported as deferred for the outbox to try later.
    Not retried: a timeout after the request left, because Twilio may already have sent it.
    """

    def __init__(
        self, settings: Settings, status_callback_path: str,
        attempts: int = SEND_ATTEMPTS, backoff: float = BACKOFF_SECONDS,
    ) -> None:
        self.settings = settings
        self.status_callback_path = status_callback_path
        self.attempts = attempts
        self.backoff = backoff
        self._client = Client(
            settings.twilio_account_sid, settings.twilio_auth_token,
            http_client=RoutedHttpClient(settings.twilio_api_base, settings.http_timeout),
        )

    def status_callback_url(self) -> str:
        return f"{self.settings.public_base_url.rstrip('/')}{self.status_callback_path}"

    def _message_args(self, to: str, body: str) -> dict[str, Any]:
        args: dict[str, Any] = {"to": to, "body": body}
        sender = self.settings.twilio_from_number
        if sender.startswith("MG"):
            args["messaging_service_sid"] = sender
        else:
            args["from_"] = sender
        if self.settings.public_base_url.startswith(("http://", "https://")):
            args["status_callback"] = self.status_callback_url()
        return args

    async def send(self, to: str, body: str) -> SendResult:
        last_error = "unknown"
        for attempt in range(1, self.attempts + 1):
            outcome = await self._attempt(to, body)
            if isinstance(outcome, SendResult):
                return outcome
            last_error = outcome
            if attempt < self.attempts:
                delay = self.backoff * 2 ** (attempt - 1)
                await asyncio.sleep(delay + random.uniform(0, delay / 4))
        logger.warning("Twilio's API still failing after %d attempts (%s): deferred",
                       self.attempts, last_error)
        return SendResult(None, DEFERRED, last_error)

    async def _attempt(self, to: str, body: str) -> SendResult | str:
        """A final result, or the error code of a failure worth retrying."""
        try:
            message = await self._client.messages.create_async(**self._message_args(to, body))
        except TwilioRestException as error:
            code = str(error.code or error.status)
            if _retryable(error.status):
                logger.warning("Twilio answered %s (%s): will retry", error.status, code)
                return code
            logger.error("Twilio refused an SMS: HTTP %s, code %s", error.status, code)
            return SendResult(None, "failed", code[:20])
        except aiohttp.ClientConnectorError:
            logger.warning("could not connect to the Twilio API: will retry")
            return "connection"
        except (asyncio.TimeoutError, aiohttp.ClientError) as error:
            logger.error("SMS send outcome unknown (%s): not retried", type(error).__name__)
            return SendResult(None, "unknown", "timeout")
        return SendResult(message.sid, str(message.status or "queued"))
