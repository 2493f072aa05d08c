"""A postcode given before the case exists ("my bins weren't collected, W10 6EL", then "can I
speak to someone") is put on the case when it opens, so the contact form does not ask for it
again. The tracker store keeps only "[POSTCODE]" of the earlier message, so the postcode is held
server side when it is first read (bot.services.held_postcode). Real SQLite (`session`)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.db.engine import session_scope
from bot.db.models import HeldPostcode, SmsConversation, utcnow
from bot.privacy.retention import export_resident, purge
from bot.services.advice_turns import complaint_turn
from bot.services.case_status_turns import case_status_turn
from bot.services.cases import open_case_for
from bot.services.contact_turns import person_first
from bot.services.escalation_turns import (
    contact_form_turn,
    required_contact_slots,
    start_case_turn,
)
from bot.services.language_turns import finish_turn
from bot.services.status_turns import service_status_turn
from bot.services.turn import TurnContext


def ctx(text: str, intent: str | None = None, conversation: str = "c1", **kw) -> TurnContext:
    kw.setdefault("latest_action", "action_listen")
    return TurnContext(conversation_id=conversation, text=text, intent=intent,
                       entities=kw.pop("entities", {}), **kw)


def dialogue(session, turn, context: TurnContext):
    """One dialogue turn as the action server runs it (actions/runtime._dialogue_turn)."""
    return finish_turn(session, context, turn(session, context))


def _form_asks(session, context: TurnContext, slots: dict) -> list[str]:
    """What the contact form still asks: the required slots not yet filled."""
    return [slot for slot in required_contact_slots(session, context) if not slots.get(slot)]


def test_postcode_in_a_status_question_is_not_asked_again(session) -> None:
    first = ctx("my bins weren't collected, W10 6EL", "service_status",
                entities={"postcode": ["W10 6EL"]})
    dialogue(session, person_first(service_status_turn, late=False), first)
    assert open_case_for(session, "c1") is None  # no case yet: the postcode is held
    started = dialogue(session, start_case_turn,
                       ctx("can I speak to someone about it", "human_request"))
    case = open_case_for(session, "c1")
    assert case.postcode == "W10 6EL"
    assert case.reference.startswith("KC-")
    assert started.slots["contact_postcode"] == "given"
    assert "contact_postcode" not in _form_asks(session, ctx("x"), started.slots)
    assert session.get(HeldPostcode, "c1") is None  # moved to the case, not kept twice


def test_the_form_then_asks_the_next_question(session) -> None:
    dialogue(session, person_first(service_status_turn, late=False),
             ctx("are my bins being collected? w106el", "service_status"))
    started = dialogue(session, start_case_turn, ctx("I want to talk to a person", "human_request"))
    answered = contact_form_turn(session, ctx("07700 900118"), "contact_reach")
    slots = {**started.slots, **answered.slots}
    assert _form_asks(session, ctx("x"), slots) == ["contact_time", "contact_name"]
    case = open_case_for(session, "c1")
    assert case.phone == "+447700900118" and case.postcode == "W10 6EL"


def test_postcode_in_a_complaint_reaches_the_case_the_offer_opens(session) -> None:
    dialogue(session, complaint_turn,
             ctx("bins missed again, this is a disgrace. SW6 1AA", "complaint"))
    started = dialogue(session, start_case_turn,
                       ctx("yes", "affirm", slots={"offer": "case", "case_category": "complaint"}))
    case = open_case_for(session, "c1")
    assert case.postcode == "SW6 1AA" and started.slots["contact_postcode"] == "given"


def test_by_sms_too(session) -> None:
    session.add(SmsConversation(conversation_id="sms-1", phone="+447700900555"))
    session.flush()
    kw = {"conversation": "sms-1", "channel": "twilio_sms"}
    dialogue(session, person_first(service_status_turn, late=False),
             ctx("is the tip open? W2 1AA", "service_status", **kw))
    started = dialogue(session, start_case_turn, ctx("can someone call me", "human_request",
                                                     **kw))
    assert open_case_for(session, "sms-1").postcode == "W2 1AA"
    assert started.slots["contact_postcode"] == "given"


def test_the_first_postcode_is_kept_and_an_outward_code_is_not_a_postcode(session) -> None:
    status = person_first(service_status_turn, late=False)
    dialogue(session, status, ctx("is the library open in W10?", "service_status"))
    assert session.get(HeldPostcode, "c1") is None
    dialogue(session, status, ctx("bins at W10 6EL?", "service_status"))
    dialogue(session, status, ctx("and parking at SW6 1AA?", "service_status"))
    started = dialogue(session, start_case_turn, ctx("a person please", "human_request"))
    assert open_case_for(session, "c1").postcode == "W10 6EL"
    assert started.slots["contact_postcode"] == "given"


def test_a_postcode_typed_to_check_a_case_is_not_held(session) -> None:
    asked = ctx("what's happening with KC-7KQ2-M9XD", "case_status")
    dialogue(session, case_status_turn, asked)
    dialogue(session, case_status_turn, ctx("W10 6EL 0118", "inform", slots={
        "pending": "identity", "lookup_ref": "KC-7KQ2-M9XD"}))
    dialogue(session, case_status_turn, ctx("07700 900118 SW6 1AA", "case_status",
                                            slots={"pending": "find_case"}))
    assert session.get(HeldPostcode, "c1") is None


def test_an_old_held_postcode_is_not_used(session) -> None:
    session.add(HeldPostcode(conversation_id="c1", postcode="W10 6EL",
                             created_at=utcnow() - timedelta(days=2)))
    session.flush()
    started = dialogue(session, start_case_turn, ctx("a person please", "human_request"))
    assert open_case_for(session, "c1").postcode is None
    assert not started.slots.get("contact_postcode")


def test_unused_held_postcodes_are_purged_and_exported(db_url: str, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_DB_URL", f"sqlite:///{tmp_path / 'tracker.db'}")
    with session_scope(db_url) as session:
        session.add(SmsConversation(conversation_id="sms-old", phone="+447700900556"))
        session.add(HeldPostcode(conversation_id="sms-old", postcode="W2 1AA",
                                 created_at=utcnow() - timedelta(hours=30)))
        session.add(HeldPostcode(conversation_id="c-new", postcode="W10 6EL"))
    exported = export_resident(phone="07700 900556")
    assert [row["postcode"] for row in exported["held_postcodes"]] == ["W2 1AA"]
    report = purge(timedelta(days=90))
    assert report.held_postcodes == 1 and "1 unused held postcodes" in report.summary()
    with session_scope(db_url) as session:
        assert session.get(HeldPostcode, "sms-old") is None
        assert session.get(HeldPostcode, "c-new").postcode == "W10 6EL"
