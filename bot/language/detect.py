"""Which language a resident's message is in, offline, for short chat and SMS messages.

Lingua (lingua-language-detector, Apache-2.0, models inside the wheel) restricted to English and
the main languages of the three boroughs other than Tigrinya, which no detector knows: Ge'ez
script is taken as Tigrinya unless Amharic's own words show (Amharic speakers are fewer here),
Bengali script as Bengali.
Very short messages ("ok", "hello", "no", a postcode) are where detectors guess, so a message
of fewer than three words keeps the conversation's language unless the detector is sure, and
words every language borrows from English never switch it.

Residents also write in languages we have no translations for (Urdu, Punjabi, Gujarati, Hindi,
Chinese, Russian, Lithuanian, German, Tagalog...). A detector restricted to our 12 would call
Urdu Farsi and Lithuanian Somali, and the reply would come in a language the resident may not
read. So the detector also knows `OTHER_CODES`: a script only they use (Devanagari, Cyrillic,
Han...) is decided among them, and a Latin-script message switches to one of them only when the
detector is very sure. Urdu written in Latin letters ("mujhe madad chahiye") is recognised by
its everyday words, which no detector knows. Letters in a script none of these use give
`UNKNOWN` ("und", ISO 639-2 "undetermined"): we cannot tell which language, only that it is not
English. Replies in these languages are in plain English (bot.services.language_turns).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from typing import Any

ENGLISH = "en"
_LINGUA_CODES = ("en", "ar", "es", "pt", "pl", "fr", "it", "bn", "so", "fa", "ro", "tr")
# Recognised, not translated: common main languages of London residents (Census 2021) that
# lingua knows. Each costs memory (~12 MB) and time, hence not all 75: a script only other
# languages use (Tamil, Korean, Greek...) is "und", answered as not understood.
OTHER_CODES = ("ur", "pa", "gu", "hi", "zh", "ru", "uk",  # scripts of their own
               "de", "tl", "lt", "sq", "vi", "hu", "lv")  # Latin script
AMHARIC = "am"  # Ge'ez script, no detector: told from Tigrinya by its own words
UNKNOWN = "und"  # letters of a script we cannot place
_OTHER_SURE = 0.8  # a Latin-script message is taken as one of OTHER_CODES only this sure
_SURE = 0.9  # a short message switches language only when the detector is this sure
_LIKELY = 0.5
_MAX_CHARS = 2000
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# Words residents of any language use inside English, or that are English-only in practice.
_NEUTRAL = frozenset(
    "ok okay hi hello hey yes no thanks thank you bye please help sms stop start council tax "
    "bin bins wifi email online app website".split()
)


@dataclass(frozen=True)
class LanguageGuess:
    code: str  # ISO 639-1
    confidence: float
    by: str  # "script", "detector", "kept" (conversation's language), "default"


_detector: Any = None
_lock = threading.Lock()


def _get_detector() -> Any:
    """One lingua detector for our 12, English and OTHER_CODES (a second, restricted one would
    load the same models again: ~130 MB)."""
    global _detector
    if _detector is None:
        with _lock:
            if _detector is None:
                from lingua import IsoCode639_1, LanguageDetectorBuilder

                codes = [getattr(IsoCode639_1, code.upper())
                         for code in _LINGUA_CODES + OTHER_CODES]
                _detector = LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()
    return _detector


def warm_up() -> None:
    """Load the detector's models now (server start), not on a resident's first message."""
    _get_detector().compute_language_confidence_values("warm up the models")


def _script_counts(text: str) -> dict[str, int]:
    counts = {"arabic": 0, "bengali": 0, "ethiopic": 0, "latin": 0, "other": 0}
    for char in text:
        if not char.isalpha():
            continue
        point = ord(char)
        if 0x0600 <= point <= 0x06FF or 0x0750 <= point <= 0x077F or 0xFB50 <= point <= 0xFEFF:
            counts["arabic"] += 1
        elif 0x0980 <= point <= 0x09FF:
            counts["bengali"] += 1
        elif 0x1200 <= point <= 0x139F or 0x2D80 <= point <= 0x2DDF or 0xAB00 <= point <= 0xAB2F:
            counts["ethiopic"] += 1
        elif unicodedata.name(char, "").startswith("LATIN"):
            counts["latin"] += 1
        else:
            counts["other"] += 1
    return counts


def _ranked(text: str) -> list[tuple[str, float]]:
    """Every language the detector knows with its confidence, for one text."""
    values = _get_detector().compute_language_confidence_values(text)
    return [(value.language.iso_code_639_1.name.lower(), float(value.value)) for value in values]


def _best(pairs: list[tuple[str, float]], wide: bool = False) -> tuple[str, float]:
    """The likeliest language: among all (`wide`), or among our 12 and English only, their
    confidences shared out again among them."""
    if not wide:
        pairs = [(code, value) for code, value in pairs if code in _LINGUA_CODES]
        total = sum(value for _, value in pairs)
        pairs = [(code, value / total) for code, value in pairs] if total > 0 else []
    if not pairs:
        return ENGLISH, 0.0
    return max(pairs, key=lambda pair: pair[1])


def _detect(text: str, wide: bool = False) -> tuple[str, float]:
    return _best(_ranked(text), wide)


def detect_language(text: str, previous: str | None = None) -> LanguageGuess:
    """The language of `text`; `previous` is the conversation's language so far, if known."""
    kept = previous or ENGLISH
    how = "kept" if previous else "default"
    text = (text or "")[:_MAX_CHARS]
    if text.startswith("/"):  # a button payload, not words
        return LanguageGuess(kept, 1.0, how)
    counts = _script_counts(text)
    letters = sum(counts.values())
    if not letters:
        return LanguageGuess(kept, 1.0, how)
    if counts["ethiopic"] * 2 >= letters:
        return LanguageGuess(_ethiopic_language(text), 1.0, "script")
    if counts["bengali"] * 2 >= letters:
        return LanguageGuess("bn", 1.0, "script")
    if counts["arabic"] * 2 >= letters:
        return _arabic_script(text)
    if counts["other"] * 2 >= letters:
        return _other_script(text, LanguageGuess(kept, 1.0, how))
    words = [w.lower() for w in _WORD.findall(text)]
    content = [w for w in words if w not in _NEUTRAL]
    if not content:
        return LanguageGuess(kept, 1.0, how)
    if _roman_urdu(words):
        return LanguageGuess("ur", 0.6, "detector")
    short = len(words) < 3
    ranked = _ranked(text)
    other, other_confidence = _best(ranked, wide=True)
    if other in OTHER_CODES and other_confidence >= _OTHER_SURE and not short:
        return LanguageGuess(other, other_confidence, "detector")
    if other == "lv" and not short and _latvian(text, words):
        return LanguageGuess("lv", other_confidence, "detector")
    code, confidence = _best(ranked)
    if short and confidence < _SURE or confidence < _LIKELY:
        return LanguageGuess(kept, confidence, how)
    return LanguageGuess(code, confidence, "detector")


