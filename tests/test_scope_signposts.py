"""Other organisations' services get where to go, not a council status or a menu (#12)."""

from __future__ import annotations

import pytest

from bot.services.scope import OTHER_BODIES, other_body, other_body_answer, signpost
from bot.services.status_turns import out_of_scope_turn, service_status_turn
from bot.services.turn import TurnContext


def ctx(text: str, intent: str, **kw) -> TurnContext:
    return TurnContext(conversation_id="c1", text=text, intent=intent,
                       entities=kw.pop("entities", {}), **kw)


def said(outcome) -> str:
    return " ".join(m.text for m in outcome.messages)


@pytest.mark.parametrize(("text", "key", "where"), [
    ("my uc payment hasnt gone in", "universal_credit", "0800 328 5644"),
    ("universal credit journal wont load", "universal_credit", "0800 328 5644"),
    ("cant get a gp appointment for weeks", "nhs_111", "111"),
    ("my repeat prescription never got to the chemist", "nhs_111", "111"),
    ("when is my pip assessment", "dwp", "gov.uk"),
    ("my tax code is wrong", "hmrc", "gov.uk/contact-hmrc"),
    ("how do i tax my car", "dvla", "gov.uk/contact-the-dvla"),
    ("passport renewal taking ages", "passports_visas", "gov.uk"),
    ("home office lost my brp", "passports_visas", "visas-immigration"),
    ("my oyster card got blocked", "tfl", "tfl.gov.uk"),
    ("police non emergency number please", "police", "101"),
    ("power cut on my street", "power", "105"),
    ("thames water bill is wrong", "water", "thameswater.co.uk"),
    ("royal mail lost my parcel", "royal_mail", "royalmail.com"),
    ("barclays blocked my card", "bank", "back of your card"),
    ("do i need a tv licence for netflix", "tv_licence", "tvlicensing.co.uk"),
    ("my broadband has been down 3 days", "broadband", "provider"),
    ("letting agent wont give my deposit back", "private_landlord", "shelter"),
    ("the teacher shouted at my son", "school", "school directly"),
    ("how do i get probate sorted", "courts", "gov.uk/browse/justice"),
    ("can i put off jury service", "courts", "gov.uk/browse/justice"),
])
def test_named_bodies_get_where_to_go(text: str, key: str, where: str) -> None:
    body = other_body(text)
    assert body is not None and body.key == key
    answer = other_body_answer(body)
    assert where.lower() in answer.lower()
    assert "999" in answer  # danger always gets the emergency number


@pytest.mark.parametrize("text", [
    "my bins werent collected", "is the library open", "cant pay my council tax",
    "I need to register a birth", "who won the football",
    "my bus lane ticket",  # a council PCN, not TfL's bus
    # the hospital or the post office named, but the council's business
    "my mum passed away in the hospital last night, how do we register the death",
    "we had the baby at the hospital, when can we register",
    "dad is coming home from hospital, who arranges his carers",
    "can i pay my council tax at the post office",
    "does the post office still take my rent payment card",
])
def test_council_matters_and_chit_chat_name_no_body(text: str) -> None:
    assert other_body(text) is None


def test_every_body_has_a_distinct_key_and_a_place_to_go() -> None:
    assert len({b.key for b in OTHER_BODIES}) == len(OTHER_BODIES)
    for body in OTHER_BODIES:
        assert ("www." in body.where or ".gov.uk" in body.where or "call" in body.where.lower()
                or "contact" in body.where.lower()), body.key


def test_a_council_service_named_beside_another_body_stays_the_councils() -> None:
    assert signpost("my housing benefit and universal credit both stopped", "benefits") is None
    assert signpost("is the dvla website down", "website") is not None  # only the channel
    assert signpost("can't get through to the dwp on the phone", "phone_lines") is not None
    assert signpost("is the library open", None) is None


def test_out_of_scope_turn_signposts_the_body(session) -> None:
    answer = said(out_of_scope_turn(session, ctx("universal credit not paid wtf", "out_of_scope")))
    assert "0800 328 5644" in answer and "not the council" in answer
    # a generic council channel word does not turn it into a council status answer
    answer = said(out_of_scope_turn(session, ctx(
        "dvla website wont let me pay", "out_of_scope", entities={"service": ["website"]})))
    assert "gov.uk/contact-the-dvla" in answer
    # chit-chat still gets the plain scope answer
    assert "only help with council" in said(out_of_scope_turn(session, ctx(
        "tell me a joke", "out_of_scope")))


def test_status_question_about_another_body_is_signposted_not_menued(session) -> None:
    outcome = service_status_turn(session, ctx("is the nhs app down", "service_status"))
    assert "111" in said(outcome)
    assert outcome.slots.get("pending") is None
    assert not any(m.buttons for m in outcome.messages)  # no "Which service?" menu


def test_status_question_naming_a_council_service_still_gets_the_status(session) -> None:
    outcome = service_status_turn(session, ctx(
        "dwp said ask the council, is housing benefit working", "service_status",
        entities={"service": ["benefits"]}, slots={"council": "westminster"}))
    answer = said(outcome)
    assert "Westminster" in answer and "not the council" not in answer


def test_out_of_scope_turn_tells_another_councils_resident_where_to_go(session) -> None:
    answer = said(out_of_scope_turn(session, ctx("is brent council hacked as well",
                                                 "out_of_scope")))
    assert "brent.gov.uk" in answer and "Kensington and Chelsea" in answer
    answer = said(out_of_scope_turn(session, ctx(
        "when are the bins collected in SE15", "out_of_scope", entities={"service": ["waste"]})))
    assert "southwark.gov.uk" in answer
    # a resident who named one of ours is answered for that council, not sent away
    answer = said(out_of_scope_turn(session, ctx(
        "i work in camden, are the bins running", "out_of_scope",
        entities={"service": ["waste"]}, slots={"council": "westminster"})))
    assert "camden.gov.uk" not in answer and "Westminster" in answer
