"""`bot sms send|outbox`: text the assistant like a phone would, without a Twilio account.

`send` posts the form Twilio would post (From, To, Body, MessageSid, AccountSid, NumMedia...)
signed with TWILIO_AUTH_TOKEN for PUBLIC_BASE_URL + the webhook path, but delivers it to
RASA_URL, exactly what happens behind a proxy or tunnel. It then polls the fake Twilio API
(TWILIO_API_BASE, the local fake that `make run` starts) for replies to that number and prints them.
`outbox` lists (or clears) what reached the fake. Every HTTP call has a timeout.
"""

from __future__ import annotations

import argparse
import time
import uuid
from typing import Any

import requests
from twilio.request_validator import RequestValidator

from bot.channels.sms_store import normalise_sender
from bot.config import Settings, get_settings

# twilio_sms.URL_PREFIX + WEBHOOK_PATH; not imported from there because that loads all of Rasa.
WEBHOOK_PATH = "/webhooks/twilio_sms/webhook"
QUIET_SECONDS = 2.0
POLL_INTERVAL = 0.3


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("sms", help="send test texts to the SMS channel")
    actions = parser.add_subparsers(dest="sms_action", required=True)
    send = actions.add_parser("send", help="text the assistant as a resident and print replies")
    send.add_argument("phone", help="the resident's number, e.g. +447700900123 or 07700 900123")
    send.add_argument("text", help="the message body")
    send.add_argument("--wait", type=float, default=20.0, help="seconds to wait for replies")
    send.add_argument("--media", type=int, default=0, help="NumMedia to claim (try MMS handling)")
    send.set_defaults(handler=_send)
    outbox = actions.add_parser("outbox", help="list the texts that reached the fake Twilio API")
    outbox.add_argument("--to", help="only texts to this number")
    outbox.add_argument("--clear", action="store_true", help="delete them instead")
    outbox.set_defaults(handler=_outbox)


def resident_number(raw: str) -> str:
    phone = normalise_sender(raw)
    if phone is None:
        raise ValueError(f"not a phone number: {raw!r}")
    return phone


def inbound_form(
    settings: Settings, phone: str, text: str, num_media: int = 0, message_sid: str | None = None
) -> dict[str, str]:
    """The form fields Twilio posts for an incoming SMS."""
    sid = message_sid or "SM" + uuid.uuid4().hex
    return {
        "ToCountry": "GB", "FromCountry": "GB", "SmsStatus": "received", "ApiVersion": "2010-04-01",
        "From": phone, "To": settings.twilio_from_number, "Body": text, "MessageSid": sid,
        "SmsMessageSid": sid, "SmsSid": sid, "AccountSid": settings.twilio_account_sid,
        "NumMedia": str(num_media), "NumSegments": "1",
    }


def sign(token: str, url: str, form: dict[str, str]) -> str:
    """X-Twilio-Signature for `form` posted to `url` (the twilio library's own algorithm)."""
    return RequestValidator(token).compute_signature(url, form)


def post_signed(settings: Settings, form: dict[str, str]) -> requests.Response:
    signed_for = settings.public_base_url.rstrip("/") + WEBHOOK_PATH
    return requests.post(
        settings.rasa_url.rstrip("/") + WEBHOOK_PATH, data=form,
        headers={"X-Twilio-Signature": sign(settings.twilio_auth_token, signed_for, form)},
        timeout=settings.http_timeout,
    )


def fake_messages(settings: Settings, to: str | None = None) -> list[dict[str, Any]]:
    reply = requests.get(
        settings.twilio_api_base.rstrip("/") + "/_fake/messages",
        params={"to": to} if to else None, timeout=settings.http_timeout,
    )
    reply.raise_for_status()
    return reply.json()


def wait_for_replies(
    settings: Settings, phone: str, already: int, wait: float
) -> list[dict[str, Any]]:
    """New texts to `phone`, once none has arrived for QUIET_SECONDS (or `wait` is over)."""
    deadline = time.monotonic() + wait
    seen, last_change = already, time.monotonic()
    while time.monotonic() < deadline:
        count = len(fake_messages(settings, phone))
        if count != seen:
            seen, last_change = count, time.monotonic()
        elif seen > already and time.monotonic() - last_change >= QUIET_SECONDS:
            break
        time.sleep(POLL_INTERVAL)
    return fake_messages(settings, phone)[already:]


def _require_token(settings: Settings) -> None:
    if not settings.twilio_auth_token:
        raise ValueError("TWILIO_AUTH_TOKEN is not set (use the Rasa server's value)")


def _send(args: argparse.Namespace) -> int:
    settings = get_settings()
    _require_token(settings)
    phone = resident_number(args.phone)
    try:
        already = len(fake_messages(settings, phone)) if settings.twilio_api_base else 0
        reply = post_signed(settings, inbound_form(settings, phone, args.text, args.media))
        print(f"webhook {settings.rasa_url}{WEBHOOK_PATH}: HTTP {reply.status_code}")
        if reply.status_code != 200:
            print(reply.text)
            return 1
        if not settings.twilio_api_base:
            print("TWILIO_API_BASE is empty: replies go to real Twilio, not polled")
            return 0
        replies = wait_for_replies(settings, phone, already, args.wait)
    except requests.RequestException as error:
        print(f"error: {error}")
        return 1
    for message in replies:
        print(f"< {message['body']}")
    if not replies:
        print(f"no reply within {args.wait:.0f} s")
    return 0 if replies else 1


def _outbox(args: argparse.Namespace) -> int:
    settings = get_settings()
    if not settings.twilio_api_base:
        raise ValueError("TWILIO_API_BASE is empty: the outbox only exists on the fake API")
    base = settings.twilio_api_base.rstrip("/") + "/_fake/messages"
    try:
        if args.clear:
            requests.delete(base, timeout=settings.http_timeout).raise_for_status()
            print("outbox cleared")
            return 0
        messages = fake_messages(settings, resident_number(args.to) if args.to else None)
    except requests.RequestException as error:
        print(f"error: {error}")
        return 1
    for message in messages:
        print(f"{message['date_created']}  {message['to']}  {message['status']:10} "
              f"{message['sid']}\n    {message['body']}")
    print(f"{len(messages)} message(s)")
    return 0
