"""The SMS channel end to end at channel level: a real Sanic server on a loopback port, the real
fake Twilio API, real signatures (twilio's RequestValidator), the migrated test database.

Rasa's dialogue is replaced by a stand-in agent (registered through rasa's own
`channel.register`) that records each UserMessage and answers through the real output channel;
the full stack with a trained model is covered by the integration tests.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from rasa.core.channels.channel import UserMessage, register
from rasa.server import _get_output_channel
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy import func, select, update

from bot.channels import sms_outbox, sms_store
from bot.channels.client_key import CLIENT_KEY, client_pseudonym
from bot.channels.sms_failures import NOT_DELIVERED
from bot.channels.sms_render import (
    EMPTY_REPLY,
    ERROR_REPLY,
    INTERRUPTED_REPLY,
    MEDIA_REPLY,
    RESUMED_REPLY,
    TOO_LONG_REPLY,
)
from bot.channels.twilio_sms import EMPTY_TWIML, TwilioSmsInput
from bot.cli.main import main as bot_main
from bot.cli.sms import inbound_form, sign
from bot.config import conversation_id_key, get_settings
from bot.db.engine import session_scope
from bot.db.models import (
    Case,
    CaseEvent,
    SmsConversation,
    SmsInboxItem,
    SmsMessage,
    SmsOptOut,
    SmsOutboxItem,
    utcnow,
)
from bot.services.cases import ensure_case
from devtools.fake_twilio import FakeTwilioServer, start_fake_twilio

TOKEN = "test-auth-token-0123456789abcdef"
CONVERSATION_KEY = "test-conversation-id-key-0123456789"  # not the auth token: never keyed by it
ACCOUNT_SID = "AC" + "1" * 32
PUBLIC_BASE = "https://sms.example.gov.uk"
WEBHOOK = "/webhooks/twilio_sms/webhook"
STATUS = "/webhooks/twilio_sms/status"
PHONE = "+447700900123"
OTHER_PHONE = "+447700900456"
BUTTONS = [
    {"title": "Council tax", "payload": '/inform{"service":"council_tax"}'},
    {"title": "Bins", "payload": '/inform{"service":"waste"}'},
]


class StandInAgent:
    """Plays Rasa's `agent.handle_message`: records the message, answers through its channel."""

    def __init__(self) -> None:
        self.received: list[UserMessage] = []

    async def handle_message(self, message: UserMessage) -> None:
        self.received.append(message)
        text = message.text or ""
        out = message.output_channel
        if text == "slow":
            await asyncio.sleep(5)
            await out.send_text_message(message.sender_id, "slow done")
        elif text == "menu":
            await out.send_response(
                message.sender_id, {"text": "What is it about?", "buttons": list(BUTTONS)}
            )
        elif text == "boom":
            raise RuntimeError("the action server fell over")
        else:
            await out.send_text_message(message.sender_id, f"You said: {text}")


class SanicServer:
    """A Sanic app with the channel registered as `rasa run` does, on a free loopback port."""

    def __init__(self) -> None:
        self.channel = TwilioSmsInput()
        self.agent = StandInAgent()
        self.app = Sanic(f"sms_test_{uuid.uuid4().hex[:8]}")
        self.app.ctx.agent = self.agent
        register([self.channel], self.app, route="/webhooks/")
        self.app.add_route(self._execute, "/test/execute/<conversation_id>", methods=["POST"])
        self.loop = asyncio.new_event_loop()
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self.base_url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._server: Any = None

    async def _execute(self, request: Request, conversation_id: str) -> HTTPResponse:
        """What `POST /conversations/{id}/execute?output_channel=latest` does to find a channel."""
        tracker = DialogueStateTracker.from_events(
            conversation_id, [UserUttered("hello", input_channel="twilio_sms")]
        )
        output = _get_output_channel(request, tracker)
        await output.send_text_message(conversation_id, "A member of staff replied.")
        return response.json({"channel": output.name()})

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_until_complete(self._start())
        self._ready.set()
        self.loop.run_forever()
        self.loop.run_until_complete(self.loop.shutdown_default_executor())
        self.loop.close()

    async def _start(self) -> None:
        self._server = await self.app.create_server(
            sock=self._sock, return_asyncio_server=True, access_log=False
        )
        await self._server.startup()  # create_server has already started listening
        await self._server.after_start()  # as `rasa run` does: starts the outbox loop

    async def _stop(self) -> None:
        await self.channel.queues.wait_idle()
        await self._server.before_stop()
        self._server.close()
        await self._server.wait_closed()
        self.loop.call_soon(self.loop.stop)

    def start(self) -> SanicServer:
        self._thread.start()
        assert self._ready.wait(15), "sanic did not start"
        return self

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self.loop).result(30)
        self._thread.join(10)

    def run(self, coroutine: Any, timeout: float = 30) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def wait_idle(self) -> None:
        """Until every accepted message has been processed and its replies sent."""
        self.run(self.channel.queues.wait_idle())


