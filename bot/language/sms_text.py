"""A reply in the resident's own script must reach them by SMS in that script.

The SMS channel makes every text GSM-7 (bot.channels.sms_render.to_gsm7): cheaper, and old
handsets show it well. But GSM-7 has no Arabic, Farsi, Bengali or Ge'ez letters and no Polish
"ł" or Turkish "ı"/"ş"; to_gsm7 drops what it cannot show, so an Arabic emergency reply arrived
as ". ." and "tłumaczem" as "tumaczem". Here: when making a text GSM-7 would lose a letter, the
text is sent as it is (UCS-2, 70 characters a segment, 67 in a long message) and cut into parts
of two UCS-2 segments, so each part still arrives whole on an old phone.

Latin letters with no GSM-7 form and no accent to strip ("ł", "ı", "đ", French "œ") are written
as their plain letters first, as Polish and Turkish texters often do themselves: "tlumaczem"
reads fine, and the reply stays GSM-7 at a third of the cost.
"""

from __future__ import annotations

import re

UCS2_PART_UNITS = 2 * 67  # two concatenated UCS-2 segments
_PLAIN_LATIN = str.maketrans({"ł": "l", "Ł": "L", "ı": "i", "đ": "d", "Đ": "D", "ħ": "h",
                              "Ħ": "H", "ŧ": "t", "Ŧ": "T", "ŀ": "l", "Ŀ": "L", "œ": "oe",
                              "Œ": "OE"})


def _letters(text: str) -> int:
    return sum(1 for char in text if char.isalpha())


def sms_body(text: str, gsm_limit: int) -> tuple[str, int]:
    """(text to send, the longest part in septets or UTF-16 units): GSM-7 when that keeps every
    letter, otherwise the text itself in UCS-2 with tidied spaces and line breaks."""
    from bot.channels.sms_render import to_gsm7  # late: the channel imports this module

    plain = (text or "").translate(_PLAIN_LATIN)
    gsm = to_gsm7(plain)
    if _letters(gsm) >= _letters(plain):
        return gsm, gsm_limit
    kept = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    lines = [re.sub(r"[ \t]{2,}", " ", line).strip() for line in kept.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip(), min(gsm_limit, UCS2_PART_UNITS)
