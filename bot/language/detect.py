"""Which language a resident's message is in, offline, for short chat and SMS messages.

Lingua (lingua-language-detector, Apache-2.0, models inside the wheel) restricted to English and
the main languages of the three boroughs other than Tigrinya, which no detector knows: Ge'ez
script is taken as Tigrinya (Amharic speakers are far fewer here), Bengali script as Bengali.
Very short messages ("ok", "hello", "no", a postcode) are where detectors guess, so a message
of fewer than three words keeps the conversation's language unless the detector is sure, and
words every language borrows from English never switch it.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from typing import Any

ENGLISH = "en"
_LINGUA_CODES = ("en", "ar", "es", "pt", "pl", "fr", "it", "bn", "so", "fa", "ro", "tr")
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
    global _detector
    if _detector is None:
        with _lock:
            if _detector is None:
                from lingua import IsoCode639_1, LanguageDetectorBuilder

                codes = [getattr(IsoCode639_1, code.upper()) for code in _LINGUA_CODES]
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


def _detect(text: str) -> tuple[str, float]:
    values = _get_detector().compute_language_confidence_values(text)
    if not values:
        return ENGLISH, 0.0
    top = values[0]
    return top.language.iso_code_639_1.name.lower(), float(top.value)


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
        return LanguageGuess("ti", 1.0, "script")
    if counts["bengali"] * 2 >= letters:
        return LanguageGuess("bn", 1.0, "script")
    if counts["arabic"] * 2 >= letters:
        arabic_only = "".join(ch for ch in text if not ("a" <= ch.lower() <= "z"))
        code, confidence = _detect(arabic_only)
        if code not in ("ar", "fa"):
            code, confidence = "ar", 0.5
        return LanguageGuess(code, confidence, "script")
    words = [w.lower() for w in _WORD.findall(text)]
    content = [w for w in words if w not in _NEUTRAL]
    if not content:
        return LanguageGuess(kept, 1.0, how)
    code, confidence = _detect(text)
    short = len(words) < 3
    if short and confidence < _SURE or confidence < _LIKELY:
        return LanguageGuess(kept, confidence, how)
    return LanguageGuess(code, confidence, "detector")