class Harness:
    def __init__(self, sanic: SanicServer, fake: FakeTwilioServer, db_url: str) -> None:
        self.sanic = sanic
        self.fake = fake
        self.db_url = db_url

    def post(
        self, phone: str = PHONE, body: str = "is the tip open", *, sid: str | None = None,
        num_media: int = 0, token: str = TOKEN, signed_url: str | None = None,
        tamper: Callable[[dict[str, str]], None] | None = None, path: str = WEBHOOK,
        form: dict[str, str] | None = None,
    ) -> requests.Response:
        form = form or inbound_form(get_settings(), phone, body, num_media, sid)
        signature = sign(token, signed_url or PUBLIC_BASE + path, form)
        if tamper:
            tamper(form)
        return requests.post(
            self.sanic.base_url + path, data=form, headers={"X-Twilio-Signature": signature},
            timeout=10,
        )

    def send(self, phone: str = PHONE, body: str = "is the tip open", **kwargs: Any) -> None:
        reply = self.post(phone, body, **kwargs)
        assert reply.status_code == 200, reply.text
        assert reply.text == EMPTY_TWIML
        assert reply.headers["content-type"].startswith("text/xml")
        self.sanic.wait_idle()

    def outbox(self, phone: str = PHONE) -> list[dict[str, Any]]:
        reply = requests.get(f"{self.fake.base_url}/_fake/messages", params={"to": phone},
                             timeout=5)
        return reply.json()

    def bodies(self, phone: str = PHONE) -> list[str]:
        return [message["body"] for message in self.outbox(phone)]

    def faults(self, **faults: float) -> None:
        requests.post(f"{self.fake.base_url}/_fake/faults", json=faults, timeout=5)

    def count(self, model: Any, *where: Any) -> int:
        with session_scope(self.db_url) as session:
            return session.execute(select(func.count()).select_from(model).where(*where)).scalar()

    @property
    def received(self) -> list[str]:
        return [message.text or "" for message in self.sanic.agent.received]


@pytest.fixture(scope="module")
def sanic_server() -> Iterator[SanicServer]:
    """One server per module: Sanic 21.12 cannot start a second app in the same process."""
    server = SanicServer().start()
    yield server
    server.stop()


@pytest.fixture()
def sms(
    db_url: str, sanic_server: SanicServer, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Harness]:
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", TOKEN)
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", ACCOUNT_SID)
    monkeypatch.setenv("TWILIO_FROM_NUMBER", "+447700900000")
    monkeypatch.setenv("PUBLIC_BASE_URL", PUBLIC_BASE)
    monkeypatch.setenv("HTTP_TIMEOUT", "3")
    monkeypatch.setenv("RASA_URL", sanic_server.base_url)
    monkeypatch.setenv("CONVERSATION_ID_KEY", CONVERSATION_KEY)
    monkeypatch.delenv("DEFAULT_COUNCIL", raising=False)
    sanic_server.agent.received.clear()
    # Twilio calls the public URL; the fake delivers to the local server, as a proxy would.
    with start_fake_twilio(
        ACCOUNT_SID, TOKEN, callback_base=sanic_server.base_url, callback_delay=0.1
    ) as fake:
        monkeypatch.setenv("TWILIO_API_BASE", fake.base_url)
        yield Harness(sanic_server, fake, db_url)
        sanic_server.wait_idle()


def wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def conversation_of(phone: str) -> str:
    return sms_store.pseudonym(phone, CONVERSATION_KEY)


# --- a valid message --------------------------------------------------------------------------


