"""Undo the disguises that hid an urgent disclosure from the English rules (red team, #15).

The English matcher works on spaCy tokens, so one invisible character inside a word split or
changed it: "some\u200bone is hit\u200bting me" (zero-width spaces, as some apps paste them),
"I want to k\u00adill myself" (a soft hyphen), "I want to ki\u0301ll myself" (a combining
accent) and "I want to k\u0456ll myself" (a Cyrillic "i") were all answered as ordinary
questions, with no emergency numbers. Before matching, `unmask`:

- drops every format character (Unicode category Cf: zero-width space/joiner/non-joiner,
  soft hyphen, word joiner, byte-order mark, bidi controls, tag characters);
- decomposes (NFD) and drops combining marks from Latin letters ("kíll" becomes "kill"),
  turns full-width letters into plain ones, then recomposes (NFC). Not NFKD: one character
  can decompose into 18 (U+FDFA), and 2,000 of them made the rules read 36,000 characters
  (0.4 s of event loop for one message);
- inside a word that mixes Latin letters with Cyrillic or Greek look-alikes, maps the
  look-alikes to the Latin letters they imitate. A word written wholly in another script is
  left alone: Russian or Greek text is not rewritten.

It also cuts long runs of symbols, which cost the rules' tokenizer quadratic time (below).
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
# spaCy's tokenizer peels prefix and suffix symbols off a token one at a time, re-searching
# each time: a run of them costs quadratic time. 2,000 "$" took 1.2 s, 2,000 emoji 0.8 s,
# "!" 0.6 s, on the event loop every resident shares (red team, RT-6). No rule needs more
# than a few symbols in a row, so a run is cut to MAX_SYMBOL_RUN before the rules read it.
MAX_SYMBOL_RUN = 8
_SYMBOL_RUN = re.compile(r"[^\w\s]{%d,}" % (MAX_SYMBOL_RUN + 1))
_LATIN = re.compile(r"[A-Za-z]")


def _drop_format_and_marks(text: str) -> str:
    """Format characters go; combining marks go only from Latin letters (Cyrillic "й" or
    Devanagari vowel signs are spelling, not disguise)."""
    kept: list[str] = []
    base = ""
    for char in unicodedata.normalize("NFD", text):
        if "\uff01" <= char <= "\uff5e":  # full-width ASCII
            char = chr(ord(char) - 0xFEE0)
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
    text = _SYMBOL_RUN.sub(lambda match: match.group(0)[:MAX_SYMBOL_RUN], text)
    if text.isascii():
        return text  # nothing else to undo: the common case costs one check
    return _WORD.sub(_latin_word, _drop_format_and_marks(text))
