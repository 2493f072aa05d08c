"""Residents who write in a language we have no translations for (Urdu, Chinese, Russian...).

They must not be mistaken for one of our 12 and answered in a language they may not read; an
urgent disclosure takes the urgent path with the emergency numbers (own small lexicons where
the encoder is weak); a message not understood gets, in plain English, the emergency line and
"a person can call you back with an interpreter: tell us your language"; the case records the
language, or "und" when we cannot name it. Examples are hand-written, with their meaning.
"""

from __future__ import annotations

import pytest

from bot.language import detect_language, message
from bot.language.detect import OTHER_CODES, UNKNOWN
from bot.language.names import english_name, own_name
from bot.services.cases import open_case_for
from bot.services.escalation_turns import SAFETY_QUESTION, start_case_turn, urgent_turn
from bot.services.language_turns import (
    ASK_LANGUAGE,
    INTERPRETER_OTHER,
    NOT_UNDERSTOOD_OTHER,
    conversation_language,
    finish_turn,
)
from bot.services.status_turns import fallback_turn, out_of_scope_turn, service_status_turn
from bot.services.turn import Outcome, TurnContext
from bot.triage.categories import UrgentCategory as C
from bot.triage.lexicon import detect_risk_in_lexicons


def ctx(text: str, intent: str | None = None, conversation: str = "c1", **kw) -> TurnContext:
    return TurnContext(conversation_id=conversation, text=text, intent=intent, **kw)


def texts(outcome: Outcome) -> str:
    return " ".join(m.text for m in outcome.messages)


# ---- language identification ----------------------------------------------------------------

DETECTED = [
    ("ur", "مجھے کونسل سے بات کرنی ہے، میرا مسئلہ حل نہیں ہوا"),  # I need to talk to the council
    ("ur", "meri beti ko school ke liye madad chahiye, kya aap bata sakte hain"),  # Roman Urdu
    ("pa", "ਮੈਨੂੰ ਆਪਣੇ ਘਰ ਦੀ ਮੁਰੰਮਤ ਬਾਰੇ ਪੁੱਛਣਾ ਹੈ"),  # I want to ask about my home repair
    ("gu", "મારે કાઉન્સિલ ટેક્સ વિશે પૂછવું છે"),  # I want to ask about council tax
    ("hi", "मुझे अपने घर की मरम्मत के बारे में पूछना है"),  # I want to ask about a home repair
    ("zh", "请问图书馆今天开门吗"),  # is the library open today
    ("ru", "Здравствуйте, подскажите, как продлить разрешение на парковку"),  # parking permit
    ("uk", "Добрий день, коли відкриється бібліотека після ремонту?"),  # library after repairs
    ("lt", "Laba diena, norėčiau sužinoti apie savivaldybės mokestį"),  # council tax
    ("de", "Guten Tag, ich habe eine Frage zu meiner Miete und den Reparaturen"),  # rent, repairs
    ("tl", "Magandang araw po, may tanong ako tungkol sa aking bahay"),  # about my house
]


@pytest.mark.parametrize(("code", "text"), DETECTED, ids=[c for c, _ in DETECTED])
def test_languages_we_do_not_translate_are_recognised(code: str, text: str) -> None:
    assert detect_language(text).code == code


@pytest.mark.parametrize("text", [
    "Man nav kur gulēt šonakt",  # nowhere to sleep tonight (was Turkish)
    "Es gribu nomirt",  # I want to die (was English: lingua only 0.25 sure)
    "man nav kur gulet sonakt",  # the same typed without diacritics
    "berniem nav ko est majas",  # the children have nothing to eat at home
    "Mans dēls septembrī sāk iet skolā",  # my son starts school in September
    "Kā samaksāt gāzes rēķinu?",  # how do I pay the gas bill
])
def test_short_latvian_is_recognised(text: str) -> None:
    assert detect_language(text).code == "lv"


@pytest.mark.parametrize(("code", "text"), [
    ("lt", "Mano vyras mane muša kiekvieną dieną"),  # Lithuanian, not Latvian
    ("pl", "Mama ma grypę i nie może przyjść"),
    ("en", "man, I need to sort my council tax out"),
])
def test_latvian_words_do_not_pull_in_other_languages(code: str, text: str) -> None:
    assert detect_language(text).code == code


