"""The answer to "Is it safe for us to call you, or text only, and when?" in the resident's own
language (the question is sent in it: domain.yml's utter_ask_contact_safety has a variation per
language, written from translations/<code>.yml `consent_question`).

Only a clear yes, or asking to be called, counts as consent to call; "no", any mention of
texts, or anything unclear means text only. A wrong "yes" could put a resident at risk from the
person hurting them; a wrong "no" only costs a text instead of a call. The resident's own words
(with any "when") are kept on the case by the caller, so staff read them before they make contact.
English answers are left to the English rules in bot/services/escalation_turns.py.
"""

from __future__ import annotations

# Per language: [yes words, no words, call words, text words]. "*" ends a prefix.
_WORDS: dict[str, tuple[str, str, str, str]] = {
    "es": ("si vale claro puede pueden", "no nunca", "llam*", "mensaje* sms texto whatsapp"),
    "fr": ("oui d'accord ok", "non jamais", "appel* telephon*", "sms message* texto"),
    "it": ("si certo ok", "no mai", "chiam* telefon*", "messagg* sms"),
    "pl": ("tak mozna ok", "nie nigdy", "dzwon* zadzwon* telefon*", "sms* wiadomos* pisac pisz*"),
    "pt": ("sim pode podem ok", "nao nunca", "ligar ligue liguem chamada* telefon*",
           "mensage* sms"),
    "ro": ("da puteti ok", "nu niciodata", "sunat* sunati suna telefon*", "mesaj* sms"),
    "tr": ("evet olur tamam", "hayir hayır asla", "arayin arayın arayabilir* arama telefon*",
           "mesaj* sms"),
    "ar": ("نعم ايوه اه ممكن", "لا ابدا", "اتصال* اتصل* تتصل* اتصلوا", "رسائل* رساله* مسج* sms "
           "واتساب"),
    "fa": ("بله اره اری", "نه هرگز", "زنگ تماس*", "پیامک* پیام* sms"),
    "bn": ("হ্যাঁ হা", "না কখনো", "ফোন*", "মেসেজ* এসএমএস sms"),
    "so": ("haa", "maya", "wac* wici*", "fariin* qoraal sms"),
    "ti": ("እወ", "ኣይፋል ኣይ", "ደውሉ ደወል* ምድዋል", "መልእኽቲ* sms"),
}


def _normalise(text: str) -> list[str]:
    from bot.triage.lexicon import normalise  # late: bot.triage imports bot.language

    return [word.strip("'’.,!?;:()\"¿¡،؟।") for word in normalise(text).split()]


def _has(words: list[str], spec: str) -> bool:
    from bot.triage.lexicon import normalise

    for raw in spec.split():
        prefix = raw.endswith("*")
        entry = normalise(raw.rstrip("*")).strip()
        if not entry:
            continue
        for word in words:
            if word == entry or (prefix and word.startswith(entry)):
                return True
    return False


def consent_in_language(text: str | None, language: str | None) -> dict[str, object]:
    """What a non-English answer to the consent question says: {"safe_to_call": bool} plus
    "preferred_contact": "text" unless calls were clearly allowed; {} for English, for a
    language we have no words for, and for a message that discloses danger (that is a new
    urgent message, not an answer)."""
    if not text or language not in _WORDS or text.startswith("/"):
        return {}
    from bot.triage import detect_risk  # late: bot.triage imports bot.language

    if detect_risk(text):
        return {}
    yes, no, call, texting = _WORDS[language]
    words = _normalise(text)
    # any "no" or any mention of texts ("yes, SMS only", "text, he checks my phone") is text only
    allowed = not _has(words, no) and not _has(words, texting) and (
        _has(words, yes) or _has(words, call))
    if allowed:
        return {"safe_to_call": True}
    return {"safe_to_call": False, "preferred_contact": "text"}
