"""Helpers shared by the fuzz and fault tests: signed SMS, database counts, bounded waits.

Why here and not in conftest: the test modules import these by name, which keeps each test
readable ("post_signed(stack, form)") and keeps the signing identical to `bot sms send`.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable
from typing import Any

import requests
from sqlalchemy import func, select

from bot.cli.sms import WEBHOOK_PATH, sign
from bot.db.engine import session_scope
from bot.db.models import Case, SmsConversation, SmsMessage
from devtools.devstack import Servers

REST_PATH = "/webhooks/rest/webhook"
TIMEOUT = 60
# What a leaked stack trace looks like in a body (Python, Sanic's debug page, Flask's debugger).
TRACE_MARKERS = re.compile(r"Traceback \(most recent call last\)|File \"[^\"]+\.py\", line \d+|"
                           r"werkzeug\.debug|tb-wrapper\">\s*<div")
ACCOUNT_SID = "ACfake00000000000000000000000000000"


def assert_clean(response: requests.Response | Any, *, allowed: tuple[int, ...] = ()) -> None:
    """No 5xx (unless explicitly allowed) and no stack trace in the body."""
    status = getattr(response, "status_code", None)
    body = response.get_data(as_text=True) if hasattr(response, "get_data") else response.text
    assert status is not None and (status < 500 or status in allowed), (status, body[:500])
    assert not TRACE_MARKERS.search(body), body[:2000]


def new_phone() -> str:
    """A fresh number in Ofcom's drama range (+447700 900000-999999 style), unique per call."""
    return f"+4477009{uuid.uuid4().int % 100000:05d}"


def inbound_form(stack: Servers, phone: str, body: str, **extra: str) -> dict[str, str]:
    sid = "SM" + uuid.uuid4().hex
    form = {
        "ToCountry": "GB", "FromCountry": "GB", "SmsStatus": "received",
        "ApiVersion": "2010-04-01", "From": phone, "To": "+447700900000", "Body": body,
        "MessageSid": sid, "SmsMessageSid": sid, "SmsSid": sid, "AccountSid": ACCOUNT_SID,
        "NumMedia": "0", "NumSegments": "1",
    }
    form.update(extra)
    return form


def signature_for(stack: Servers, form: dict[str, str], token: str | None = None,
                  url: str | None = None) -> str:
    """X-Twilio-Signature as Twilio computes it for the public URL the server checks against."""
    signed_url = url or stack.env["PUBLIC_BASE_URL"].rstrip("/") + WEBHOOK_PATH
    return sign(token or stack.env["TWILIO_AUTH_TOKEN"], signed_url, form)


def post_signed(
    stack: Servers, form: dict[str, str], timeout: float = TIMEOUT
) -> requests.Response:
    return requests.post(
        stack.rasa_url + WEBHOOK_PATH, data=form,
        headers={"X-Twilio-Signature": signature_for(stack, form)}, timeout=timeout,
    )


def post_sms_raw(stack: Servers, body: bytes, headers: dict[str, str]) -> requests.Response:
    return requests.post(stack.rasa_url + WEBHOOK_PATH, data=body, headers=headers,
                         timeout=TIMEOUT)


def post_rest_raw(stack: Servers, body: bytes, content_type: str = "application/json",
                  timeout: float = TIMEOUT) -> requests.Response:
    return requests.post(stack.rasa_url + REST_PATH, data=body,
                         headers={"Content-Type": content_type}, timeout=timeout)


def sms_counts(stack: Servers) -> tuple[int, int]:
    """(inbound SMS rows, SMS conversations): what an accepted webhook writes, nothing else."""
    with session_scope(stack.database_url) as session:
        inbound = session.execute(select(func.count()).select_from(SmsMessage).where(
            SmsMessage.direction == "inbound")).scalar_one()
        conversations = session.execute(
            select(func.count()).select_from(SmsConversation)).scalar_one()
    return inbound, conversations


def inbound_rows(stack: Servers, message_sid: str) -> int:
    with session_scope(stack.database_url) as session:
        return session.execute(select(func.count()).select_from(SmsMessage).where(
            SmsMessage.message_sid == message_sid)).scalar_one()


def conversation_for(stack: Servers, phone: str) -> str | None:
    with session_scope(stack.database_url) as session:
        return session.execute(select(SmsConversation.conversation_id).where(
            SmsConversation.phone == phone)).scalar_one_or_none()


def cases_for(stack: Servers, conversation_id: str) -> list[Case]:
    with session_scope(stack.database_url) as session:
        return list(session.execute(
            select(Case).where(Case.conversation_id == conversation_id)).scalars())


def fake_outbox(stack: Servers, to: str | None = None) -> list[dict[str, Any]]:
    reply = requests.get(f"{stack.twilio_url}/_fake/messages",
                         params={"to": to} if to else None, timeout=10)
    reply.raise_for_status()
    return reply.json()


def set_faults(stack: Servers, **faults: float) -> dict[str, float]:
    reply = requests.post(f"{stack.twilio_url}/_fake/faults", json=faults, timeout=10)
    reply.raise_for_status()
    return reply.json()


def clear_faults(stack: Servers) -> None:
    requests.delete(f"{stack.twilio_url}/_fake/faults", timeout=10).raise_for_status()


def wait_until(check: Callable[[], bool], timeout: float, interval: float = 0.3) -> bool:
    """Poll `check` until it is true or `timeout` seconds pass; never loops unbounded."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(interval)
    return check()


def wait_for_texts(stack: Servers, phone: str, at_least: int, timeout: float = 60) -> list[dict]:
    """Texts the fake Twilio API received for `phone`, once there are `at_least` (or timeout)."""
    wait_until(lambda: len(fake_outbox(stack, phone)) >= at_least, timeout)
    return fake_outbox(stack, phone)


def settle_texts(stack: Servers, phone: str, quiet: float = 2.0, timeout: float = 60) -> list[dict]:
    """Texts for `phone` once none has arrived for `quiet` seconds: a whole turn's replies."""
    deadline = time.monotonic() + timeout
    seen, changed = -1, time.monotonic()
    while time.monotonic() < deadline:
        count = len(fake_outbox(stack, phone))
        if count != seen:
            seen, changed = count, time.monotonic()
        elif count and time.monotonic() - changed >= quiet:
            break
        time.sleep(0.3)
    return fake_outbox(stack, phone)


def text_and_wait(stack: Servers, phone: str, body: str, timeout: float = 60) -> list[dict]:
    """Send one signed SMS and return the new replies once the turn is over."""
    before = len(fake_outbox(stack, phone))
    response = post_signed(stack, inbound_form(stack, phone, body))
    assert response.status_code == 200, response.text
    wait_for_texts(stack, phone, before + 1, timeout)
    return settle_texts(stack, phone, timeout=timeout)[before:]


def assert_still_answers(stack: Servers) -> None:
    """The server still holds a normal conversation on REST and SMS after whatever came before."""
    reply = stack.say_text(f"fuzz-ok-{uuid.uuid4().hex[:8]}", "is the tip open in westminster")
    assert "Westminster" in reply, reply
    phone = new_phone()
    texts = text_and_wait(stack, phone, "is the tip open in westminster")
    assert any("Westminster" in t["body"] for t in texts), texts
