""""I have no internet" and "only a landline" in the 12 languages other than English.

A resident who writes in Polish or Arabic that they have no internet must not be sent to a
website any more than one who writes in English (bot/services/landline.py holds the English
patterns and what happens next). Each language lists a few plain ways of saying it: "I don't
have (the) internet / a computer / a smartphone", "without internet", "only a landline".
Accents are optional where residents often drop them. Not reviewed by native speakers yet,
like the other language files (issue #13).
"""

from __future__ import annotations

import re

from bot.language.phrase_tables import compile_phrases, normalise

_NO_INTERNET: dict[str, tuple[str, ...]] = {
    "pl": (r"\bnie mam (?:dost[eę]pu do )?(?:internetu|komputera|smartfona|e-?maila)",
           r"\bbez internetu\b"),
    "es": (r"\bno tengo (?:acceso a )?(?:internet|ordenador|computadora|smartphone|correo)",
           r"\bsin internet\b"),
    "pt": (r"\bn[aã]o tenho (?:acesso [aà] )?(?:internet|computador|smartphone|e-?mail)",
           r"\bsem internet\b"),
    "fr": (r"\bje n'?ai pas (?:d'|de l'|acc[eè]s [aà] )?(?:internet|ordinateur|smartphone|e-?mail)",
           r"\bpas d'internet\b", r"\bsans internet\b"),
    "it": (r"\bnon ho (?:accesso a )?(?:internet|il computer|un computer|lo smartphone|"
           r"l'e-?mail)", r"\bsenza internet\b"),
    "ro": (r"\bnu am (?:acces la )?(?:internet|calculator|smartphone|e-?mail)",
           r"\bf[aă]r[aă] internet\b"),
    "tr": (r"\binternet(?:im)? yok\b", r"\binternetim bulunmuyor\b", r"\binternetsiz\b",
           r"\bbilgisayar[ıi]m yok\b"),
    "so": (r"\binternet ma (?:haysto|lihi|haysan)\b", r"\bma haysto internet\b",
           r"\binternet la['’]aan\b"),
    "ar": (r"(?:ليس|ما) (?:لدي|عندي|لديّ) (?:انترنت|إنترنت|اي انترنت|أي إنترنت|كمبيوتر)",
           r"لا (?:يوجد|أملك|املك) (?:لدي |عندي )?(?:انترنت|إنترنت)", r"بدون (?:انترنت|إنترنت)"),
    "fa": (r"اینترنت ندارم", r"بدون اینترنت", r"کامپیوتر ندارم"),
    "bn": (r"ইন্টারনেট নেই", r"ইন্টারনেট ছাড়া"),
    "ti": (r"ኢንተርነት የብለይን", r"ኢንተርነት የለን", r"ኢንተርነት የብልናን"),
}
_LANDLINE_ONLY: dict[str, tuple[str, ...]] = {
    "pl": (r"\btelefon(?:u)? stacjonarn",),
    "es": (r"\btel[eé]fono fijo\b",),
    "pt": (r"\btelefone fixo\b",),
    "fr": (r"\bt[eé]l[eé]phone fixe\b", r"\bligne fixe\b"),
    "it": (r"\btelefono fisso\b",),
    "ro": (r"\btelefon(?:ul)? fix\b",),
    "tr": (r"\b(?:sabit|ev) telefonu?\b",),
    "so": (r"\btelefoonka guriga\b", r"\btelefoon guri\b"),
    "ar": (r"هاتف (?:أرضي|ارضي)", r"تلفون (?:أرضي|ارضي)"),
    "fa": (r"تلفن ثابت", r"تلفن خانه"),
    "bn": (r"ল্যান্ডলাইন", r"বাড়ির ফোন"),
    "ti": (r"ናይ ገዛ ተሌፎን", r"ናይ ገዛ ስልኪ"),
}
_ONLY = (r"\b(?:tylko|jedynie|s[oó]lo|solamente|s[oó]|seulement|juste|uniquement|solo|doar|"
         r"sadece|yaln[ıi]zca|kaliya|keliya)\b|فقط|শুধু|ጥራይ")


NO_INTERNET = compile_phrases(_NO_INTERNET)
LANDLINE = compile_phrases(_LANDLINE_ONLY)
ONLY = re.compile(normalise(_ONLY), re.IGNORECASE)


def says_offline_other_language(text: str) -> bool:
    """No internet, or only a landline ("only" and a landline word in one message), however
    the phone encoded its accents (NFC first, as the abuse phrases)."""
    text = normalise(text)
    return bool(NO_INTERNET.search(text) or (LANDLINE.search(text) and ONLY.search(text)))


def mentions_landline(text: str) -> bool:
    return bool(LANDLINE.search(normalise(text)))
