"""Undo the disguises that hid an urgent disclosure from the English rules (red team, #15).

The English matcher works on spaCy tokens, so one invisible character inside a word split or
changed it: "some\u200bone is hit\u200bting me" (zero-width spaces, as some apps paste them),
"I want to k\u00adill myself" (a soft hyphen), "I want to ki\u0301ll myself" (a combining
accent) and "I want to k\u0456ll myself" (a Cyrillic "i") were all answered as ordinary
questions, with no emergency numbers. Before matching, `unmask`:

- drops every format character (Unicode category Cf: zero-width space/joiner/non-joiner,
  soft hyphen, word joiner, byte-order mark, bidi controls, tag characters);
- applies NFKD and drops combining marks from Latin letters (so full-width letters and
  ligatures become plain letters, and "kíll" becomes "kill"), then recomposes (NFC);
- inside a word that mixes Latin letters with Cyrillic or Greek look-alikes, maps the
  look-alikes to the Latin letters they imitate. A word written wholly in another script is
  left alone: Russian or Greek text is not rewritten.

Only the rules see the unmasked text; what the resident wrote is stored and shown unchanged.
"""

from __future__ import annotations

import re
import unicodedata

# Cyrillic and Greek letters that render like a Latin letter in common fonts.
LOOKALIKES: dict[str, str] = {
    # Cyrillic
    "а": "a", "е": "e", "ё": "e", "к": "k", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x",
    "і": "i", "ї": "i", "ј": "j", "ѕ": "s", "ӏ": "l",
    "ԁ": "d", "ԛ": "q", "ԝ": "w", "һ": "h", "ү": "y",
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
    "Т": "T", "У": "Y", "Х": "X", "І": "I", "Ј": "J", "Ѕ": "S", "Ӏ": "I",
    # Greek
    "α": "a", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "υ": "u", "χ": "x",
    "γ": "y",
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N",
    "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
}
_WORD = re.compile(r"\w+")
_LATIN = re.compile(r"[A-Za-z]")


def _drop_format_and_marks(text: str) -> str:
    """Format characters go; combining marks go only from Latin letters (Cyrillic "й" or
    Devanagari vowel signs are spelling, not disguise)."""
    kept: list[str] = []
    base = ""
    for char in unicodedata.normalize("NFKD", text):
        category = unicodedata.category(char)
        if category == "Cf":
            continue
        if category in ("Mn", "Me"):
            if base.isascii() and base.isalpha():
                continue
        else:
            base = char
        kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept))


def _latin_word(match: re.Match[str]) -> str:
    word = match.group(0)
    if not _LATIN.search(word) or not any(char in LOOKALIKES for char in word):
        return word
    return "".join(LOOKALIKES.get(char, char) for char in word)


def unmask(text: str) -> str:
    """`text` as the English rules should read it (see the module docstring)."""
    if text.isascii():
        return text  # nothing to undo: the common case costs one check
    return _WORD.sub(_latin_word, _drop_format_and_marks(text))
