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
- writes every reply to the SMS outbox first (sms_outbox) and sends it from there through the
  REST API with twilio's async interface and a timeout, checking before every send that the
  number has not texted STOP; what Twilio's API cannot take now is retried in order from a
  background loop until it lands (sms_delivery), never sent twice.

Keywords: real Twilio confirms STOP itself and then blocks sends to that number, so this
channel sends no STOP confirmation of its own (the resident gets exactly one, Twilio's; with
the local fake they get none). START/UNSTOP/YES resume only a number that opted out (otherwise
"yes" is an ordinary answer) and get a short confirmation; HELP/INFO get the council's routes.
STOP also ends every "text me when it's back" subscription of the number; STOP + a service
("stop bins") from a subscriber ends that one subscription and is confirmed (sms_notify).
Messages from an opted-out number are still given to Rasa, so staff see them; no reply is sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request, RequestParameters
from sanic.response import HTTPResponse
from sqlalchemy.exc import SQLAlchemyError
from twilio.base.exceptions import TwilioException
from twilio.request_validator import RequestValidator

from bot.channels import sms_inbox, sms_store
from bot.channels.client_key import CLIENT_KEY, client_pseudonym
from bot.channels.limits import clean_text, tidy_text
from bot.channels.sms_delivery import OutboxDelivery, drain_forever
from bot.channels.sms_failures import FAILED_STATUSES, note_not_delivered
from bot.channels.sms_notify import notify_forever, stop_named_service, unsubscribe_all
from bot.channels.sms_render import (
    ERROR_REPLY,
    INTERRUPTED_REPLY,
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
from bot.channels.turn_gate import turn_gate
from bot.channels.twilio_api import TwilioSender
from bot.config import (
    Settings,
    check_twilio_configuration,
    conversation_id_key,
    get_settings,
)
from bot.threads import run_sync

logger = logging.getLogger(__name__)

CHANNEL_NAME = "twilio_sms"
URL_PREFIX = f"/webhooks/{CHANNEL_NAME}"
WEBHOOK_PATH = "/webhook"
STATUS_PATH = "/status"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
MAX_FORM_BYTES = 32_768
MAX_FORM_FIELDS = 100
MAX_NUM_MEDIA = 10  # Twilio's own limit per message; a bigger number is not from Twilio
# Twilio waits on the webhook's answer (and gives up after 15 s): its database write gets
# threads of its own instead of queueing behind the replies' writes in the default pool.
ACK_POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="sms-ack")
INBOX_POLL_SECONDS = 5.0

Job = Callable[[], Awaitable[None]]


class WebhookRefused(Exception):
    """A request this channel will not process; `status` and `reason` go back to the caller."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


OPT_OUT_TYPES = {"STOP": "stop", "START": "start", "HELP": "help"}


@dataclass(frozen=True)
class InboundSms:
    message_sid: str
    phone: str
    body: str
    num_media: int
    # Twilio's Advanced Opt-Out says which keyword it matched (STOP, START, HELP), whatever
    # words the account set up for it: that is the resident's choice, not ours to re-read.
    opt_out_type: str = ""

    @property
    def readable(self) -> bool:
        """True when there are words to give Rasa (a picture may come with them)."""
        return bool(self.body.strip()) and len(self.body) <= inbound_max_chars()


def inbound_max_chars() -> int:
    """Longest text given to Rasa: Twilio's own limit, or MAX_MESSAGE_CHARS if lower."""
    return min(MAX_INBOUND_CHARS, get_settings().max_message_chars)


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
    if not 0 <= num_media <= MAX_NUM_MEDIA:
        raise WebhookRefused(400, f"NumMedia is not between 0 and {MAX_NUM_MEDIA}")
    # NUL (and any lone surrogate) would break the database and NLU: cleaned, still answered.
    # Invisible characters ("ST\u200bOP", "hit\u200bting") would hide words: dropped.
    body = tidy_text(clean_text(form.get("Body") or ""))
    return InboundSms(message_sid, phone, body, num_media,
                      (form.get("OptOutType") or "").strip().upper()[:10])


