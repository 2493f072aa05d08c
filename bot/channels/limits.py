"""What the resident channels (REST, web chat, SMS) check before anything reaches Rasa.

Rasa runs NLU on the server's event loop, so one 100,000-character web-chat message stalled
every resident for about half a minute: text longer than MAX_MESSAGE_CHARS is refused at the
channel, with a reply to the one resident who sent it. Conversation ids chosen by a caller are
kept to characters that cannot break a URL or a log line (the console addresses Rasa's
`/conversations/<id>/...`), and never name an SMS resident's pseudonym. Text that is not valid
Unicode (lone surrogates, NUL) is cleaned, not refused, so the resident still gets an answer.
Metadata is bounded in size and depth: it is copied into every tracker event.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

from bot.channels.chat_session import WEB_PREFIX
from bot.channels.sms_store import PSEUDONYM_PREFIX

MAX_SENDER_CHARS = 128
MAX_METADATA_DEPTH = 10
# URL delimiters (a browser reads "\" as "/") and whole Unicode categories: control (Cc),
# format (Cf: bidi overrides, zero-width), surrogate (Cs), line and paragraph separators.
SENDER_FORBIDDEN_CHARS = frozenset("/?#\\")
SENDER_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
# Other channels' namespaces: the SMS pseudonyms and the web chat's signed session ids
# (bot/channels/chat_session.py), never addressable by a caller of REST.
RESERVED_SENDER_PREFIXES = (PSEUDONYM_PREFIX, WEB_PREFIX)

_UNREADABLE = re.compile("[\ud800-\udfff\x00]")
REPLACEMENT = "\ufffd"

DANGER = "If you are in danger call 999."


def too_long_reply(max_chars: int) -> str:
    """What a resident is told when their message is over the limit (web chat and REST)."""
    return (f"Sorry, that message is too long for me to read (the limit is {max_chars:,} "
            f"characters). Please send it in shorter parts. {DANGER}")


UNREADABLE_REPLY = (
    f"Sorry, I could not read that message. Please type your question again. {DANGER}"
)
INVALID_SESSION_REPLY = (
    "Sorry, this chat session is not valid. Please reload the page to start a new chat. "
    f"{DANGER}"
)


def clean_text(text: str) -> str:
    """`text` with lone surrogates and NUL replaced by U+FFFD (same length): every tracker
    store, tokenizer and database can take the result."""
    return _UNREADABLE.sub(REPLACEMENT, text)


# Invisible characters that carry no meaning in a resident's message but split words for NLU
# and the urgent rules ("some\u200bone is hit\u200bting me") or reorder what staff read
# (bidi overrides): soft hyphen, Arabic letter mark, Mongolian vowel separator, zero-width
# space, LRM/RLM, bidi embeddings/overrides/isolates, word joiner and invisible operators,
# byte-order mark. ZWJ and ZWNJ stay: emoji sequences and Persian/Indic spelling need them.
_INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b\u200e\u200f\u202a-\u202e"
                        "\u2060-\u2064\u2066-\u2069\ufeff]")


def drop_invisible(text: str) -> str:
    """`text` without the invisible characters above; unchanged if nothing else is left (an
    all-invisible message is still answered, as unreadable, rather than silently emptied)."""
    stripped = _INVISIBLE.sub("", text)
    return stripped if stripped.strip() else text


# Runs of symbols ("$$$$...", "((((...", emoji) cost Rasa's NLU components quadratic time on
# the shared event loop: 2,000 "&" took 0.8 s to parse, 2,000 "(" 0.7 s, against 0.02 s for a
# sentence (red team, RT-6). No meaning is lost by keeping the first MAX_SYMBOL_RUN of a run.
MAX_SYMBOL_RUN = 8
_SYMBOL_RUN = re.compile(r"[^\w\s]{%d,}" % (MAX_SYMBOL_RUN + 1))


def tidy_text(text: str) -> str:
    """A resident's message as the channels pass it on: invisible characters dropped
    (`drop_invisible`) and every run of symbols cut to MAX_SYMBOL_RUN characters."""
    return _SYMBOL_RUN.sub(lambda run: run.group(0)[:MAX_SYMBOL_RUN], drop_invisible(text))


def sender_problem(sender: str) -> str | None:
    """Why `sender` cannot be a conversation id chosen by a caller, or None when it can."""
    if not sender.strip():
        return "must not be empty"
    if sender.strip() in (".", ".."):  # a URL's path would lose it ("/conversations/../")
        return "must not be '.' or '..'"
    if len(sender) > MAX_SENDER_CHARS:
        return f"must be at most {MAX_SENDER_CHARS} characters"
    for char in sender:
        if char in SENDER_FORBIDDEN_CHARS:
            return "must not contain '/', '?', '#' or '\\'"
        if unicodedata.category(char) in SENDER_FORBIDDEN_CATEGORIES:
            return "must not contain control, format or surrogate characters"
    if sender.lower().startswith(RESERVED_SENDER_PREFIXES):
        return f"must not start with {', '.join(map(repr, RESERVED_SENDER_PREFIXES))}"
    return None


def json_depth_exceeds(value: Any, max_depth: int) -> bool:
    """True when lists/objects in `value` nest deeper than `max_depth` (no recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list | tuple):
            children = item
        else:
            continue
        if depth > max_depth:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def metadata_problem(metadata: Any, max_bytes: int) -> tuple[str, str] | None:
    """("too_deep" | "too_large" | "invalid", why) when `metadata` (parsed JSON) may not go
    into the tracker, or None."""
    if json_depth_exceeds(metadata, MAX_METADATA_DEPTH):
        return "too_deep", f"nests deeper than {MAX_METADATA_DEPTH} levels"
    try:
        encoded = json.dumps(metadata, ensure_ascii=False, separators=(",", ":"),
                             allow_nan=True).encode("utf-8", "surrogatepass")
    except (TypeError, ValueError):
        return "invalid", "is not JSON"
    if len(encoded) > max_bytes:
        return "too_large", f"is larger than {max_bytes} bytes"
    return None


def clean_json(value: Any) -> Any:
    """`value` with every string (keys too) cleaned as by clean_text; depth already bounded."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_json(key): clean_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [clean_json(item) for item in value]
    return value
