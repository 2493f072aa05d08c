"""Simulated residents talking to any deployment: REST messages and Twilio-signed SMS.

Why one client for every deployment: the load benchmark, the SMS benchmark and the scaled
topology tests compare the single-machine stack (devtools.devstack) with the scaled one (nginx in
front of two Rasa servers), and a comparison only means something when both are driven by the
same code. SMS are signed exactly as `bot sms send` signs them (twilio's RequestValidator).
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any

import requests
from twilio.request_validator import RequestValidator

REST_PATH = "/webhooks/rest/webhook"
SMS_PATH = "/webhooks/twilio_sms/webhook"
ACCOUNT_SID = "ACfake00000000000000000000000000000"
COUNCIL_NUMBER = "+447700900000"
TIMEOUT = 120


@dataclass(frozen=True)
class Target:
    """Where a deployment listens and what a client needs to talk to it and check it."""

    name: str
    base_url: str
    public_url: str
    twilio_url: str
    twilio_token: str
    database_url: str
    rasa_token: str
    api_url: str = ""  # the Rasa HTTP API when base_url does not proxy it (scaled: internal nginx)


@dataclass(frozen=True)
class Reply:
    status: int
    messages: list[dict[str, Any]]
    seconds: float
    instance: str
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status == 200 and not self.error

    @property
    def text(self) -> str:
        return " ".join(m.get("text", "") for m in self.messages)


def target_from_stack(stack: Any) -> Target:
    """A devtools.devstack.Servers (single machine, SQLite)."""
    return Target("single", stack.rasa_url, stack.env["PUBLIC_BASE_URL"], stack.twilio_url,
                  stack.env["TWILIO_AUTH_TOKEN"], stack.database_url, stack.token,
                  stack.rasa_url)


def target_from_topology(topology: Any) -> Target:
    """A devtools.scaled.topology.Topology (nginx, two Rasa servers, PostgreSQL, Redis)."""
    layout = topology.layout
    return Target("scaled", layout.nginx_url, layout.nginx_url, layout.twilio_url,
                  layout.secrets["twilio_token"], layout.database_url, layout.secrets["rasa_token"],
                  layout.api_url)


def say(target: Target, sender: str, text: str, base_url: str | None = None,
        session: requests.Session | None = None, timeout: float = TIMEOUT) -> Reply:
    """One REST message; never raises for HTTP or connection errors (they are results)."""
    http = session or requests
    started = time.perf_counter()
    try:
        response = http.post(f"{base_url or target.base_url}{REST_PATH}",
                             json={"sender": sender, "message": text}, timeout=timeout)
        seconds = time.perf_counter() - started
        messages = response.json() if response.status_code == 200 else []
        return Reply(response.status_code, messages if isinstance(messages, list) else [],
                     seconds, response.headers.get("X-Rasa-Instance", ""))
    except (requests.RequestException, ValueError) as error:
        return Reply(0, [], time.perf_counter() - started, "", type(error).__name__)


def sms_form(phone: str, text: str, message_sid: str | None = None) -> dict[str, str]:
    sid = message_sid or "SM" + uuid.uuid4().hex
    return {
        "ToCountry": "GB", "FromCountry": "GB", "SmsStatus": "received",
        "ApiVersion": "2010-04-01", "From": phone, "To": COUNCIL_NUMBER, "Body": text,
        "MessageSid": sid, "SmsMessageSid": sid, "SmsSid": sid, "AccountSid": ACCOUNT_SID,
        "NumMedia": "0", "NumSegments": "1",
    }


def text(target: Target, phone: str, body: str, session: requests.Session | None = None,
         message_sid: str | None = None, timeout: float = 30) -> Reply:
    """One SMS webhook as Twilio sends it; the reply is the acknowledgement, not the answer."""
    form = sms_form(phone, body, message_sid)
    signature = RequestValidator(target.twilio_token).compute_signature(
        target.public_url.rstrip("/") + SMS_PATH, form)
    http = session or requests
    started = time.perf_counter()
    try:
        response = http.post(target.base_url + SMS_PATH, data=form, timeout=timeout,
                             headers={"X-Twilio-Signature": signature})
        return Reply(response.status_code, [], time.perf_counter() - started,
                     response.headers.get("X-Rasa-Instance", ""))
    except requests.RequestException as error:
        return Reply(0, [], time.perf_counter() - started, "", type(error).__name__)


def outbox(target: Target, to: str | None = None) -> list[dict[str, Any]]:
    """Texts the fake Twilio API has received (optionally only those to one number)."""
    response = requests.get(f"{target.twilio_url}/_fake/messages",
                            params={"to": to} if to else None, timeout=30)
    response.raise_for_status()
    return response.json()


def tracker_events(target: Target, conversation_id: str, base_url: str | None = None
                   ) -> list[dict[str, Any]]:
    response = requests.get(
        f"{base_url or target.api_url or target.base_url}/conversations/{conversation_id}/tracker",
        params={"token": target.rasa_token}, timeout=30)
    response.raise_for_status()
    return response.json().get("events", [])


def phone_number() -> str:
    """A fresh number in Ofcom's drama range, unique enough for one run."""
    return f"+4477009{uuid.uuid4().int % 100000:05d}"