# Letters Urdu (and Punjabi in Shahmukhi) use that Arabic and Farsi do not.
_URDU_LETTERS = frozenset("ٹڈڑںےۓ")


def _arabic_script(text: str) -> LanguageGuess:
    """Arabic, Farsi or Urdu: the letters only Urdu uses, else the detector among the three."""
    arabic_only = "".join(ch for ch in text if not ("a" <= ch.lower() <= "z"))
    if sum(ch in _URDU_LETTERS for ch in arabic_only) >= 2:
        return LanguageGuess("ur", 1.0, "script")
    ranked = _ranked(arabic_only)
    code, confidence = _best(ranked, wide=True)
    if code == "ur" and confidence >= _LIKELY:
        return LanguageGuess("ur", confidence, "script")
    code, confidence = _best(ranked)
    if code not in ("ar", "fa"):
        code, confidence = "ar", 0.5
    return LanguageGuess(code, confidence, "script")


def _other_script(text: str, kept: LanguageGuess) -> LanguageGuess:
    """Devanagari, Gurmukhi, Cyrillic, Han...: one of OTHER_CODES, or `UNKNOWN` (never English:
    the resident plainly does not write English). A short word the detector is unsure of ("да",
    "так": Russian or Ukrainian?) keeps the conversation's language."""
    code, confidence = _detect(text, wide=True)
    if code not in OTHER_CODES or confidence <= 0:
        return LanguageGuess(UNKNOWN, 1.0, "script")
    if len(_WORD.findall(text)) < 3 and confidence < _SURE:
        return LanguageGuess(kept.code, confidence, kept.by)
    return LanguageGuess(code, confidence, "script")


