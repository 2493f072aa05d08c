"""Web-chat session ids the server issues and signs, so a conversation id is not a password
anyone can guess or borrow (issue #15, item 2).

Rasa's socket.io channel joined whatever session id the browser named, so a client that knew
(or guessed) another resident's id — or an SMS resident's pseudonym — joined their
conversation and received the staff reply meant for them. Here the server issues every id:
"web-" + 24 random hex digits + "-" + 24 hex digits of an HMAC-SHA256 of the random part,
keyed with a key derived from CONVERSATION_ID_KEY (see bot.config.conversation_id_key), so
an id that was not issued by one of our servers is recognised and refused, and a new one is
issued instead. The "web-" prefix is the web chat's namespace: the REST channel refuses it
(and SMS's "sms-"), so no caller of one channel can address another channel's conversation.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from bot.config import conversation_id_key

WEB_PREFIX = "web-"
_SHAPE = re.compile(r"web-([0-9a-f]{24})-([0-9a-f]{24})")
_PURPOSE = b"web-chat session id v1\x00"


def _signature(random_part: str, key: str) -> str:
    mac = hmac.new(key.encode("utf-8"), _PURPOSE + random_part.encode("ascii"), hashlib.sha256)
    return mac.hexdigest()[:24]


def issue_session_id(key: str | None = None) -> str:
    """A new signed web-chat conversation id."""
    random_part = secrets.token_hex(12)
    return f"{WEB_PREFIX}{random_part}-{_signature(random_part, key or conversation_id_key())}"


def is_issued_session_id(value: object, key: str | None = None) -> bool:
    """True only for an id issue_session_id made with this key (constant-time compare)."""
    if not isinstance(value, str):
        return False
    match = _SHAPE.fullmatch(value)
    if not match:
        return False
    expected = _signature(match.group(1), key or conversation_id_key())
    return hmac.compare_digest(expected, match.group(2))
