"""Names of the languages residents write in: each language's own name and its English name.

Staff read the English name to book an interpreter; the resident's own name ("Polski") is what
they would recognise. The translation file's `name` (bot.language.language_name) wins for the
own name; the table below covers a language whose file is not written yet. A code outside the
table, or not shaped like an ISO 639-1 code, is shown as it is.
"""

from __future__ import annotations

import re

from bot.language.messages import language_name

ENGLISH_NAMES: dict[str, str] = {
    "en": "English",
    "ar": "Arabic",
    "es": "Spanish",
    "pt": "Portuguese",
    "pl": "Polish",
    "fr": "French",
    "it": "Italian",
    "bn": "Bengali",
    "so": "Somali",
    "fa": "Persian (Farsi)",
    "ro": "Romanian",
    "tr": "Turkish",
    "ti": "Tigrinya",
}

OWN_NAMES: dict[str, str] = {
    "en": "English",
    "ar": "العربية",
    "es": "Español",
    "pt": "Português",
    "pl": "Polski",
    "fr": "Français",
    "it": "Italiano",
    "bn": "বাংলা",
    "so": "Soomaali",
    "fa": "فارسی",
    "ro": "Română",
    "tr": "Türkçe",
    "ti": "ትግርኛ",
}

# Recognised but not translated (bot.language.detect.OTHER_CODES, Amharic, "und", and a few
# a resident or staff may name, e.g. Tamil, Korean): named for
# staff booking an interpreter; kept apart from the tables above, which list the languages we
# translate (one service vocabulary and one translation file each).
OTHER_ENGLISH_NAMES: dict[str, str] = {
    "ur": "Urdu", "pa": "Punjabi", "gu": "Gujarati", "hi": "Hindi", "ta": "Tamil",
    "zh": "Chinese", "ja": "Japanese", "ko": "Korean", "ru": "Russian", "uk": "Ukrainian",
    "bg": "Bulgarian", "el": "Greek", "de": "German", "tl": "Tagalog", "lt": "Lithuanian",
    "lv": "Latvian", "sq": "Albanian", "hu": "Hungarian", "vi": "Vietnamese", "am": "Amharic",
    "und": "Unknown language",
}
OTHER_OWN_NAMES: dict[str, str] = {
    "ur": "اردو", "pa": "ਪੰਜਾਬੀ", "gu": "ગુજરાતી", "hi": "हिन्दी", "ta": "தமிழ்", "zh": "中文",
    "ja": "日本語", "ko": "한국어", "ru": "Русский", "uk": "Українська", "bg": "Български",
    "el": "Ελληνικά", "de": "Deutsch", "tl": "Tagalog", "lt": "Lietuvių", "lv": "Latviešu",
    "sq": "Shqip", "hu": "Magyar", "vi": "Tiếng Việt", "am": "አማርኛ",
}

_CODE = re.compile(r"[a-z]{2,3}")


def normalise_code(code: str | None) -> str | None:
    """'PL', ' pl ', 'pl-PL' -> 'pl'; None for empty or anything not shaped like a code."""
    if not code:
        return None
    base = re.split(r"[-_]", code.strip().lower(), maxsplit=1)[0]
    return base if _CODE.fullmatch(base) else None


def english_name(code: str | None) -> str | None:
    """'Polish' for 'pl'; None when the language is not one we know."""
    base = normalise_code(code)
    if not base:
        return None
    return ENGLISH_NAMES.get(base) or OTHER_ENGLISH_NAMES.get(base)


def own_name(code: str | None) -> str | None:
    """'Polski' for 'pl': the translation file's name, else the table's; None if unknown."""
    base = normalise_code(code)
    if base is None:
        return None
    named = language_name(base)  # only ever called with a checked code (it names a file)
    if named and named != base:
        return named
    return OWN_NAMES.get(base) or OTHER_OWN_NAMES.get(base)
