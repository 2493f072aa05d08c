"""The abuse path in the resident's language and for a resident put out of the home (issues
#13, #14): "I can't talk" and "he reads my texts" in each of our 12 other languages get 999
then 55 in that language; "he threw me out" makes the case sensitive (no texts to the SMS
number without asking) and keeps the emergency housing route. Real SQLite (`session`)."""

from __future__ import annotations

import pytest

from bot.channels.sms_render import turn_segments
from bot.db.models import SmsConversation
from bot.language import message
from bot.language.abuse_phrases import route_chosen_other_language
from bot.services.abuse_turns import put_out_by_partner_or_family, route_chosen
from bot.services.cases import open_case_for
from bot.services.escalation_turns import (
    ask_contact_reach_turn,
    contact_form_turn,
    required_contact_slots,
    start_case_turn,
    urgent_turn,
)
from bot.services.turn import TurnContext

CANT_TALK = {
    "pl": "nie mogę teraz mówić", "es": "no puedo hablar", "fr": "je ne peux pas parler",
    "it": "non posso parlare", "pt": "não posso falar agora", "ro": "nu pot vorbi acum",
    "tr": "şu an konuşamıyorum", "so": "ma hadli karo hadda", "ar": "لا أستطيع الكلام الآن",
    "fa": "الان نمی‌توانم حرف بزنم", "bn": "আমি এখন কথা বলতে পারছি না", "ti": "ሕጂ ክዛረብ ኣይክእልን",
}
WATCHED = {
    "pl": "on czyta moje wiadomości", "es": "él lee mis mensajes", "fr": "il lit mes messages",
    "it": "lui legge i miei messaggi", "pt": "ele lê as minhas mensagens",
    "ro": "el îmi citește mesajele", "tr": "mesajlarımı okuyor",
    "so": "fariimahayga ayuu akhriyaa", "ar": "هو يقرأ رسائلي", "fa": "پیام‌هایم را می‌خواند",
    "bn": "সে আমার মেসেজ পড়ে", "ti": "መልእኽተይ የንብብ",
}


def ctx(text: str, intent: str | None = None, conversation: str = "c1", **kw) -> TurnContext:
    return TurnContext(conversation_id=conversation, text=text, intent=intent,
                       entities=kw.pop("entities", {}), **kw)


def texts(outcome) -> str:
    return " ".join(m.text for m in outcome.messages)


def _abuse_case(session, language: str, **kw) -> None:
    urgent_turn(session, ctx("my husband hits me", "urgent_help", language=language,
                             entities={"urgent_category": ["domestic_abuse"]}, **kw))


@pytest.mark.parametrize("code", sorted(CANT_TALK))
def test_cant_talk_in_the_residents_language_gets_999_then_55_in_it(session, code) -> None:
    _abuse_case(session, code)
    said = contact_form_turn(session, ctx(CANT_TALK[code], "nlu_fallback", language=code,
                                          latest_action="action_listen"), "contact_reach")
    reply = texts(said)
    assert "999" in reply and "55" in reply
    assert message("abuse.cant_talk", code) in reply
    assert message("abuse.cant_talk", code) != message("abuse.cant_talk", "en")
    assert said.localised
    case = open_case_for(session, "c1")
    assert case.safe_to_call is False and case.details["cannot_speak"] is True
    assert case.language == code


@pytest.mark.parametrize("code", sorted(WATCHED))
def test_watched_phone_by_sms_in_the_residents_language(session, code) -> None:
    session.add(SmsConversation(conversation_id="sms", phone="+447700900555"))
    session.flush()
    kw = {"conversation": "sms", "channel": "twilio_sms"}
    _abuse_case(session, code, **kw)
    said = contact_form_turn(session, ctx(WATCHED[code], "nlu_fallback", language=code,
                                          latest_action="action_listen", **kw), "contact_reach")
    case = open_case_for(session, "sms")
    assert texts(said) == message("abuse.phone_watched_sms", code, reference=case.reference)
    assert case.phone is None and case.details["phone_watched"] is True
    assert said.slots["contact_reach"] == "declined"