def test_valid_message_is_answered_under_a_pseudonym(sms: Harness) -> None:
    health = requests.get(sms.sanic.base_url + "/webhooks/twilio_sms/", timeout=5).json()
    assert health == {"status": "ok", "channel": "twilio_sms", "configured": True}

    sms.send(body="is the tip open")

    assert sms.bodies() == ["You said: is the tip open"]
    assert sms.outbox()[0]["from"] == "+447700900000"
    message = sms.sanic.agent.received[0]
    assert message.sender_id == conversation_of(PHONE)
    assert message.sender_id.startswith("sms-") and len(message.sender_id) == 24
    assert "7700900123" not in message.sender_id
    assert message.metadata == {"channel": "twilio_sms", CLIENT_KEY: client_pseudonym(
        "sms", message.sender_id, conversation_id_key())}
    assert message.input_channel == "twilio_sms"
    assert sms_store.phone_for_conversation(message.sender_id) == PHONE
    assert sms_store.phone_for_conversation("sms-unknown") is None
    assert sms.count(SmsMessage, SmsMessage.direction == "inbound") == 1
    sid = sms.outbox()[0]["sid"]
    assert sms.count(SmsMessage, SmsMessage.message_sid == sid,
                     SmsMessage.direction == "outbound") == 1


def test_uk_number_in_national_format_and_a_query_string_are_accepted(sms: Harness) -> None:
    sms.send(phone="07700 900123", body="hello", path=WEBHOOK + "?source=council-number")
    assert sms.bodies(PHONE) == ["You said: hello"]
    assert sms.sanic.agent.received[0].sender_id == conversation_of(PHONE)


def test_status_callbacks_update_the_row_and_unsigned_ones_are_refused(sms: Harness) -> None:
    sms.send(body="hello")
    sid = sms.outbox()[0]["sid"]
    delivered = (SmsMessage.message_sid == sid, SmsMessage.status == "delivered")
    assert wait_until(lambda: sms.count(SmsMessage, *delivered) == 1)

    update = {"MessageSid": sid, "MessageStatus": "undelivered", "ErrorCode": "30005",
              "To": PHONE, "AccountSid": ACCOUNT_SID}
    unsigned = requests.post(sms.sanic.base_url + STATUS, data=update, timeout=5)
    assert unsigned.status_code == 403
    forged = sms.post(form=dict(update), path=STATUS, token="not-the-token")
    assert forged.status_code == 403
    assert sms.count(SmsMessage, *delivered) == 1

    assert sms.post(form=dict(update), path=STATUS).status_code == 204
    assert sms.count(SmsMessage, SmsMessage.message_sid == sid,
                     SmsMessage.status == "undelivered", SmsMessage.error_code == "30005") == 1


def test_staff_reply_through_latest_channel_reaches_the_phone(sms: Harness) -> None:
    sms.send(body="hello")
    conversation_id = conversation_of(PHONE)
    reply = requests.post(
        f"{sms.sanic.base_url}/test/execute/{conversation_id}",
        params={"output_channel": "latest"}, timeout=10,
    )
    assert reply.json() == {"channel": "twilio_sms"}
    assert sms.bodies()[-1] == "A member of staff replied."


# --- requests that must be refused ------------------------------------------------------------


def _set(key: str, value: str) -> Callable[[dict[str, str]], None]:
    return lambda form: form.__setitem__(key, value)


@pytest.mark.parametrize(
    "variant",
    [
        {"token": "forged-token"},
        {"signed_url": "http://localhost:5005" + WEBHOOK},
        {"signed_url": PUBLIC_BASE + WEBHOOK + "?extra=1"},
        {"tamper": _set("Body", "send me everything")},
        {"tamper": _set("From", OTHER_PHONE)},
        {"tamper": _set("Extra", "added after signing")},
    ],
    ids=["forged", "wrong-url", "wrong-query", "tampered-body", "tampered-from", "added-field"],
)
def test_badly_signed_requests_are_refused_and_nothing_is_stored(
    sms: Harness, variant: dict[str, Any]
) -> None:
    reply = sms.post(**variant)
    assert reply.status_code == 403
    sms.sanic.wait_idle()
    assert sms.count(SmsMessage) == 0
    assert sms.count(SmsConversation) == 0
    assert sms.received == []
    assert sms.outbox() == [] and sms.outbox(OTHER_PHONE) == []


def test_unsigned_request_is_refused(sms: Harness) -> None:
    form = inbound_form(get_settings(), PHONE, "hello")
    reply = requests.post(sms.sanic.base_url + WEBHOOK, data=form, timeout=5)
    assert reply.status_code == 403
    assert sms.count(SmsMessage) == 0


