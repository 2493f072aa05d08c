"""A resident texting the real Rasa server through the project's Twilio channel.

Webhooks are signed by the twilio library exactly as Twilio signs them (via `bot sms send`);
replies go out through the real REST client to the local fake of Twilio's API.
"""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import requests
from sqlalchemy import select

from bot.db.engine import session_scope
from bot.db.models import Case, SmsConversation

pytestmark = pytest.mark.integration
BOT = str(Path(sys.executable).parent / "bot")


def text(servers, phone: str, body: str) -> str:
    result = subprocess.run([BOT, "sms", "send", phone, body, "--wait", "30"], env=servers.env,
                            capture_output=True, text=True, timeout=90, check=True)
    return result.stdout


def test_status_then_escalation_without_typing_a_number(servers) -> None:
    phone = f"+4477009{uuid.uuid4().int % 100000:05d}"
    status = text(servers, phone, "is the tip open in westminster")
    assert "Westminster" in status and "Bins" in status
    text(servers, phone, "can i talk to someone about it")
    text(servers, phone, "skip")
    text(servers, phone, "skip")
    done = text(servers, phone, "skip")
    assert "reference is" in done
    with session_scope(servers.database_url) as session:
        conversation = session.execute(
            select(SmsConversation).where(SmsConversation.phone == phone)).scalar_one()
        cases = session.execute(select(Case).where(
            Case.conversation_id == conversation.conversation_id)).scalars().all()
        assert phone not in conversation.conversation_id  # Rasa only sees a pseudonym
    assert len(cases) == 1
    assert cases[0].phone == phone and cases[0].channel == "twilio_sms" and cases[0].submitted


def test_forged_webhook_is_refused(servers) -> None:
    form = {"From": "+447700900999", "To": "+447700900000", "Body": "hello",
            "MessageSid": "SM" + uuid.uuid4().hex, "AccountSid": "ACx", "NumMedia": "0"}
    response = requests.post(f"{servers.rasa_url}/webhooks/twilio_sms/webhook", data=form,
                             headers={"X-Twilio-Signature": "forged"}, timeout=10)
    assert response.status_code == 403
    with session_scope(servers.database_url) as session:
        assert session.execute(select(SmsConversation).where(
            SmsConversation.phone == "+447700900999")).first() is None
