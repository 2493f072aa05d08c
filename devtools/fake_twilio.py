"""A small Twilio-compatible Messages API on loopback, so `make run`, `bot sms` and the tests
exercise the real SMS code path (twilio-python, signatures, callbacks) without a Twilio account.

Speaks just enough of the real API for twilio-python:

- `POST /2010-04-01/Accounts/{sid}/Messages.json` with basic auth (account sid + auth token)
  returns Twilio-shaped JSON (sid "SM" + 32 hex, status "queued", ...), stores the message, then
  POSTs a correctly signed status callback ("sent", then "delivered") to its StatusCallback.
- `GET /_fake/messages?to=+44...` lists stored messages as JSON; `DELETE /_fake/messages` clears.
- `GET /_fake/callbacks` lists the status callbacks made and the HTTP status each got.
- Fault injection: `POST /_fake/faults {"fail_next": 3, "status": 500}` (optionally a Twilio
  error `"code"`, e.g. 21610 for an unsubscribed recipient) or
  `{"delay_next": 2, "seconds": 12}` (the message is stored at once, the answer delayed, like a
  slow Twilio); `DELETE /_fake/faults` resets.

Callbacks are signed for the StatusCallback URL as given (the public URL); `callback_base`
(`--callback-base`) sends them to another origin instead, the way a reverse proxy or tunnel
would. Run: `python -m devtools.fake_twilio --port 8025` (reads TWILIO_AUTH_TOKEN and
TWILIO_ACCOUNT_SID), or `with start_fake_twilio(...) as fake:` in tests (free port).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from email.utils import format_datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import aiohttp
from aiohttp import web
from twilio.request_validator import RequestValidator

from bot.channels.sms_render import MAX_INBOUND_CHARS, gsm7_segments
from bot.config import get_settings

logger = logging.getLogger(__name__)

API_VERSION = "2010-04-01"
CALLBACK_TIMEOUT = 5.0
CALLBACK_STATUSES = ("sent", "delivered")


def _error(status: int, code: int, message: str) -> web.Response:
    """An error body shaped like Twilio's, which twilio-python turns into TwilioRestException."""
    return web.json_response(
        {"code": code, "message": message, "status": status,
         "more_info": f"https://www.twilio.com/docs/errors/{code}"},
        status=status,
    )


def _now() -> str:
    return format_datetime(datetime.now(timezone.utc), usegmt=True)