def test_without_auth_token_everything_is_refused(
    sms: Harness, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "")
    monkeypatch.setattr("bot.config.VAR_DIR", tmp_path)  # not the token `make run` wrote to var/
    assert sms.post(token="").status_code == 403
    health = requests.get(sms.sanic.base_url + "/webhooks/twilio_sms/", timeout=5).json()
    assert health["configured"] is False
    assert sms.count(SmsMessage) == 0


def test_malformed_bodies_get_400_without_a_stack_trace(sms: Harness) -> None:
    url = sms.sanic.base_url + WEBHOOK
    headers = {"X-Twilio-Signature": "c2lnbmF0dXJl"}
    as_json = requests.post(url, json={"From": PHONE}, headers=headers, timeout=5)
    not_utf8 = requests.post(
        url, data=b"Body=\xff\xfe", timeout=5,
        headers={**headers, "Content-Type": "application/x-www-form-urlencoded"},
    )
    no_sender = sms.post(form={"Body": "hi", "MessageSid": "SM" + "0" * 32})
    bad_media = sms.post(form={"From": PHONE, "MessageSid": "SM" + "1" * 32, "NumMedia": "x"})
    for reply in (as_json, not_utf8, no_sender, bad_media):
        assert reply.status_code == 400
        assert "Traceback" not in reply.text and reply.text
    assert sms.count(SmsMessage) == 0


# --- idempotency, ordering, speed -------------------------------------------------------------


def test_same_message_sid_is_answered_once(sms: Harness) -> None:
    sid = "SM" + uuid.uuid4().hex
    sms.send(body="is the tip open", sid=sid)
    sms.send(body="is the tip open", sid=sid)
    assert sms.bodies() == ["You said: is the tip open"]
    assert sms.received == ["is the tip open"]
    assert sms.count(SmsMessage, SmsMessage.direction == "inbound") == 1


def test_slow_turn_is_acknowledged_at_once_and_texts_stay_in_order(sms: Harness) -> None:
    started = time.monotonic()
    first = sms.post(body="slow")
    assert time.monotonic() - started < 1.0
    assert first.status_code == 200 and first.text == EMPTY_TWIML
    assert sms.post(body="and then this").status_code == 200
    assert sms.post(phone=OTHER_PHONE, body="someone else").status_code == 200

    # another resident is not held up by the slow turn
    assert wait_until(lambda: sms.bodies(OTHER_PHONE) == ["You said: someone else"], 3)
    assert sms.bodies() == []
    sms.sanic.wait_idle()
    assert sms.bodies() == ["slow done", "You said: and then this"]


def test_failed_turn_gets_an_apology(sms: Harness) -> None:
    sms.send(body="boom")
    assert sms.bodies() == [ERROR_REPLY]


# --- what SMS cannot carry ------------------------------------------------------------------


def test_mms_empty_and_over_long_messages_get_a_sensible_reply(sms: Harness) -> None:
    sms.send(body="", num_media=1)
    sms.send(body="")
    sms.send(body="x" * 1601)
    sms.send(body="look at my bin", num_media=1)
    assert sms.bodies() == [
        MEDIA_REPLY, EMPTY_REPLY, TOO_LONG_REPLY, MEDIA_REPLY, "You said: look at my bin",
    ]
    assert sms.received == ["look at my bin"]


def test_numbered_reply_maps_back_to_the_button_payload(sms: Harness) -> None:
    sms.send(body="menu")
    assert sms.bodies() == ["What is it about?\nReply 1 for Council tax or 2 for Bins."]
    sms.send(body="2")
    assert sms.received[-1] == '/inform{"service":"waste"}'
    sms.send(body="2")  # the choices answered only the text right after them
    assert sms.received[-1] == "2"


def test_long_reply_is_split_into_numbered_gsm7_parts(sms: Harness) -> None:
    long_text = " ".join(f"Sentence {i} \u2013 it\u2019s about bins." for i in range(30))
    conversation_id = conversation_of(PHONE)
    sms.send(body="hello")
    output = sms.sanic.channel.get_output_channel()
    sms.sanic.run(output.send_text_message(conversation_id, long_text))
    parts = sms.bodies()[1:]
    assert len(parts) > 1
    assert all(part.endswith(f"({i}/{len(parts)})") for i, part in enumerate(parts, start=1))
    assert all("\u2019" not in part and "\u2013" not in part for part in parts)
    assert all(int(m["num_segments"]) <= 2 for m in sms.outbox()[1:])


