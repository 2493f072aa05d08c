"""The project's SMS channel for Rasa, through Twilio: signed, idempotent, quick to acknowledge.

Many residents affected by the incident are elderly or offline, and SMS is how they reach us.
Rasa's built-in `twilio` connector checks no X-Twilio-Signature, runs the whole turn inside the
webhook (Twilio gives up after 15 s), sends with a blocking client on the event loop, shows
button payloads as raw text and answers an MMS without a body with a 500. This channel instead:

- refuses (403) any request whose X-Twilio-Signature does not match PUBLIC_BASE_URL + path
  (+ query) and the form, so it works behind a proxy or tunnel; with TWILIO_AUTH_TOKEN empty it
  refuses everything;
- stores the MessageSid (unique) first, so a webhook retried by Twilio is answered once;
- acknowledges at once with empty TwiML and runs the turn in a background task, one queue per
  sender so a resident's texts are answered in the order they were sent;
- gives Rasa a pseudonym (`sms-` + HMAC of the number, see sms_store), never the number;
- replies through the REST API with twilio's async interface, a timeout and bounded retries,
  checking before every send that the number has not texted STOP.

Keywords: real Twilio confirms STOP itself and then blocks sends to that number, so this
channel sends no STOP confirmation of its own (the resident gets exactly one, Twilio's; with
the local fake they get none). START/UNSTOP/YES resume only a number that opted out (otherwise
"yes" is an ordinary answer) and get a short confirmation; HELP/INFO get the council's routes.
Messages from an opted-out number are still given to Rasa, so staff see them; no reply is sent.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import random
import re
import uuid
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import parse_qs

import aiohttp
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request, RequestParameters
from sanic.response import HTTPResponse
from sqlalchemy.exc import SQLAlchemyError
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http import AsyncHttpClient
from twilio.http.response import Response as TwilioResponse
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from bot.channels import sms_store
from bot.channels.sms_render import (
    ERROR_REPLY,
    MAX_INBOUND_CHARS,
    RESUMED_REPLY,
    choose,
    classify_keyword,
    gsm7_segments,
    inbound_problem,
    render_choices,
    render_parts,
)
from bot.channels.sms_store import normalise_sender
from bot.config import Settings, get_settings

logger = logging.getLogger(__name__)

CHANNEL_NAME = "twilio_sms"
URL_PREFIX = f"/webhooks/{CHANNEL_NAME}"
WEBHOOK_PATH = "/webhook"
STATUS_PATH = "/status"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
MAX_FORM_BYTES = 32_768
MAX_FORM_FIELDS = 100
SEND_ATTEMPTS = 4
BACKOFF_SECONDS = 0.5
TWILIO_API_ORIGIN = re.compile(r"^https://[A-Za-z0-9.-]+\.twilio\.com", re.IGNORECASE)

T = TypeVar("T")
Job = Callable[[], Awaitable[None]]


async def run_sync(func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a blocking (database) call in the default thread pool, off the event loop."""
    call = functools.partial(func, *args, **kwargs)
    return await asyncio.get_running_loop().run_in_executor(None, call)