class FakeTwilio:
    """State and handlers of one fake account: stored messages, faults, callbacks made."""

    def __init__(
        self, account_sid: str, auth_token: str, callback_base: str | None = None,
        callback_delay: float = 0.2,
    ) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.callback_base = callback_base.rstrip("/") if callback_base else None
        self.callback_delay = callback_delay
        self.messages: list[dict[str, Any]] = []
        self.callbacks: list[dict[str, Any]] = []
        self.faults: dict[str, float] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self.reset_faults()

    def reset_faults(self) -> None:
        self.faults = {"fail_next": 0, "status": 500, "code": 0, "delay_next": 0, "seconds": 0.0}

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post(f"/{API_VERSION}/Accounts/{{sid}}/Messages.json", self.create_message)
        app.router.add_get("/_fake/messages", self.list_messages)
        app.router.add_delete("/_fake/messages", self.clear_messages)
        app.router.add_get("/_fake/callbacks", self.list_callbacks)
        app.router.add_post("/_fake/faults", self.set_faults)
        app.router.add_delete("/_fake/faults", self.clear_faults)
        app.router.add_get("/", self.health)
        return app

    # --- the Messages API ---------------------------------------------------------------------

    def _authorised(self, request: web.Request) -> bool:
        try:
            auth = aiohttp.BasicAuth.decode(request.headers.get("Authorization", ""))
        except ValueError:
            return False
        return (auth.login, auth.password) == (self.account_sid, self.auth_token)

    async def create_message(self, request: web.Request) -> web.Response:
        if not self._authorised(request) or request.match_info["sid"] != self.account_sid:
            return _error(401, 20003, "Authenticate")
        form = await request.post()
        if self.faults["fail_next"] > 0:
            self.faults["fail_next"] -= 1
            status = int(self.faults["status"])
            code = int(self.faults["code"]) or (20429 if status == 429 else 20500)
            return _error(status, code, "Injected fault")
        problem = self._invalid(form)
        if problem:
            return problem
        message = self._store(form)
        callback = str(form.get("StatusCallback") or "")
        if callback:
            self._spawn(self._send_callbacks(message, callback))
        if self.faults["delay_next"] > 0:
            self.faults["delay_next"] -= 1
            await asyncio.sleep(float(self.faults["seconds"]))
        return web.json_response(message, status=201)

    @staticmethod
    def _invalid(form: Any) -> web.Response | None:
        if not form.get("To"):
            return _error(400, 21604, "A 'To' phone number is required.")
        if not (form.get("From") or form.get("MessagingServiceSid")):
            return _error(400, 21603, "A 'From' phone number is required.")
        if len(str(form.get("Body") or "")) > MAX_INBOUND_CHARS:
            return _error(400, 21617, "The concatenated message body exceeds the 1600 limit.")
        return None

    def _store(self, form: Any) -> dict[str, Any]:
        sid = "SM" + uuid.uuid4().hex
        body = str(form.get("Body") or "")
        now = _now()
        message = {
            "account_sid": self.account_sid, "api_version": API_VERSION, "body": body,
            "date_created": now, "date_sent": None, "date_updated": now,
            "direction": "outbound-api", "error_code": None, "error_message": None,
            "from": form.get("From"), "messaging_service_sid": form.get("MessagingServiceSid"),
            "num_media": "0", "num_segments": str(gsm7_segments(body) or 1), "price": None,
            "price_unit": "USD", "sid": sid, "status": "queued", "to": form.get("To"),
            "uri": f"/{API_VERSION}/Accounts/{self.account_sid}/Messages/{sid}.json",
            "subresource_uris": {
                "media": f"/{API_VERSION}/Accounts/{self.account_sid}/Messages/{sid}/Media.json"
            },
        }
        self.messages.append(message)
        logger.info("fake Twilio stored %s (%s segments)", sid, message["num_segments"])
        return message

    # --- status callbacks ---------------------------------------------------------------------

    def _spawn(self, coroutine: Any) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _target(self, url: str) -> str:
        if not self.callback_base:
            return url
        base = urlsplit(self.callback_base)
        parts = urlsplit(url)
        return urlunsplit((base.scheme, base.netloc, parts.path, parts.query, parts.fragment))

    async def _send_callbacks(self, message: dict[str, Any], url: str) -> None:
        for status in CALLBACK_STATUSES:
            await asyncio.sleep(self.callback_delay)
            message["status"] = status
            message["date_updated"] = _now()
            await self._post_callback(message, url, status)

    async def _post_callback(self, message: dict[str, Any], url: str, status: str) -> None:
        params = {
            "AccountSid": self.account_sid, "ApiVersion": API_VERSION,
            "From": str(message["from"] or ""), "To": str(message["to"]),
            "MessageSid": message["sid"], "SmsSid": message["sid"],
            "MessageStatus": status, "SmsStatus": status,
        }
        signature = RequestValidator(self.auth_token).compute_signature(url, params)
        record: dict[str, Any] = {"sid": message["sid"], "status": status, "http_status": None}
        try:
            timeout = aiohttp.ClientTimeout(total=CALLBACK_TIMEOUT)
            async with aiohttp.ClientSession(timeout=timeout) as session:
                async with session.post(
                    self._target(url), data=params, headers={"X-Twilio-Signature": signature}
                ) as reply:
                    record["http_status"] = reply.status
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            logger.warning("status callback for %s failed: %s", message["sid"], error)
        self.callbacks.append(record)

    async def close(self) -> None:
        """Cancel callbacks still waiting (the server is going away)."""
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    # --- test and operator endpoints ----------------------------------------------------------

    async def list_messages(self, request: web.Request) -> web.Response:
        to = request.query.get("to")
        found = [m for m in self.messages if to is None or m["to"] == to]
        return web.json_response(found)

    async def clear_messages(self, _: web.Request) -> web.Response:
        self.messages.clear()
        self.callbacks.clear()
        return web.json_response({"cleared": True})

    async def list_callbacks(self, _: web.Request) -> web.Response:
        return web.json_response(self.callbacks)

    async def set_faults(self, request: web.Request) -> web.Response:
        try:
            wanted = await request.json()
            updates = {key: float(wanted[key]) for key in self.faults if key in wanted}
        except (ValueError, TypeError, KeyError):
            return web.json_response({"error": "expected a JSON object of numbers"}, status=400)
        self.faults.update(updates)
        return web.json_response(self.faults)

    async def clear_faults(self, _: web.Request) -> web.Response:
        self.reset_faults()
        return web.json_response(self.faults)

    async def health(self, _: web.Request) -> web.Response:
        return web.json_response({"status": "ok", "fake": "twilio", "messages": len(self.messages)})