def test_both_at_once_by_sms_starts_with_999_in_the_language(session) -> None:
    session.add(SmsConversation(conversation_id="sms", phone="+447700900555"))
    session.flush()
    kw = {"conversation": "sms", "channel": "twilio_sms"}
    _abuse_case(session, "es", **kw)
    said = contact_form_turn(session, ctx("no puedo hablar, él lee mis mensajes", "nlu_fallback",
                                          language="es", latest_action="action_listen", **kw),
                             "contact_reach")
    assert texts(said).startswith(message("abuse.cant_talk_sms", "es"))
    assert "999" in texts(said) and "55" in texts(said)


def test_english_and_untranslated_languages_keep_the_english_words(session) -> None:
    _abuse_case(session, "en")
    said = contact_form_turn(session, ctx("I can't talk", "nlu_fallback",
                                          latest_action="action_listen"), "contact_reach")
    assert texts(said) == message("abuse.cant_talk", "en")
    assert "press 55" in texts(said)
    _abuse_case(session, "ur", conversation="c2")
    said = contact_form_turn(session, ctx("I can't talk", "nlu_fallback", language="ur",
                                          conversation="c2", latest_action="action_listen"),
                             "contact_reach")
    assert texts(said) == message("abuse.cant_talk", "en")


PUT_OUT = [
    "he threw me out, I can't go back tonight",
    "she kicked me out and says she'll hurt me if I come back",
    "my partner locked me out",
    "my husband has thrown me out and I have nowhere to stay",
    "my boyfriend chucked me out last night with the kids",
    "my dad kicked me out, I'm sleeping at the station",
    "my wife changed the locks while I was at work",
    "he won't let me back in the flat",
    "my ex told me to get out and not come back",
    "my mum threw me out, I'm 17",
    "she's locked me out and won't answer the door",
    "my girlfriend pushed me out of the flat and I've got nowhere to go",
    "my parents kicked us out tonight",
    "he just threw us out, me and the baby",
    "he threw me out, I need emergency housing from the council tonight",
    "she kicked me out, should I call the police?",
]
NOT_PUT_OUT = [
    "my landlord locked me out, I lost my keys",
    "locked out of my account",
    "I locked myself out, can someone help",
    "the council locked me out of the portal",
    "he locked me out of my email account",
    "my landlord changed the locks, he says I owe rent",
    "my flatmate locked me out again",
    "I've been kicked out of college",
    "they threw me out of the pub",
    "the letting agent told me to leave by Friday, she was rude",
    "the housing officer locked me out of the flat, he said I was behind on rent",
]


@pytest.mark.parametrize("text", PUT_OUT)
def test_put_out_by_a_partner_or_family(text: str) -> None:
    assert put_out_by_partner_or_family(text)


@pytest.mark.parametrize("text", NOT_PUT_OUT)
def test_look_alikes_are_not_put_out_by_a_partner(text: str) -> None:
    assert not put_out_by_partner_or_family(text)


def _sms_urgent(session, text: str):
    session.add(SmsConversation(conversation_id="sms", phone="+447700900555"))
    session.flush()
    turn = ctx(text, "urgent_help", conversation="sms", channel="twilio_sms",
               entities={"council": ["westminster"]})
    return urgent_turn(session, turn), turn


@pytest.mark.parametrize("text", ["he threw me out, I can't go back tonight",
                                  "my partner locked me out and I've nowhere to sleep",
                                  "she kicked me out and says she'll hurt me if I come back"])
def test_put_out_by_sms_is_sensitive_and_keeps_the_housing_route(session, text) -> None:
    said, turn = _sms_urgent(session, text)
    case = open_case_for(session, "sms")
    assert case.details["sensitive"] is True
    assert case.phone is None  # the texting number is not the contact route until asked
    reply = texts(said)
    assert "999" in reply
    assert "020 7946 0301" in reply  # Westminster's out-of-hours line: emergency housing
    assert turn_segments((m.text, m.buttons) for m in said.messages) <= 3
    asked = ask_contact_reach_turn(session, ctx("", conversation="sms", channel="twilio_sms"))
    assert "text this number" in texts(asked)
    assert "contact_safety" in required_contact_slots(session, turn)


def test_locked_out_by_the_landlord_by_sms_is_not_sensitive(session) -> None:
    said, _ = _sms_urgent(session, "my landlord locked me out, I lost my keys")
    case = open_case_for(session, "sms")
    assert not case.details.get("sensitive")
    assert case.phone == "+447700900555"
    assert "999" in texts(said) or "out-of-hours" in texts(said).lower()