class WebhookRefused(Exception):
    """A request this channel will not process; `status` and `reason` go back to the caller."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class InboundSms:
    message_sid: str
    phone: str
    body: str
    num_media: int

    @property
    def readable(self) -> bool:
        """True when there are words to give Rasa (a picture may come with them)."""
        return bool(self.body.strip()) and len(self.body) <= MAX_INBOUND_CHARS


# --- webhook authentication and parsing ---------------------------------------------------



def neutralise_payload(text: str) -> str:
    """Free text that starts with '/' loses the slash, so Rasa reads it as words."""
    stripped = text.lstrip()
    return stripped.lstrip("/").lstrip() if stripped.startswith("/") else text

def parse_form(request: Request) -> RequestParameters:
    """The form exactly as Twilio signed it (blank values kept; Sanic's own parser drops them)."""
    content_type = (request.content_type or "").split(";")[0].strip().lower()
    if content_type != FORM_CONTENT_TYPE:
        raise WebhookRefused(400, f"expected a {FORM_CONTENT_TYPE} body")
    raw = request.body or b""
    if len(raw) > MAX_FORM_BYTES:
        raise WebhookRefused(400, "form body too large")
    try:
        text = raw.decode("utf-8")
        fields = parse_qs(
            text, keep_blank_values=True, strict_parsing=bool(text),
            max_num_fields=MAX_FORM_FIELDS,
        )
    except (UnicodeDecodeError, ValueError):
        raise WebhookRefused(400, "malformed form body") from None
    return RequestParameters(fields)


def public_url(settings: Settings, request: Request) -> str:
    """The URL Twilio called, as seen from outside: what the signature covers."""
    url = settings.public_base_url.rstrip("/") + request.path
    return f"{url}?{request.query_string}" if request.query_string else url


def authenticated_form(request: Request) -> RequestParameters:
    """The request's form if its X-Twilio-Signature is valid; raises WebhookRefused otherwise."""
    settings = get_settings()
    if not settings.twilio_auth_token:
        logger.error("TWILIO_AUTH_TOKEN is empty: refusing %s (no SMS is accepted)", request.path)
        raise WebhookRefused(403, "SMS channel is not configured")
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature:
        logger.warning("refused %s: no X-Twilio-Signature", request.path)
        raise WebhookRefused(403, "missing X-Twilio-Signature")
    form = parse_form(request)
    validator = RequestValidator(settings.twilio_auth_token)
    if not validator.validate(public_url(settings, request), form, signature):
        logger.warning(
            "refused %s: X-Twilio-Signature does not match (is PUBLIC_BASE_URL %s right?)",
            request.path, settings.public_base_url,
        )
        raise WebhookRefused(403, "invalid X-Twilio-Signature")
    return form


def parse_inbound(form: RequestParameters) -> InboundSms:
    """The fields of an incoming message; raises WebhookRefused(400) when they make no sense."""
    message_sid = (form.get("MessageSid") or form.get("SmsMessageSid") or "").strip()
    if not message_sid or len(message_sid) > 64:
        raise WebhookRefused(400, "MessageSid is missing or too long")
    phone = normalise_sender(form.get("From") or "")
    if phone is None:
        raise WebhookRefused(400, "From is not a phone number")
    try:
        num_media = int(form.get("NumMedia") or "0")
    except ValueError:
        raise WebhookRefused(400, "NumMedia is not a number") from None
    if num_media < 0:
        raise WebhookRefused(400, "NumMedia is negative")
    return InboundSms(message_sid, phone, form.get("Body") or "", num_media)


def twiml_ack() -> HTTPResponse:
    return response.text(EMPTY_TWIML, content_type="text/xml")


# --- per-sender ordering --------------------------------------------------------------------


class SerialQueues:
    """Runs jobs one at a time per key, in arrival order; different keys run concurrently.

    Per process: with several Rasa server processes, Twilio's own per-number ordering and the
    MessageSid dedup still hold, but two texts could be answered out of order.
    """

    def __init__(self) -> None:
        self._pending: dict[str, deque[Job]] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def submit(self, key: str, job: Job) -> None:
        queue = self._pending.get(key)
        if queue is not None:
            queue.append(job)
            return
        self._pending[key] = deque([job])
        task = asyncio.get_running_loop().create_task(self._drain(key))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _drain(self, key: str) -> None:
        queue = self._pending[key]
        try:
            while queue:
                job = queue.popleft()
                try:
                    await job()
                except Exception as error:  # one bad message must not stop the queue
                    logger.error("SMS job for %s failed: %s", key, type(error).__name__)
                    logger.debug("SMS job failure", exc_info=True)
        finally:
            del self._pending[key]

    async def wait_idle(self) -> None:
        """Wait until every queued job has run (tests, orderly shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)


# --- sending through the Twilio REST API ----------------------------------------------------


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
    def unconfirmed(self) -> bool:
        """Timed out after the request left: Twilio may well have sent it, so go on."""
        return self.sid is None and self.status == "unknown"


def _retryable(status: int) -> bool:
    return status == 429 or status >= 500


class TwilioSender:
    """Messages.create with bounded exponential backoff, never sending a text twice.

    Retried: HTTP 429 and 5xx (Twilio created nothing) and connection failures (nothing left).
    Not retried: a timeout after the request left, because Twilio may already have sent it.
    """

    def __init__(
        self, settings: Settings, attempts: int = SEND_ATTEMPTS, backoff: float = BACKOFF_SECONDS
    ) -> None:
        self.settings = settings
        self.attempts = attempts
        self.backoff = backoff
        self._client = Client(
            settings.twilio_account_sid, settings.twilio_auth_token,
            http_client=RoutedHttpClient(settings.twilio_api_base, settings.http_timeout),
        )

    def status_callback_url(self) -> str:
        return f"{self.settings.public_base_url.rstrip('/')}{URL_PREFIX}{STATUS_PATH}"

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
        logger.error("gave up sending an SMS after %d attempts (%s)", self.attempts, last_error)
        return SendResult(None, "failed", last_error)

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


class TwilioSmsOutput(OutputChannel):
    """Sends bot replies to the number behind a pseudonym, unless that number texted STOP."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL_NAME

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or get_settings()
        self._sender: TwilioSender | None = None

    @property
    def sender(self) -> TwilioSender | None:
        if self._sender is None:
            try:
                self._sender = TwilioSender(self.settings)
            except TwilioException:
                logger.error("TWILIO_ACCOUNT_SID/TWILIO_AUTH_TOKEN missing: SMS not sent")
        return self._sender

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self._deliver(recipient_id, text)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        body, choices = render_choices(text, buttons)
        await self._deliver(recipient_id, body, choices)

    async def send_custom_json(
        self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any
    ) -> None:
        """Only a `text` in custom JSON is sent: raw JSON means nothing to a resident."""
        text = json_message.get("text")
        if isinstance(text, str) and text.strip():
            await self._deliver(recipient_id, text)

    async def _deliver(
        self, conversation_id: str, text: str, choices: Iterable[tuple[str, str]] = ()
    ) -> None:
        choices = list(choices)
        if choices:
            await run_sync(sms_store.save_choices, conversation_id, choices)
        for part in render_parts(text):
            phone = await self._reachable_phone(conversation_id)
            if phone is None:
                return
            result = await self._send_part(conversation_id, phone, part)
            if not (result.ok or result.unconfirmed):
                return  # Twilio refused it: later parts would read out of context

    async def _reachable_phone(self, conversation_id: str) -> str | None:
        phone, opted_out = await run_sync(sms_store.delivery_target, conversation_id)
        if phone is None:
            logger.warning("no SMS number for %s: reply not sent", conversation_id)
            return None
        if opted_out:
            logger.info("%s has opted out of SMS: reply not sent", conversation_id)
            return None
        return phone

    async def _send_part(self, conversation_id: str, phone: str, part: str) -> SendResult:
        sender = self.sender
        result = await sender.send(phone, part) if sender else SendResult(None, "failed", "config")
        sid = result.sid or f"local-{uuid.uuid4().hex}"
        await run_sync(
            sms_store.record_status, sid, result.status, phone=phone,
            error_code=result.error_code, segments=gsm7_segments(part),
        )
        logger.info("SMS %s to %s: %s", sid, conversation_id, result.status)
        return result


# --- the input channel ------------------------------------------------------------------------


class TwilioSmsInput(InputChannel):
    """`POST /webhooks/twilio_sms/webhook` (messages), `/status` (delivery), `GET /` (health)."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL_NAME

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        return cls()  # everything comes from the environment (bot.config), never the yml

    def __init__(self) -> None:
        self.queues = SerialQueues()

    def get_output_channel(self) -> OutputChannel:
        return TwilioSmsOutput()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhooks = Blueprint(f"{CHANNEL_NAME}_webhook", __name__)

        @webhooks.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            configured = bool(get_settings().twilio_auth_token)
            return response.json(
                {"status": "ok", "channel": CHANNEL_NAME, "configured": configured}
            )

        @webhooks.route(WEBHOOK_PATH, methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            return await self._receive(request, on_new_message)

        @webhooks.route(STATUS_PATH, methods=["POST"])
        async def status(request: Request) -> HTTPResponse:
            return await self._status(request)

        return webhooks

    async def _receive(
        self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> HTTPResponse:
        try:
            sms = parse_inbound(authenticated_form(request))
        except WebhookRefused as refused:
            return response.text(refused.reason, status=refused.status)
        try:
            segments = gsm7_segments(sms.body) or None
            conversation_id = await run_sync(
                sms_store.accept_inbound, sms.message_sid, sms.phone, segments
            )
        except SQLAlchemyError as error:
            logger.error("could not store SMS %s: %s", sms.message_sid, type(error).__name__)
            return response.text("temporarily unavailable, please retry", status=503)
        if conversation_id is None:
            logger.info("SMS %s already received: acknowledged again", sms.message_sid)
        else:
            logger.info("SMS %s from %s queued", sms.message_sid, conversation_id)
            job = functools.partial(self._process, sms, conversation_id, on_new_message)
            self.queues.submit(conversation_id, job)
        return twiml_ack()

    async def _process(
        self, sms: InboundSms, conversation_id: str,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> None:
        output = self.get_output_channel()
        if await self._handle_keyword(sms, conversation_id, output):
            return
        problem = inbound_problem(sms.body, sms.num_media)
        if problem:
            await output.send_text_message(conversation_id, problem)
        if not sms.readable:
            return
        choices = await run_sync(sms_store.take_choices, conversation_id)
        # A numbered choice maps to its button payload; free text never may act as one
        # ("/restart" typed by a resident would otherwise reset the conversation silently).
        text = choose(sms.body, choices) or neutralise_payload(sms.body)
        await self._run_turn(text, sms.message_sid, conversation_id, output, on_new_message)

    async def _handle_keyword(
        self, sms: InboundSms, conversation_id: str, output: OutputChannel
    ) -> bool:
        """Act on STOP / START / HELP; True when the message needs nothing more."""
        keyword = None if sms.num_media else classify_keyword(sms.body)
        if keyword == "stop":
            flagged = await run_sync(sms_store.set_opt_out, sms.phone, True, conversation_id)
            logger.info("%s opted out of SMS (%d open cases flagged)", conversation_id, flagged)
            return True
        if keyword == "start" and await run_sync(sms_store.is_opted_out, sms.phone):
            await run_sync(sms_store.set_opt_out, sms.phone, False, conversation_id)
            logger.info("%s opted back in to SMS", conversation_id)
            await output.send_text_message(conversation_id, RESUMED_REPLY)
            return True
        if keyword == "help":
            await output.send_text_message(conversation_id, await run_sync(sms_store.help_reply))
            return True
        return False

    async def _run_turn(
        self, text: str, message_sid: str, conversation_id: str, output: OutputChannel,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> None:
        message = UserMessage(
            text, output, conversation_id, input_channel=CHANNEL_NAME, message_id=message_sid,
            metadata={"channel": CHANNEL_NAME},
        )
        try:
            await on_new_message(message)
        except Exception as error:  # the resident must hear something, whatever broke
            logger.error("turn for %s (%s) failed: %s", conversation_id, message_sid,
                         type(error).__name__)
            logger.debug("turn failure", exc_info=True)
            await output.send_text_message(conversation_id, ERROR_REPLY)

    async def _status(self, request: Request) -> HTTPResponse:
        try:
            form = authenticated_form(request)
        except WebhookRefused as refused:
            return response.text(refused.reason, status=refused.status)
        message_sid = (form.get("MessageSid") or form.get("SmsSid") or "").strip()
        status = (form.get("MessageStatus") or form.get("SmsStatus") or "").strip().lower()
        if not message_sid or not status or len(message_sid) > 64:
            return response.text("MessageSid and MessageStatus are required", status=400)
        try:
            await run_sync(
                sms_store.record_status, message_sid, status[:30],
                phone=normalise_sender(form.get("To") or ""),
                error_code=(form.get("ErrorCode") or "")[:20] or None,
            )
        except SQLAlchemyError as error:
            logger.error("could not record status of %s: %s", message_sid, type(error).__name__)
            return response.text("temporarily unavailable, please retry", status=503)
        return response.empty()