# --- keywords -----------------------------------------------------------------------------


def test_stop_start_help_and_stop_inside_a_sentence(
    sms: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    conversation_id = conversation_of(PHONE)
    with session_scope(sms.db_url) as session:
        ensure_case(session, conversation_id, "twilio_sms", "service_status", issue="bins")

    sms.send(body="Stop.")
    assert sms.bodies() == []  # Twilio itself confirms STOP
    assert sms.count(SmsOptOut, SmsOptOut.phone == PHONE, SmsOptOut.opted_out.is_(True)) == 1
    assert sms.count(Case, Case.conversation_id == conversation_id,
                     Case.sms_opted_out.is_(True)) == 1
    assert sms.count(CaseEvent, CaseEvent.kind == "sms_opted_out") == 1

    sms.send(body="is the tip open")  # still reaches the assistant, but no text goes out
    assert sms.received == ["is the tip open"]
    sms.sanic.run(sms.sanic.channel.get_output_channel().send_text_message(conversation_id, "x"))
    assert sms.bodies() == []

    sms.send(body="START")
    assert sms.bodies() == [RESUMED_REPLY]
    assert sms.count(SmsOptOut, SmsOptOut.opted_out.is_(False)) == 1
    assert sms.count(Case, Case.sms_opted_out.is_(False)) == 1
    assert sms.count(CaseEvent, CaseEvent.kind == "sms_opted_in") == 1

    sms.send(body="help")
    assert "Emergencies: 999" in sms.bodies()[-1]
    monkeypatch.setenv("DEFAULT_COUNCIL", "kensington_chelsea")
    sms.send(body="INFO")
    assert "Kensington and Chelsea" in sms.bodies()[-1]
    assert "020 7946 0100" in sms.bodies()[-1]

    sms.send(body="please stop sending letters")
    sms.send(body="yes")  # not opted out: an ordinary answer
    assert sms.received[-2:] == ["please stop sending letters", "yes"]
    assert sms.bodies()[-2:] == ["You said: please stop sending letters", "You said: yes"]
    assert sms.count(SmsOptOut, SmsOptOut.opted_out.is_(True)) == 0


# --- sending failures -----------------------------------------------------------------------


def test_twilio_500_twice_then_ok_delivers_exactly_one_text(sms: Harness) -> None:
    sms.faults(fail_next=2, status=500)
    sms.send(body="hello")
    assert sms.bodies() == ["You said: hello"]
    assert sms.count(SmsMessage, SmsMessage.direction == "outbound") == 1


def test_twilio_429_then_ok_is_retried(sms: Harness) -> None:
    sms.faults(fail_next=1, status=429)
    sms.send(body="hello")
    assert sms.bodies() == ["You said: hello"]


def test_timeout_after_the_request_left_is_not_retried(
    sms: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_TIMEOUT", "0.5")
    sms.faults(delay_next=1, seconds=1.5)
    sms.send(body="hello")
    assert sms.bodies() == ["You said: hello"]  # Twilio had it: a retry would text twice
    assert sms.count(SmsMessage, SmsMessage.status == "unknown") == 1


def test_twilio_down_keeps_the_reply_and_sends_it_once_when_back(sms: Harness) -> None:
    sms.faults(fail_next=10_000, status=503)
    sms.send(body="hello")
    assert sms.bodies() == []
    assert sms.count(SmsOutboxItem, SmsOutboxItem.state == "pending") == 1
    assert sms.count(SmsMessage, SmsMessage.direction == "outbound") == 0
    sms.faults(fail_next=0)
    assert wait_until(lambda: sms.bodies() == ["You said: hello"], timeout=20), sms.bodies()
    time.sleep(3)  # a second pass of the outbox loop must not send it again
    assert sms.bodies() == ["You said: hello"]
    assert sms.count(SmsOutboxItem, SmsOutboxItem.state == "sent",
                     SmsOutboxItem.body == "") == 1
    assert sms.count(SmsMessage, SmsMessage.direction == "outbound") == 1


def test_replies_queued_in_an_outage_keep_their_order(sms: Harness) -> None:
    sms.faults(fail_next=10_000, status=503)
    for word in ("one", "two", "three"):
        sms.send(body=word)
    sms.faults(fail_next=0)
    expected = ["You said: one", "You said: two", "You said: three"]
    assert wait_until(lambda: len(sms.bodies()) >= 3, timeout=30), sms.bodies()
    assert sms.bodies() == expected


def test_reply_left_queued_by_a_stopped_server_is_sent_by_this_one(sms: Harness) -> None:
    conversation = sms_store.ensure_conversation(PHONE)
    sms_outbox.enqueue(conversation, ["Left over from before the restart"], [1])
    assert wait_until(lambda: sms.bodies() == ["Left over from before the restart"],
                      timeout=15), sms.bodies()


def orphan(conversation: str, sid: str, body: str, state: str) -> None:
    """A text accepted by a server that then died: owner without heartbeat, a minute old."""
    with session_scope() as session:
        session.add(SmsInboxItem(
            message_sid=sid, conversation_id=conversation, phone=PHONE, body=body,
            num_media=0, state=state, owner="dead-host:1:00000000",
            created_at=utcnow() - timedelta(minutes=1),
        ))


def test_text_queued_on_a_dead_server_is_answered_by_this_one(sms: Harness) -> None:
    conversation = sms_store.ensure_conversation(PHONE)
    orphan(conversation, "SM" + "a" * 32, "is the tip open", "queued")
    assert wait_until(lambda: sms.bodies() == ["You said: is the tip open"], timeout=20), (
        sms.bodies())
    assert wait_until(lambda: sms.count(SmsInboxItem, SmsInboxItem.state == "done",
                                        SmsInboxItem.body == "") == 1)


def test_turn_cut_off_by_a_dead_server_is_not_rerun_but_explained(sms: Harness) -> None:
    conversation = sms_store.ensure_conversation(PHONE)
    orphan(conversation, "SM" + "b" * 32, "my boiler is broken", "running")
    assert wait_until(lambda: sms.bodies() == [INTERRUPTED_REPLY], timeout=20), sms.bodies()
    assert "my boiler is broken" not in sms.received
    assert sms.count(SmsInboxItem, SmsInboxItem.state == "interrupted") == 1


def test_answered_texts_leave_no_body_behind(sms: Harness) -> None:
    sms.send(body="hello there")
    assert sms.count(SmsInboxItem, SmsInboxItem.state == "done", SmsInboxItem.body == "") == 1
    assert sms.count(SmsInboxItem, SmsInboxItem.body != "") == 0


def test_refused_part_drops_the_rest_of_that_reply_only(sms: Harness) -> None:
    sms.faults(fail_next=1, status=400)
    sms.send(body="x" * 400)  # a three-part reply whose first part Twilio refuses
    sms.send(body="again")
    assert wait_until(lambda: sms.bodies() == ["You said: again"], timeout=10), sms.bodies()
    assert sms.count(SmsOutboxItem, SmsOutboxItem.state == "refused") == 1
    assert sms.count(SmsOutboxItem, SmsOutboxItem.state == "cancelled") >= 1


def test_reply_queued_for_a_number_that_then_opts_out_is_not_sent(sms: Harness) -> None:
    sms.faults(fail_next=10_000, status=503)
    sms.send(body="hello")
    sms.post(body="STOP")
    sms.sanic.wait_idle()
    sms.faults(fail_next=0)
    time.sleep(4)
    assert sms.bodies() == []
    assert sms.count(SmsOutboxItem, SmsOutboxItem.state == "cancelled") == 1


# --- the CLI ----------------------------------------------------------------------------------


def test_cli_send_posts_a_signed_webhook_and_prints_replies(
    sms: Harness, capsys: pytest.CaptureFixture[str]
) -> None:
    assert bot_main(["sms", "send", "07700 900123", "is the tip open", "--wait", "8"]) == 0
    printed = capsys.readouterr().out
    assert "HTTP 200" in printed
    assert "< You said: is the tip open" in printed
    assert bot_main(["sms", "outbox", "--to", PHONE]) == 0
    assert "1 message(s)" in capsys.readouterr().out


def test_a_text_that_does_not_reach_the_resident_shows_on_the_case(sms: Harness) -> None:
    """#15.8: refused by Twilio, or reported undelivered later, the officer sees it on the case
    (once per message, however often Twilio repeats the callback)."""
    sms.send(body="hello")
    with session_scope(sms.db_url) as session:
        case_id = ensure_case(session, conversation_of(PHONE), "twilio_sms", "general").id

    def not_delivered() -> list[str]:
        with session_scope(sms.db_url) as session:
            return list(session.execute(select(CaseEvent.detail).where(
                CaseEvent.case_id == case_id, CaseEvent.kind == NOT_DELIVERED)).scalars())

    sid = sms.outbox()[0]["sid"]
    update = {"MessageSid": sid, "MessageStatus": "undelivered", "ErrorCode": "30005",
              "To": PHONE, "AccountSid": ACCOUNT_SID}
    for _repeat in range(2):
        assert sms.post(form=dict(update), path=STATUS).status_code == 204
    assert not_delivered() == [f"A text to the resident was not delivered (Twilio reported it "
                               f"undelivered, error 30005). Try another way to reach them. [{sid}]"]
    sms.faults(fail_next=1, status=400)
    sms.send(body="again")
    assert wait_until(lambda: len(not_delivered()) == 2, timeout=10), not_delivered()
    assert "Twilio refused it" in not_delivered()[1]


@pytest.mark.parametrize("word", ["REVOKE", "optout", "Revoke."])
def test_twilios_newer_opt_out_keywords_opt_out(sms: Harness, word: str) -> None:
    sms.send(body=word)
    assert sms.count(SmsOptOut, SmsOptOut.phone == PHONE, SmsOptOut.opted_out.is_(True)) == 1
    assert sms.bodies() == []  # Twilio itself confirms an opt-out; we stay silent


def test_twilios_opt_out_type_is_the_residents_choice_whatever_the_words(sms: Harness) -> None:
    """Advanced Opt-Out may be set up with other words (e.g. in another language): Twilio
    marks the message with OptOutType, which counts even when the words are not ours."""
    form = inbound_form(get_settings(), PHONE, "Arrêtez les messages", 0)
    form["OptOutType"] = "STOP"
    assert sms.post(form=form).status_code == 200
    sms.sanic.wait_idle()
    assert sms.count(SmsOptOut, SmsOptOut.phone == PHONE, SmsOptOut.opted_out.is_(True)) == 1
    assert sms.bodies() == []


def test_twilio_error_21610_means_the_resident_opted_out(sms: Harness) -> None:
    """Twilio refuses to text a number that opted out with it (21610): we record the opt-out,
    send nothing more to it and the case says so."""
    sms.send(body="hello")
    with session_scope(sms.db_url) as session:
        ensure_case(session, conversation_of(PHONE), "twilio_sms", "general")
    sms.faults(fail_next=1, status=400, code=21610)
    sms.send(body="x" * 400)  # three parts: the first refused, the rest not tried
    assert wait_until(lambda: sms.count(SmsOptOut, SmsOptOut.phone == PHONE,
                                        SmsOptOut.opted_out.is_(True)) == 1, timeout=10)
    sms.send(body="again")
    assert sms.bodies() == ["You said: hello"]
    assert sms.count(SmsOutboxItem, SmsOutboxItem.state.in_(("pending", "sending"))) == 0
    with session_scope(sms.db_url) as session:
        kinds = list(session.execute(select(CaseEvent.kind)).scalars())
    assert "sms_opted_out" in kinds and NOT_DELIVERED in kinds


def test_a_reply_that_expires_in_the_outbox_shows_on_the_case(sms: Harness) -> None:
    sms.send(body="hello")
    with session_scope(sms.db_url) as session:
        case_id = ensure_case(session, conversation_of(PHONE), "twilio_sms", "general").id
    sms.faults(fail_next=10_000, status=503)  # Twilio's API down
    sms.send(body="again")
    assert wait_until(lambda: sms.count(SmsOutboxItem, SmsOutboxItem.state == "pending") == 1)
    with session_scope(sms.db_url) as session:  # a day has gone by
        session.execute(update(SmsOutboxItem).where(SmsOutboxItem.state == "pending").values(
            created_at=utcnow() - timedelta(hours=25), next_attempt_at=utcnow()))

    def expired_events() -> list[str]:
        with session_scope(sms.db_url) as session:
            return list(session.execute(select(CaseEvent.detail).where(
                CaseEvent.case_id == case_id, CaseEvent.kind == NOT_DELIVERED)).scalars())

    assert wait_until(lambda: len(expired_events()) == 1, timeout=30)
    sms.faults(fail_next=0)
    assert "could not be reached for 24 hours" in expired_events()[0]
    assert sms.count(SmsOutboxItem, SmsOutboxItem.state == "expired") == 1