@pytest.mark.parametrize(("code", "text"), [
    ("so", "Waxaan rabaa inaan la hadlo qof ka tirsan golaha degaanka"),
    ("pl", "Chciałabym zapytać o odbiór śmieci w tym tygodniu"),
    ("pt", "Queria saber quando vão recolher o lixo na minha rua"),
    ("fa", "می‌خواهم درباره مالیات شورا سؤال کنم"),
    ("ar", "أريد أن أسأل عن ضريبة المجلس"),
    ("ti", "ብዛዕባ ገዛይ ሕቶ ኣሎኒ"),
    ("en", "my bins have not been collected for two weeks"),
    ("en", "can I speak to someone about my housing benefit please"),
])
def test_our_languages_are_not_taken_for_another(code: str, text: str) -> None:
    assert detect_language(text).code == code


def test_a_script_we_cannot_place_is_unknown_not_english() -> None:
    guess = detect_language("ჩემი ქმარი მცემს, დამეხმარეთ")  # Georgian: my husband beats me
    assert guess.code == UNKNOWN and guess.by == "script"
    assert detect_language("🙂🙂", previous="ur").code == "ur"  # no letters: keeps the language


def test_a_short_word_we_are_unsure_of_keeps_the_conversations_language() -> None:
    guess = detect_language("да", previous="uk")  # "yes" in Russian; Ukrainian says "так"
    assert (guess.code, guess.by) == ("uk", "kept")
    assert detect_language("好的", previous="en").code == "zh"  # sure, even though short


def test_amharic_is_told_from_tigrinya_by_its_own_words() -> None:
    assert detect_language("እባክዎ እርዳታ እፈልጋለሁ").code == "am"  # please, I need help
    assert detect_language("ሰብኣየይ ይወቕዓኒ ኣሎ").code == "ti"


def test_the_conversation_keeps_a_recognised_language() -> None:
    assert conversation_language({"code": "ur", "by": "script"}, None) == "ur"
    assert conversation_language({"code": "en", "by": "default"}, "zh") == "zh"
    assert conversation_language({"code": "und", "by": "script"}, "en") == UNKNOWN
    assert conversation_language({"code": "xx", "by": "detector"}, "ru") == "ru"


def test_every_recognised_language_has_names_for_staff() -> None:
    for code in OTHER_CODES:
        assert english_name(code) and own_name(code), code
    assert english_name(UNKNOWN) and english_name("am") == "Amharic"


# ---- the safety lexicons for languages we do not translate -----------------------------------

