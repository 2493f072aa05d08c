"""Turn bot replies into texts an old phone shows well, and resident texts back into intents.

Pure functions, no I/O, so every rule is unit-tested. Why each rule exists:

- One character outside the GSM-7 alphabet (a curly quote, an en dash, an emoji) switches the
  whole text to UCS-2, which cuts a segment from 160 to 70 characters and can more than double
  the cost, and some old handsets show it as boxes. `to_gsm7` replaces those characters.
- Long concatenated texts arrive out of order or cut on old phones, so `split_for_sms` makes
  parts of at most `PART_SEPTETS` (306 = two 153-septet segments), broken at sentence
  boundaries, numbered "(1/3)".
- SMS has no buttons: `render_choices` lists them as "Reply 1 for ..., 2 for ...", and
  `choose` maps a reply of "2" (or the exact title) back to that button's payload.
- Keywords: STOP and friends opt out, START/UNSTOP/YES opt back in, HELP/INFO get help, but only
  when the whole text is the keyword ("please stop sending letters" is an ordinary message).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

from bot.language.sms_text import sms_body

# GSM 03.38 default alphabet (without ESC) and the extension table (each costs two septets).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = frozenset("^{}\\[~]|€")
SINGLE_SEGMENT_SEPTETS = 160
MULTIPART_SEGMENT_SEPTETS = 153  # 7 septets go to the concatenation header
UCS2_SINGLE_UNITS = 70
UCS2_MULTIPART_UNITS = 67
PART_SEPTETS = 2 * MULTIPART_SEGMENT_SEPTETS
MAX_INBOUND_CHARS = 1600  # Twilio's own limit for one (concatenated) message

_REPLACEMENTS = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u00b4`", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2022\u00b7\u2043", "-"),
    **dict.fromkeys("\u00a0\u2002\u2003\u2007\u2009\u200a\u202f\u3000\t", " "),
    **dict.fromkeys("\u200b\u200c\u200d\u2060\ufeff\ufe0e\ufe0f", ""),
    "\u2026": "...",
    "\u00d7": "x",
    "\u00f7": "/",
    "\u2044": "/",
    "\u00a9": "(c)",
    "\u00ae": "(R)",
    "\u2122": "TM",
    "\u00b0": " degrees",
    "\u00bd": "1/2",
    "\u00bc": "1/4",
    "\u00be": "3/4",
    "\u2192": "->",
}
# No entry for "ç": GSM-7 has only the capital "Ç", and a capital in the middle of "serviço" or
# "garçon" reads wrong, so "ç" falls to its base letter "c" (NFKD below), as Twilio's smart
# encoding writes it; every accented letter keeps its case that way.
_SENTENCE_END = re.compile(r"(?<=[.!?]) +")

Keyword = Literal["stop", "start", "help"]
_KEYWORDS: dict[str, Keyword] = {
    # Twilio's default opt-out keywords, REVOKE and OPTOUT included (#15.9)
    **dict.fromkeys(("STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE",
                     "OPTOUT"), "stop"),
    **dict.fromkeys(("START", "UNSTOP", "YES"), "start"),
    **dict.fromkeys(("HELP", "INFO"), "help"),
}
_CHOICE_REPLY = re.compile(
    r"^\s*(?:(?:number|no\.?|option|choice)\s*)?#?(\d{1,2})\s*[.)!,]*\s*(?:please|pls)?[.!]*\s*$",
    re.IGNORECASE,
)

MEDIA_REPLY = (
    "Sorry, I can only read text messages, not pictures or files. "
    "Please type your question in a text."
)
EMPTY_REPLY = "Sorry, that message was empty. Please type your question in a text."
TOO_LONG_REPLY = (
    "That message was too long for me to read. Please send it again in shorter parts. "
    "If you are in danger call 999."
)
ERROR_REPLY = (
    "Sorry, something went wrong on our side. Please try again in a few minutes. "
    "Emergencies: 999."
)
INTERRUPTED_REPLY = (
    "Sorry, our system restarted while answering your last text, so we may not have read "
    "it. Please send it again. Emergencies: 999."
)
RESUMED_REPLY = (
    "You will get text replies from the council assistant again. Text your question, "
    "e.g. 'is council tax online working'. Reply STOP to stop."
)
STOP_ONE_HELP = "Texts about one service: reply STOP and its name, e.g. STOP BINS."
GENERIC_HELP = (
    "Council help by text: send your question, e.g. 'is council tax online working'. "
    "Emergencies: 999. Reply STOP to stop texts. " + STOP_ONE_HELP
)


def _replace_char(char: str) -> str:
    if char in GSM7_BASIC or char in GSM7_EXTENDED:
        return char
    if char in _REPLACEMENTS:
        return _REPLACEMENTS[char]
    decomposed = unicodedata.normalize("NFKD", char)
    kept = "".join(c for c in decomposed if c in GSM7_BASIC or c in GSM7_EXTENDED)
    return kept  # emoji, symbols and scripts GSM-7 cannot show are dropped


def to_gsm7(text: str) -> str:
    """`text` with every character GSM-7 can show; the rest replaced by look-alikes or removed."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    replaced = "".join(_replace_char(char) for char in text)
    lines = [re.sub(r" {2,}", " ", line).strip(" ") for line in replaced.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def is_gsm7(text: str) -> bool:
    return all(char in GSM7_BASIC or char in GSM7_EXTENDED for char in text)


def septets(text: str) -> int:
    """Length in GSM-7 septets: extension characters (€, [, ], ...) count twice."""
    return sum(2 if char in GSM7_EXTENDED else 1 for char in text)


def gsm7_segments(text: str) -> int:
    """How many SMS segments `text` is billed as (GSM-7 when possible, else UCS-2); 0 if empty."""
    if not text:
        return 0
    if not is_gsm7(text):
        units = len(text.encode("utf-16-le")) // 2
        return 1 if units <= UCS2_SINGLE_UNITS else math.ceil(units / UCS2_MULTIPART_UNITS)
    if septets(text) <= SINGLE_SEGMENT_SEPTETS:
        return 1
    segments, used = 1, 0
    for char in text:  # an escape pair is never split across two segments
        size = 2 if char in GSM7_EXTENDED else 1
        if used + size > MULTIPART_SEGMENT_SEPTETS:
            segments, used = segments + 1, 0
        used += size
    return segments


def _hard_wrap(sentence: str, limit: int) -> list[str]:
    """Break one over-long sentence at spaces (or anywhere, for a very long word)."""
    pieces: list[str] = []
    current = ""
    for word in sentence.split(" "):
        while septets(word) > limit:
            head, word = word[:limit], word[limit:]
            if current:
                pieces.append(current)
                current = ""
            pieces.append(head)
        if not word:
            continue
        candidate = f"{current} {word}" if current else word
        if septets(candidate) <= limit:
            current = candidate
        else:
            pieces.append(current)
            current = word
    if current:
        pieces.append(current)
    return pieces


def _units(text: str, limit: int) -> list[tuple[str, str]]:
    """(piece, separator before it) pairs: sentences, keeping the text's line breaks, with
    over-long sentences pre-wrapped to `limit`."""
    units: list[tuple[str, str]] = []
    separator = ""
    for line in text.split("\n"):
        if not line.strip():
            separator = "\n\n" if units else ""
            continue
        for sentence in _SENTENCE_END.split(line.strip()):
            for piece in _hard_wrap(sentence, limit):
                units.append((piece, separator))
                separator = " "
        separator = "\n"
    return units


def split_for_sms(text: str, limit: int = PART_SEPTETS) -> list[str]:
    """Parts of at most `limit` septets, broken between sentences wherever possible."""
    parts: list[str] = []
    current = ""
    for unit, separator in _units(text, limit):
        candidate = f"{current}{separator}{unit}" if current else unit
        if septets(candidate) <= limit:
            current = candidate
        else:
            parts.append(current)
            current = unit
    if current:
        parts.append(current)
    return parts


def render_parts(text: str, limit: int = PART_SEPTETS) -> list[str]:
    """The texts to send for one bot message: GSM-7 only, split, numbered when more than one."""
    clean, limit = sms_body(text, limit)  # UCS-2 when GSM-7 would drop letters (Arabic, "ł")
    parts = split_for_sms(clean, limit)
    if len(parts) <= 1:
        return parts
    marker_room = len(f" ({len(parts)}/{len(parts)})") + 2
    parts = split_for_sms(clean, limit - marker_room)
    return [f"{part} ({index}/{len(parts)})" for index, part in enumerate(parts, start=1)]


def choices_from_buttons(buttons: Iterable[Mapping[str, Any]]) -> list[tuple[str, str]]:
    """(title, payload) for each Rasa button or quick reply that has something to send."""
    choices = []
    for button in buttons:
        payload = str(button.get("payload") or button.get("title") or "").strip()
        title, _ = sms_body(str(button.get("title") or payload), PART_SEPTETS)  # keeps Arabic
        if payload and title:
            choices.append((title, payload))
    return choices


def choices_prompt(titles: Sequence[str]) -> str:
    """'Reply 1 for Council tax, 2 for Bins or 3 for Parking.'"""
    options = [f"{index} for {title}" for index, title in enumerate(titles, start=1)]
    if len(options) == 1:
        return f"Reply {options[0]}."
    return f"Reply {', '.join(options[:-1])} or {options[-1]}."


def render_choices(
    text: str, buttons: Iterable[Mapping[str, Any]]
) -> tuple[str, list[tuple[str, str]]]:
    """The text with its buttons as numbered choices, and the choices to remember."""
    choices = choices_from_buttons(buttons)
    if not choices:
        return text, []
    prompt = choices_prompt([title for title, _payload in choices])
    body = f"{text.strip()}\n{prompt}" if text and text.strip() else prompt
    return body, choices


def choose(reply: str, choices: Sequence[Sequence[str]] | None) -> str | None:
    """The payload a reply picks from the offered choices ("2", "no. 2", or a title), else None."""
    if not choices or not reply:
        return None
    match = _CHOICE_REPLY.match(reply)
    if match:
        index = int(match.group(1))
        return choices[index - 1][1] if 1 <= index <= len(choices) else None
    wanted = to_gsm7(reply).strip(" .!").casefold()
    for title, payload in choices:
        if title.casefold() == wanted:
            return payload
    return None


def classify_keyword(body: str | None) -> Keyword | None:
    """'stop', 'start' or 'help' when the whole text is one of the carrier keywords."""
    word = re.sub(r"[\s.!?,;:'\"-]+$", "", (body or "").strip()).upper()
    return _KEYWORDS.get(word)


def inbound_problem(
    body: str | None, num_media: int, max_chars: int = MAX_INBOUND_CHARS
) -> str | None:
    """The reply for a text the assistant cannot read (picture only, empty, longer than
    `max_chars`), else None.

    A picture that came with words gets MEDIA_REPLY too, and the words are still answered.
    """
    if num_media > 0:
        return MEDIA_REPLY
    if not (body or "").strip():
        return EMPTY_REPLY
    if len(body or "") > max_chars:
        return TOO_LONG_REPLY
    return None


def help_text(
    council_name: str | None = None, phone: str | None = None, website: str | None = None
) -> str:
    """Short HELP reply: how to use the service, how to reach a person, and 999."""
    if not council_name or not (phone or website):
        return GENERIC_HELP
    routes = " or ".join(route for route in (f"call {phone}" if phone else "", website) if route)
    return to_gsm7(
        f"{council_name} help by text: send your question, e.g. 'is council tax online "
        f"working'. To reach a person, {routes}. Emergencies: 999. Reply STOP to stop texts. "
        + STOP_ONE_HELP
    )


def sms_texts(text: str, buttons: Iterable[Mapping[str, Any]] = ()) -> list[str]:
    """The texts one bot message becomes, exactly as the SMS channel sends them."""
    body, _choices = render_choices(text, buttons)
    return render_parts(body)


def turn_segments(messages: Iterable[tuple[str, Iterable[Mapping[str, Any]]]]) -> int:
    """Segments a whole turn costs: every text of every (text, buttons) message."""
    return sum(gsm7_segments(part) for text, buttons in messages
               for part in sms_texts(text, buttons))