@pytest.mark.parametrize(("text", "sensitive"), [
    ("my husband threw me out, I need to talk to someone about housing", True),
    ("my mum kicked me out, can I speak to a person", True),
    ("my landlord locked me out, I need a person", False),
])
def test_a_person_asked_for_after_being_put_out_by_sms(session, text, sensitive) -> None:
    session.add(SmsConversation(conversation_id="sms", phone="+447700900555"))
    session.flush()
    start_case_turn(session, ctx(text, "human_request", conversation="sms",
                                 channel="twilio_sms"))
    case = open_case_for(session, "sms")
    assert bool((case.details or {}).get("sensitive")) is sensitive
    assert (case.phone is None) is sensitive


# "SMS only, he checks my phone": texts are the route the resident chose (the phone is checked
# for calls), so, as in English, it answers the consent question: text only, never a call, and
# the number is not dropped as watched. "He reads only my messages" is still a watched phone.
ROUTE_CHOSEN = {
    "en": ["text only, he checks my phone", "SMS only, he checks my phone",
           "text me only, he reads my phone"],
    "pl": ["tylko SMS, on sprawdza mój telefon", "SMS-y tylko, on czyta moje wiadomości"],
    "ar": ["رسائل فقط، هو يقرأ هاتفي", "فقط بالرسائل، يراقب جوالي"],
    "pt": ["só SMS, ele mexe no meu telemóvel", "apenas mensagens, ele lê as minhas mensagens"],
    "es": ["solo SMS, él revisa mi teléfono", "solo por mensajes, él lee mis mensajes"],
    "fr": ["uniquement par SMS, il fouille mon téléphone"],
    "it": ["solo SMS, lui controlla il mio telefono"],
    "tr": ["sadece SMS, telefonumu kontrol ediyor"],
}
STILL_WATCHED = {
    "pl": "tylko on czyta moje wiadomości",  # only he reads my messages
    "es": "él revisa mi teléfono",
    "pt": "só ele lê as minhas mensagens",
    "ar": "هو يقرأ رسائلي فقط",  # he reads my messages only
}


@pytest.mark.parametrize("requested", ["contact_safety", "contact_reach"])
@pytest.mark.parametrize("channel", ["rest", "twilio_sms"])
@pytest.mark.parametrize(("code", "text"), [
    (code, text) for code, texts in ROUTE_CHOSEN.items() for text in texts])
def test_text_only_with_a_checked_phone_answers_the_consent_question(session, code, text,
                                                                     channel, requested) -> None:
    session.add(SmsConversation(conversation_id="c1", phone="+447700900555"))
    session.flush()
    _abuse_case(session, code, channel=channel)
    said = contact_form_turn(session, ctx(text, "inform", language=code, channel=channel,
                                          latest_action="action_listen"), requested)
    case = open_case_for(session, "c1")
    assert said.slots.get("contact_safety") == "given", (code, text, texts(said))
    assert case.safe_to_call is False and case.preferred_contact == "text"
    assert not case.details.get("phone_watched") and not case.details.get("no_texts")
    assert said.slots.get("contact_reach") != "declined"


@pytest.mark.parametrize(("code", "text"), sorted(STILL_WATCHED.items()))
def test_only_in_a_watched_phone_message_is_still_watched(session, code, text) -> None:
    _abuse_case(session, code)
    said = contact_form_turn(session, ctx(text, "nlu_fallback", language=code,
                                          latest_action="action_listen"), "contact_safety")
    case = open_case_for(session, "c1")
    assert case.details["phone_watched"] is True and case.details["no_texts"] is True
    assert texts(said) == message("abuse.phone_watched", code, reference=case.reference)


NOT_A_ROUTE = [
    "czyta tylko moje wiadomości", "lee solo mis mensajes", "ele lê só as minhas mensagens",
    "il lit seulement mes messages", "legge solo i miei messaggi", "يقرأ فقط رسائلي",
    "فقط پیامک\u200cهایم را می\u200cخواند", "সে শুধু মেসেজগুলো পড়ে", "ጥራይ መልእኽተይ የንብብ",
    "he reads my messages only", "he checks my texts only",
]


def test_only_next_to_a_texting_word_is_a_route_and_nothing_else() -> None:
    for code, phrases in ROUTE_CHOSEN.items():
        for text in phrases:
            assert route_chosen(text), (code, text)
            if code != "en":
                assert route_chosen_other_language(text), (code, text)
    for text in NOT_A_ROUTE:  # "he reads only my messages"
        assert not route_chosen(text), text