POSITIVES = [
    ("ur", "میرا شوہر روز مجھے مارتا ہے", C.DOMESTIC_ABUSE),  # my husband hits me every day
    ("ur", "ab main khudkushi ke bare mein sochti hoon", C.SELF_HARM),  # I think of suicide
    ("ur", "gas ki boo aa rahi hai kitchen mein", C.GAS_LEAK),  # smell of gas in the kitchen
    ("hi", "मेरे पति ने कहा कि वो मुझे मारता रहेगा", C.DOMESTIC_ABUSE),  # he will keep hitting me
    ("hi", "कभी कभी लगता है आत्महत्या कर लूं", C.SELF_HARM),  # I feel like killing myself
    ("pa", "ਮੇਰਾ ਘਰਵਾਲਾ ਮੈਨੂੰ ਕੁੱਟਦਾ ਹੈ", C.DOMESTIC_ABUSE),  # my husband beats me
    ("pa", "ਅੱਜ ਰਾਤ ਸੌਣ ਦੀ ਜਗ੍ਹਾ ਨਹੀਂ ਹੈ", C.HOMELESS_TONIGHT),  # nowhere to sleep tonight
    ("gu", "મારા ઘરમાં ગેસની ગંધ આવે છે", C.GAS_LEAK),  # smell of gas in my home
    ("gu", "મને લાગે છે કે હું આત્મહત્યા કરી લઈશ", C.SELF_HARM),  # I think I will kill myself
    ("zh", "我老公喝醉了就打我", C.DOMESTIC_ABUSE),  # my husband hits me when drunk
    ("zh", "我真的不想活了", C.SELF_HARM),  # I really don't want to live
    ("zh", "房东今天把我们赶出来了，晚上没地方睡", C.HOMELESS_TONIGHT),  # evicted, nowhere
    ("ru", "Муж опять бьёт меня, я прячусь у соседки", C.DOMESTIC_ABUSE),  # hiding at neighbour's
    ("ru", "На лестнице сильно пахнет газом", C.GAS_LEAK),  # strong gas smell on the stairs
    ("ru", "Нам сегодня негде ночевать с детьми", C.HOMELESS_TONIGHT),  # nowhere to stay tonight
    ("uk", "Я більше не хочу жити", C.SELF_HARM),  # I don't want to live any more
    ("uk", "Сусід б'є дитину, чути крики", C.SAFEGUARDING),  # neighbour beats a child
    ("lt", "Mane vėl muša, bijau grįžti namo", C.DOMESTIC_ABUSE),  # beaten again, afraid
    ("lt", "Laiptinėje kvepia dujomis", C.GAS_LEAK),  # smells of gas in the stairwell
    ("lt", "Šiąnakt neturiu kur miegoti", C.HOMELESS_TONIGHT),  # nowhere to sleep tonight
]
NEGATIVES = [
    ("ur", "مجھے اپنے گیس کا بل ادا کرنا ہے"),  # I need to pay my gas bill
    ("ur", "mujhe council tax ke bare mein poochna hai"),  # I want to ask about council tax
    ("hi", "मेरा कूड़ा कब उठाया जाएगा"),  # when will my rubbish be collected
    ("pa", "ਲਾਇਬ੍ਰੇਰੀ ਕਦੋਂ ਖੁੱਲ੍ਹੇਗੀ"),  # when will the library open
    ("gu", "મારે પાર્કિંગ પરમિટ જોઈએ છે"),  # I need a parking permit
    ("zh", "请打我电话，我的号码是07700900123"),  # please call me (打我电话), not "hit me"
    ("zh", "烟雾报警器坏了，可以来修吗"),  # the smoke alarm (报警器) is broken
    ("ru", "Когда придёт счёт за газ?"),  # when does the gas bill come
    ("ru", "Мы не в опасности, просто вопрос про парковку"),  # not in danger, parking question
    ("uk", "Коли заберуть сміття з нашої вулиці?"),  # bins from our street
    ("lt", "Kada išveš šiukšles iš mūsų gatvės?"),  # bins from our street
    ("lt", "Aš nesu pavojuje, tik klausiu apie mokestį"),  # not in danger, asking about tax
]


@pytest.mark.parametrize(("language", "text", "category"), POSITIVES,
                         ids=[f"{lang}-{i}" for i, (lang, _, _) in enumerate(POSITIVES)])
def test_urgent_disclosures_are_caught(language: str, text: str, category: C) -> None:
    found = detect_risk_in_lexicons(text)
    assert found is not None and found.category is category, found


@pytest.mark.parametrize(("language", "text"), NEGATIVES,
                         ids=[f"{lang}-{i}" for i, (lang, _) in enumerate(NEGATIVES)])
def test_ordinary_questions_are_not(language: str, text: str) -> None:
    assert detect_risk_in_lexicons(text) is None


# ---- the dialogue --------------------------------------------------------------------------


def test_urgent_disclosure_in_urdu_gets_emergency_numbers_in_english_and_a_case(session) -> None:
    urdu = ctx("میرا شوہر مجھے مارتا ہے", "urgent_help", language="ur",
               entities={"urgent_category": ["domestic_abuse"]})
    outcome = finish_turn(session, urdu, urgent_turn(session, urdu))
    said = texts(outcome)
    assert "999" in said and "55" in said and "0808 2000 247" in said
    assert message("advice.domestic_abuse", "en").split(".")[0] in said  # plain English
    assert "tell us your language" in said
    case = open_case_for(session, "c1")
    assert case.priority == "urgent" and case.language == "ur"
    assert case.interpreter_language == "Urdu"
    assert outcome.slots["language"] == "ur"


def test_a_possible_disclosure_we_cannot_read_is_not_met_with_an_english_question(
    session,
) -> None:
    """Only the classifier, unsure: an English resident is asked one safety question; someone
    writing Russian gets the urgent route at once (they may not read the question)."""
    russian = ctx("мне очень плохо дома, помогите", "urgent_help", language="ru",
                  intent_confidence=0.35)
    outcome = urgent_turn(session, russian)
    assert SAFETY_QUESTION not in texts(outcome) and "999" in texts(outcome)
    assert open_case_for(session, "c1").priority == "urgent"


