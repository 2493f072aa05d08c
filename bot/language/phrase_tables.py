"""Per-language phrase tables ({language: (regex, ...)}) compiled into one pattern.

Shared by the abuse and offline phrase lists so every table is matched the same way: NFC on
the patterns (Bengali "ড়" can be written composed or as two code points), case ignored.
"""

from __future__ import annotations

import re
import unicodedata


def compile_phrases(table: dict[str, tuple[str, ...]]) -> re.Pattern[str]:
    return re.compile(unicodedata.normalize("NFC", "|".join(
        p for patterns in table.values() for p in patterns)), re.IGNORECASE)