class FakeTwilioServer:
    """Runs a FakeTwilio on its own event loop in a daemon thread (for tests and tools)."""

    def __init__(self, fake: FakeTwilio, host: str = "127.0.0.1", port: int = 0) -> None:
        self.fake = fake
        self.host = host
        self.port = port
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="fake-twilio", daemon=True)
        self._runner: web.AppRunner | None = None
        self._error: BaseException | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> FakeTwilioServer:
        self._thread.start()
        if not self._ready.wait(10) or self._error is not None:
            raise RuntimeError(f"fake Twilio did not start: {self._error}")
        return self

    def stop(self) -> None:
        if self._thread.is_alive():
            asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(10)
            self._thread.join(10)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._startup())
        except OSError as error:  # e.g. the port is taken
            self._error = error
            self._ready.set()
            self._loop.close()
            return
        self._ready.set()
        self._loop.run_forever()
        pending = asyncio.all_tasks(self._loop)
        for task in pending:  # e.g. a request still in an injected delay
            task.cancel()
        self._loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        self._loop.close()

    async def _startup(self) -> None:
        self._runner = web.AppRunner(self.fake.app(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def _shutdown(self) -> None:
        await self.fake.close()
        if self._runner is not None:
            await self._runner.cleanup()
        self._loop.call_soon(self._loop.stop)

    def __enter__(self) -> FakeTwilioServer:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()


@contextmanager
def start_fake_twilio(
    account_sid: str | None = None, auth_token: str | None = None,
    callback_base: str | None = None, port: int = 0, callback_delay: float = 0.2,
) -> Iterator[FakeTwilioServer]:
    """A running fake on loopback (a free port by default); `.base_url` is TWILIO_API_BASE."""
    settings = get_settings()
    fake = FakeTwilio(
        account_sid or settings.twilio_account_sid, auth_token or settings.twilio_auth_token,
        callback_base, callback_delay,
    )
    with FakeTwilioServer(fake, port=port) as server:
        yield server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Local fake of the Twilio Messages API.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8025)
    parser.add_argument(
        "--callback-base", default=None,
        help="send status callbacks to this origin instead (still signed for the original URL)",
    )
    args = parser.parse_args(argv)
    settings = get_settings()
    if not settings.twilio_auth_token:
        parser.error("TWILIO_AUTH_TOKEN must be set (the same value the Rasa server uses)")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    fake = FakeTwilio(settings.twilio_account_sid, settings.twilio_auth_token, args.callback_base)
    print(f"fake Twilio API on http://{args.host}:{args.port} (account {fake.account_sid})",
          flush=True)
    web.run_app(fake.app(), host=args.host, port=args.port, access_log=None, print=None)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