@pytest.mark.parametrize("code", ["zh", "ur", "lt", UNKNOWN])
def test_not_understood_gets_the_emergency_line_and_interpreter_never_a_menu(
    session, code: str
) -> None:
    for turn, intent in ((fallback_turn, "nlu_fallback"), (out_of_scope_turn, "out_of_scope")):
        outcome = turn(session, ctx("……", intent, language=code))
        assert texts(outcome) == NOT_UNDERSTOOD_OTHER
        assert "999" in NOT_UNDERSTOOD_OTHER and "55" in NOT_UNDERSTOOD_OTHER
        payloads = [b["payload"] for b in outcome.messages[0].buttons]
        assert payloads == ["/human_request", "/deny"]


def test_interpreter_call_back_records_the_language_or_that_we_must_ask(session) -> None:
    chinese = ctx("我想找人帮忙", "human_request", language="zh")
    opened = finish_turn(session, chinese, start_case_turn(session, chinese))
    assert texts(opened) == INTERPRETER_OTHER
    case = open_case_for(session, "c1")
    assert (case.language, case.interpreter_language) == ("zh", "Chinese")
    unknown = ctx("ჩემი სახლი", "human_request", language=UNKNOWN, conversation="c2")
    finish_turn(session, unknown, start_case_turn(session, unknown))
    case = open_case_for(session, "c2")
    assert case.language == UNKNOWN and case.interpreter_language == ASK_LANGUAGE


def test_a_status_answer_is_introduced_with_the_interpreter_offer(session) -> None:
    german = ctx("Ist die Bibliothek offen?", "service_status", language="de",
                 entities={"service": ["libraries"]})
    outcome = finish_turn(session, german, service_status_turn(session, german))
    assert outcome.messages[0].text == message("status_intro", "en")
    assert outcome.slots["language"] == "de"


# ---- the NLU component --------------------------------------------------------------------


def test_a_message_in_a_script_we_cannot_read_is_not_understood_unless_urgent(tmp_path) -> None:
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.shared.nlu.training_data.message import Message

    from bot.nlu.language import LanguageTagger

    tagger = LanguageTagger.create({}, LocalModelStorage(tmp_path), Resource("lang"),
                                   ExecutionContext(GraphSchema({}), "test"))

    def parsed(text: str, intent: str) -> Message:
        message = Message(data={"text": text, "intent": {"name": intent, "confidence": 0.6},
                                "intent_ranking": [{"name": intent, "confidence": 0.6}]})
        tagger.process([message])
        return message

    georgian = parsed("გამარჯობა, მინდა ვიკითხო", "thanks")  # hello, I want to ask
    assert georgian.get("language")["code"] == UNKNOWN
    assert georgian.get("intent")["name"] == "nlu_fallback"
    assert georgian.get("intent_ranking")[1]["name"] == "thanks"  # the guess kept for logs
    assert parsed("დამეხმარეთ", "urgent_help").get("intent")["name"] == "urgent_help"
    assert parsed("我想问一下", "thanks").get("intent")["name"] == "thanks"  # Chinese: read
    assert parsed("/affirm", "affirm").get("intent")["name"] == "affirm"  # a button


TAGALOG_AMHARIC = [
    ("Lagi akong sinasaktan ng asawa ko kapag lasing", C.DOMESTIC_ABUSE),  # hits me when drunk
    ("Pinalayas kami ng landlord, wala kaming matutulugan mamaya", C.HOMELESS_TONIGHT),
    ("ባሌ ሁልጊዜ ይመታኛል", C.DOMESTIC_ABUSE),  # my husband always hits me
    ("ዛሬ ማታ የምተኛበት ቦታ የለኝም", C.HOMELESS_TONIGHT),  # nowhere to sleep tonight
]


@pytest.mark.parametrize(("text", "category"), TAGALOG_AMHARIC)
def test_tagalog_and_amharic_disclosures_are_caught(text: str, category: C) -> None:
    found = detect_risk_in_lexicons(text)
    assert found is not None and found.category is category, found
    assert detect_risk_in_lexicons("Paano ako magbabayad ng council tax?") is None
    assert detect_risk_in_lexicons("የቤት ኪራይ እንዴት እከፍላለሁ?") is None  # how do I pay rent
