"""Per-language phrase tables ({language: (regex, ...)}) compiled into one pattern.

Shared by the abuse and offline phrase lists so every table is matched the same way: NFC on
the patterns and on the text searched (Bengali "ড়" can be written composed or as two code
points, and some phones send "ã" or "ę" as a letter and a combining mark), case ignored.
"""

from __future__ import annotations

import re
import unicodedata


def compile_phrases(table: dict[str, tuple[str, ...]]) -> re.Pattern[str]:
    return re.compile(normalise("|".join(
        p for patterns in table.values() for p in patterns)), re.IGNORECASE)


def normalise(text: str | None) -> str:
    """`text` in the form the compiled tables are in (NFC), so a decomposed letter matches."""
    return unicodedata.normalize("NFC", text or "")
