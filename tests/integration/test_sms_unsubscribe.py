"""Unsubscribing by text, end to end: a subscribed resident texts the real Rasa server through
the SMS webhook (signed by the twilio library, via `bot sms send`), replies come back through
the local fake Twilio API.

- "stop bins" ends that one subscription; the other one stays, and a later restoration of
  the other service still owes them a text (and none for bins);
- an ordinary question is still answered by the assistant;
- "HELP" explains how to use the service and how to stop;
- "STOP" ends every subscription and blocks further texts.
"""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.db.engine import session_scope
from bot.db.models import SmsNotification, SmsOptOut, Subscription
from bot.services.status import set_status
from bot.services.subscriptions import subscribe

pytestmark = pytest.mark.integration
BOT = str(Path(sys.executable).parent / "bot")
COUNCIL = "westminster"


def text(servers, phone: str, body: str, expect_reply: bool = True) -> str:
    result = subprocess.run([BOT, "sms", "send", phone, body, "--wait", "30"], env=servers.env,
                            capture_output=True, text=True, timeout=90, check=expect_reply)
    return result.stdout


def live(servers, phone: str) -> dict[str, bool]:
    with session_scope(servers.database_url) as session:
        rows = session.execute(select(Subscription).where(Subscription.phone == phone))
        return {row.service_id: row.active for row in rows.scalars()}


def wait_until(condition, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


@pytest.fixture()
def subscriber(servers) -> str:
    phone = f"+4477009{uuid.uuid4().int % 100000:05d}"
    with session_scope(servers.database_url) as session:
        for service in ("waste", "libraries"):
            subscribe(session, COUNCIL, service, phone, "sms")
    return phone


def test_stop_a_service_ends_only_that_subscription(servers, subscriber: str) -> None:
    reply = text(servers, subscriber, "stop bins")
    assert "no more texts about Bins" in reply and "STOP" in reply
    assert live(servers, subscriber) == {"waste": False, "libraries": True}

    answer = text(servers, subscriber, "is the library open in westminster")
    assert "Librar" in answer  # an ordinary text still reaches the assistant

    with session_scope(servers.database_url) as session:
        for service in ("waste", "libraries"):
            set_status(session, COUNCIL, service, "unavailable", "tester")
            set_status(session, COUNCIL, service, "operating", "tester")
    with session_scope(servers.database_url) as session:
        owed = session.execute(
            select(Subscription.service_id).join(
                SmsNotification, SmsNotification.subscription_id == Subscription.id)
            .where(Subscription.phone == subscriber)).scalars().all()
    assert owed == ["libraries"]  # the remaining subscription still works; bins owes nothing


def test_help_explains_and_stop_ends_everything(servers, subscriber: str) -> None:
    help_reply = text(servers, subscriber, "HELP")
    assert "STOP" in help_reply and "999" in help_reply

    text(servers, subscriber, "STOP", expect_reply=False)  # Twilio itself confirms a STOP

    def stopped() -> bool:
        with session_scope(servers.database_url) as session:
            opt_out = session.get(SmsOptOut, subscriber)
            return bool(opt_out and opt_out.opted_out)

    assert wait_until(stopped)
    assert wait_until(lambda: live(servers, subscriber) == {"waste": False, "libraries": False})
