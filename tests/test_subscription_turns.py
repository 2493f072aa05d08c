"""'Text me when it's back' in conversation: the offer, yes by SMS, a mobile on web chat, no."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import SmsConversation, Subscription
from bot.services.advice_turns import affirm_turn, deny_turn
from bot.services.status import set_status
from bot.services.status_turns import inform_turn, service_status_turn
from bot.services.turn import TurnContext


def ctx(text: str, intent: str, channel: str = "socketio", conversation: str = "c1",
        **kw) -> TurnContext:
    return TurnContext(conversation_id=conversation, text=text, intent=intent, channel=channel,
                       **kw)


def _disrupted_bins(session) -> None:
    set_status(session, "westminster", "waste", "disrupted", "test",
               affected="Collections are late")


def test_status_answer_about_a_disrupted_service_offers_a_text(session) -> None:
    _disrupted_bins(session)
    outcome = service_status_turn(session, ctx("are the bins running in W2", "service_status",
                                               entities={"service": ["waste"]}))
    assert outcome.slots["subscribe_offer"] == "westminster:waste"
    assert "Want a text when" in outcome.messages[-1].text
    assert [b["payload"] for b in outcome.messages[-1].buttons] == ["/affirm", "/deny"]
    set_status(session, "westminster", "waste", "operating", "test")
    working = service_status_turn(session, ctx("are the bins running in W2", "service_status",
                                               entities={"service": ["waste"]}))
    assert "subscribe_offer" not in working.slots


def test_yes_by_sms_subscribes_the_residents_own_number(session) -> None:
    _disrupted_bins(session)
    session.add(SmsConversation(conversation_id="sms-1", phone="+447700900123"))
    session.flush()
    offered = {"subscribe_offer": "westminster:waste"}
    done = affirm_turn(session, ctx("1", "affirm", channel="twilio_sms", conversation="sms-1",
                                    slots=offered))
    assert "one text when it's working again" in done.messages[0].text
    row = session.execute(select(Subscription)).scalar_one()
    assert (row.phone, row.service_id, row.channel) == ("+447700900123", "waste", "sms")


def test_web_chat_asks_for_a_mobile_and_refuses_a_landline_then_gives_up(session) -> None:
    _disrupted_bins(session)
    offered = {"subscribe_offer": "westminster:waste"}
    asked = affirm_turn(session, ctx("yes", "affirm", slots=offered))
    assert asked.slots["pending"] == "subscribe_phone"
    slots = {**offered, **asked.slots}
    landline = inform_turn(session, ctx("020 7946 0000", "inform", slots=slots))
    assert "UK mobile" in landline.messages[0].text
    assert session.execute(select(Subscription)).first() is None
    slots = {**slots, **landline.slots}
    mobile = inform_turn(session, ctx("07700 900456", "inform", slots=slots))
    assert "one text" in mobile.messages[0].text
    assert session.execute(select(Subscription.phone)).scalar_one() == "+447700900456"
    twice = {**slots, "subscribe_retry": "asked"}
    dropped = inform_turn(session, ctx("no idea", "inform", conversation="c2", slots=twice))
    assert "won't set up a text" in dropped.messages[0].text


def test_no_to_the_offer_clears_it(session) -> None:
    outcome = deny_turn(session, ctx("no", "deny", slots={"subscribe_offer": "westminster:waste"}))
    assert outcome.slots["subscribe_offer"] is None and "no text" in outcome.messages[0].text