def twiml_ack() -> HTTPResponse:
    return response.text(EMPTY_TWIML, content_type="text/xml")


# --- per-sender ordering --------------------------------------------------------------------


class SerialQueues:
    """Runs jobs one at a time per key, in arrival order; different keys run concurrently.

    Per process: with several Rasa server processes, Twilio's own per-number ordering and the
    MessageSid dedup still hold, but two texts could be answered out of order.
    """

    def __init__(self, concurrency: int | None = None) -> None:
        self._pending: dict[str, deque[Job]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._concurrency = concurrency
        self._own_gate: asyncio.Semaphore | None = None

    @property
    def gate(self) -> asyncio.Semaphore:
        """The process-wide turn gate, unless this queue was given a limit of its own."""
        if self._concurrency is None:
            return turn_gate()
        if self._own_gate is None:
            self._own_gate = asyncio.Semaphore(max(1, self._concurrency))
        return self._own_gate

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
                    async with self.gate:
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


class TwilioSmsOutput(OutputChannel):
    """Sends bot replies to the number behind a pseudonym, unless that number texted STOP."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL_NAME

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or get_settings()
        self._sender: TwilioSender | None = None
        self.delivery = OutboxDelivery(lambda: self.sender)

    @property
    def sender(self) -> TwilioSender | None:
        if self._sender is None:
            try:
                self._sender = TwilioSender(self.settings, URL_PREFIX + STATUS_PATH)
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
        """Queue the reply in the outbox, then send what may go now; the rest waits there."""
        choices = list(choices)
        if choices:
            await run_sync(sms_store.save_choices, conversation_id, choices)
        await self.delivery.enqueue(conversation_id, render_parts(text))
        await self.delivery.flush(conversation_id)


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
        # Real Twilio half configured or without CONVERSATION_ID_KEY: refuse to start
        # (bot.config says why and what to set).
        check_twilio_configuration()
        self.queues = SerialQueues()
        self.owner = sms_inbox.new_owner()
        self._background: list[asyncio.Task[None]] = []
        self._secret: str | None = None

    def _client_secret(self) -> str:
        """The key of client pseudonyms, read once (no file read per message on the loop)."""
        if self._secret is None:
            self._secret = conversation_id_key()
        return self._secret

    def get_output_channel(self) -> OutputChannel:
        return TwilioSmsOutput()

    def start_background(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> None:
        """For as long as this server runs: retry queued replies, adopt orphaned texts."""
        if any(not task.done() for task in self._background):
            return
        loop = asyncio.get_running_loop()
        self._background = [
            loop.create_task(drain_forever(lambda: TwilioSmsOutput().delivery)),
            loop.create_task(notify_forever(lambda: TwilioSmsOutput().delivery)),
            loop.create_task(self._watch_inbox(on_new_message)),
        ]

    async def stop_background(self) -> None:
        for task in self._background:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._background = []

    async def _watch_inbox(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]],
        interval: float = INBOX_POLL_SECONDS,
    ) -> None:
        """Heartbeat, and run the texts of server processes that stopped beating."""
        while True:
            try:
                await run_sync(sms_inbox.heartbeat, self.owner)
                adopted, interrupted = await run_sync(sms_inbox.adopt_orphans, self.owner)
                for conversation_id in interrupted:
                    logger.warning("%s: a turn was cut off by a server stopping", conversation_id)
                    self.queues.submit(conversation_id, functools.partial(
                        self.get_output_channel().send_text_message, conversation_id,
                        INTERRUPTED_REPLY))
                for text in adopted:
                    logger.warning("SMS %s adopted from a stopped server", text.message_sid)
                    sms = InboundSms(text.message_sid, text.phone, text.body, text.num_media)
                    self.queues.submit(text.conversation_id, functools.partial(
                        self._process, sms, text.conversation_id, on_new_message))
            except asyncio.CancelledError:
                raise
            except Exception as error:  # noqa: BLE001 - the watch must outlive any one failure
                logger.warning("SMS inbox watch failed: %s: %s", type(error).__name__,
                               str(error)[:300])
            await asyncio.sleep(interval)

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

        @webhooks.listener("after_server_start")
        async def start_background(_app: Any, _loop: Any) -> None:
            self.start_background(on_new_message)

        @webhooks.listener("before_server_stop")
        async def stop_background(_app: Any, _loop: Any) -> None:
            await self.stop_background()

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
                sms_store.accept_inbound, sms.message_sid, sms.phone, sms.body, sms.num_media,
                self.owner, segments, pool=ACK_POOL,
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
        """Run one accepted text's turn, unless another server has taken it over."""
        if not await run_sync(sms_inbox.start, sms.message_sid, self.owner):
            logger.info("SMS %s is no longer this server's to run", sms.message_sid)
            return
        try:
            await self._answer(sms, conversation_id, on_new_message)
        finally:
            await run_sync(sms_inbox.finish, sms.message_sid)

    async def _answer(
        self, sms: InboundSms, conversation_id: str,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> None:
        output = self.get_output_channel()
        if await self._handle_keyword(sms, conversation_id, output):
            return
        problem = inbound_problem(sms.body, sms.num_media, inbound_max_chars())
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
        keyword = OPT_OUT_TYPES.get(sms.opt_out_type) or (
            None if sms.num_media else classify_keyword(sms.body))
        if keyword == "stop":
            flagged = await run_sync(sms_store.set_opt_out, sms.phone, True, conversation_id)
            ended = await run_sync(unsubscribe_all, sms.phone)
            logger.info("%s opted out of SMS (%d open cases flagged, %d subscriptions ended)",
                        conversation_id, flagged, ended)
            return True
        if keyword == "start" and await run_sync(sms_store.is_opted_out, sms.phone):
            await run_sync(sms_store.set_opt_out, sms.phone, False, conversation_id)
            logger.info("%s opted back in to SMS", conversation_id)
            await output.send_text_message(conversation_id, RESUMED_REPLY)
            return True
        if keyword == "help":
            await output.send_text_message(conversation_id, await run_sync(sms_store.help_reply))
            return True
        if keyword is None and not sms.num_media:  # "stop bins": one subscription only
            stopped = await run_sync(stop_named_service, sms.phone, sms.body)
            if stopped:
                await output.send_text_message(conversation_id, stopped)
                return True
        return False

    async def _run_turn(
        self, text: str, message_sid: str, conversation_id: str, output: OutputChannel,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> None:
        message = UserMessage(
            text, output, conversation_id, input_channel=CHANNEL_NAME, message_id=message_sid,
            # the sender's number is the client; its conversation id is already its pseudonym
            metadata={"channel": CHANNEL_NAME,
                      CLIENT_KEY: client_pseudonym("sms", conversation_id, self._client_secret())},
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
                sms_store.record_status, message_sid, status[:30], pool=ACK_POOL,
                phone=normalise_sender(form.get("To") or ""),
                error_code=(form.get("ErrorCode") or "")[:20] or None,
            )
            if status in FAILED_STATUSES:  # shows on the case (bot/channels/sms_failures.py)
                code = (form.get("ErrorCode") or "")[:20] or "unknown"
                await run_sync(note_not_delivered, f"Twilio reported it {status}, error {code}",
                               None, normalise_sender(form.get("To") or ""), message_sid,
                               pool=ACK_POOL)
        except SQLAlchemyError as error:
            logger.error("could not record status of %s: %s", message_sid, type(error).__name__)
            return response.text("temporarily unavailable, please retry", status=503)
        return response.empty()
