"""The interpreter route by SMS, end to end, in Polish, Arabic and Spanish (issue #13).

Real Rasa and action servers (devtools.devstack), webhooks signed by the twilio library (via
`bot sms send`), replies through the real REST client to the local fake of Twilio's API. A
resident texts in their own language; the reply is in that language with the offer of a call
back with an interpreter; taking it opens a case that records the language and the need for an
interpreter, and the staff console's case page shows both.
"""

from __future__ import annotations

import re
import subprocess
import sys
import unicodedata
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.db.engine import session_scope
from bot.db.models import Case, SmsConversation
from bot.language import language_name
from bot.language.names import english_name

pytestmark = pytest.mark.integration
BOT = str(Path(sys.executable).parent / "bot")
REFERENCE = re.compile(r"\b[A-Z]{2}-[A-Z0-9]{4}-[A-Z0-9]{4}\b")

# (language, first text with its English meaning, the word for "interpreter" as sent by SMS)
RESIDENTS = [
    ("pl", "Dzień dobry, mam problem z mieszkaniem i słabo mówię po angielsku. Proszę o pomoc.",
     # Hello, I have a problem with my flat and I speak little English. Please help.
     "tlumacz"),
    ("ar", "مرحباً، عندي مشكلة في البيت ولا أتكلم الإنجليزية جيداً. أريد المساعدة من فضلكم.",
     # Hello, I have a problem at home and I don't speak English well. I want help please.
     "مترجم"),
    ("es", "Hola, tengo un problema con mi piso y no hablo bien inglés. Necesito ayuda, por favor.",
     # Hello, I have a problem with my flat and I don't speak English well. I need help please.
     "interprete"),
]


def _plain(text: str) -> str:
    """Accents off (GSM-7 keeps some and not others), for comparing Latin-script words."""
    return "".join(c for c in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(c)).casefold()


def text(servers, phone: str, body: str) -> str:
    result = subprocess.run([BOT, "sms", "send", phone, body, "--wait", "40"], env=servers.env,
                            capture_output=True, text=True, timeout=120, check=True)
    return result.stdout


def _case_for(servers, phone: str) -> Case | None:
    with session_scope(servers.database_url) as session:
        conversation = session.execute(
            select(SmsConversation).where(SmsConversation.phone == phone)).scalar_one()
        case = session.execute(select(Case).where(
            Case.conversation_id == conversation.conversation_id)).scalars().first()
        if case is not None:
            session.expunge(case)
        return case


@pytest.mark.parametrize(("code", "first", "interpreter_word"), RESIDENTS,
                         ids=[r[0] for r in RESIDENTS])
def test_interpreter_call_back_by_sms(servers, monkeypatch, code: str, first: str,
                                      interpreter_word: str) -> None:
    phone = f"+4477009{uuid.uuid4().int % 100000:05d}"
    reply = text(servers, phone, first)
    assert _plain(interpreter_word) in _plain(reply), reply  # in their language, with the offer
    assert "I know English best" not in reply
    transcript = [reply]
    # take the offer ("1" when it came as numbered choices), then answer what is asked
    for answer in ("1", "skip", "skip", "skip"):
        if REFERENCE.search(transcript[-1]):
            break
        transcript.append(text(servers, phone, answer))
    replies = "\n".join(transcript)
    case = _case_for(servers, phone)
    assert case is not None, replies
    assert case.language == code
    assert case.interpreter_language == english_name(code)
    assert case.phone == phone and case.channel == "twilio_sms"
    assert case.reference in replies  # the resident was given their reference

    # the console case page shows the language and the interpreter need
    from bot.console.app import create_app
    from tests.console.conftest import add_staff, login

    monkeypatch.setenv("CONSOLE_SECRET_KEY", "test-secret-key-not-for-production")
    monkeypatch.setenv("CONSOLE_INSECURE_COOKIES", "1")
    app = create_app({"TESTING": True, "DATABASE_URL": servers.database_url})
    client = app.test_client()
    staff = f"agent{code}"
    add_staff(servers.database_url, staff)
    assert login(client, staff).status_code == 302
    page = client.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
    assert language_name(code) in page
    assert f"<dt>Interpreter</dt><dd>{english_name(code)}</dd>" in page