# Everyday words of Urdu (and Hindi) typed in Latin letters that are not words of English or of
# our 12 languages; two different ones in a message of three words or more make it Urdu.
_ROMAN_URDU = frozenset(
    "hai hain hoon hun mujhe mujhay mujh mera meri mere humara hamara hamari nahi nahin naheen "
    "kya kyun kyon kab kaise kaisay kahan karna karni karo karein chahta chahti chahiye chahta "
    "raha rahi rahe gaya gayi jayega jaega jaye aur bhi aap apna apni apne ghar paise paisay "
    "kuch koi madad sakta sakti bahut bohat mein bacha bachay bachche shohar biwi maarta "
    "marta maar maarti khudkushi mar jana jaana dar lagta lagti wala wali".split()
) - {"main", "mar", "dar", "bhi"}


def _roman_urdu(words: list[str]) -> bool:
    found = {word for word in words if word in _ROMAN_URDU}
    return len(words) >= 3 and len(found) >= 2


# Latvian's long vowels and softened consonants, which Lithuanian and our 12 do not use, and
# everyday Latvian words (written without diacritics, as many type them) that are not words of
# English or of our 12. Lingua ranks a short Latvian message first but often below 0.8 ("Man nav
# kur gulēt šonakt" was Turkish, "Es gribu nomirt" English): when Latvian is its first choice,
# two such letters or two such words make the message Latvian.
_LATVIAN_LETTERS = frozenset("āēīģķļņ")
_LATVIAN_WORDS = frozenset(
    "gribu gribetu negribu nevaru nevar vajag ludzu paldies labdien sveiki sodien sonakt mums "
    "manu mans vins vina vinam vinai esmu esam virs sieva berns berni bernam berniem majas "
    "dzivoklis dzivokli dzivokla palidziet palidzibu nomirt mirt dzivot gulet naudas apkures "
    "aprupetaja aprupetajs jautajums atkritumi pasvaldibas".split()
)


def _latvian(text: str, words: list[str]) -> bool:
    letters = sum(char in _LATVIAN_LETTERS for char in text.lower())
    plain = {_strip_marks(word) for word in words}
    return letters >= 2 or len(plain & _LATVIAN_WORDS) >= 2


def _strip_marks(word: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", word)
                   if not unicodedata.combining(ch))


# Tigrinya writes "a" as ኣ and has the ቐ and ኸ series; Amharic has neither, and its everyday
# words and first-person endings ("-ለሁ", "ነኝ") are not Tigrinya's.
_TIGRINYA_LETTERS = frozenset("ኣቐቑቒቓቔቕቖቘቚቛቜቝኸኹኺኻኼኽኾዀ")
_AMHARIC_WORDS = frozenset("ነው ነኝ ነች ናቸው እና የለም አለ አለኝ ምን እባክዎ እባካችሁ ውስጥ".split())


def _ethiopic_language(text: str) -> str:
    words = [w for w in _WORD.findall(text)]
    amharic = sum(w in _AMHARIC_WORDS or w.endswith("ለሁ") for w in words)
    tigrinya = sum(ch in _TIGRINYA_LETTERS for ch in text)
    return AMHARIC if amharic > tigrinya else "ti"
