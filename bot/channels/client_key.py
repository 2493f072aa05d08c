"""Who a message came from, as a pseudonym that only the channel can set (issue #15, item 3).

The action server never sees a client address or phone number, yet the case-status check must
count failed identity checks per client across references and conversations (a guesser with
one address and a new conversation per guess). So each channel puts a pseudonym of the client
into the message metadata under CLIENT_KEY: an HMAC, under the conversation-id key, of the
channel's idea of the client (the TCP peer or trusted proxy's address on REST and the web
chat, the SMS conversation, which is itself a pseudonym of the phone number). The channel
always overwrites whatever the caller sent under that name, also inside `customData` (which
the action glue merges over the metadata), and the action server reads it only from the top
level of the metadata and only in this shape. No raw address is ever written to a tracker.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Any

CLIENT_KEY = "client_key"
CHANNEL_KINDS = ("rest", "web", "sms")
_SHAPE = re.compile(r"^(?:rest|web|sms)-[0-9a-f]{32}$")


def client_pseudonym(kind: str, client: str, secret: str) -> str:
    """A stable pseudonym of `client` on channel `kind`; unlinkable without the secret."""
    if kind not in CHANNEL_KINDS:
        raise ValueError(f"unknown channel kind {kind!r}")
    digest = hmac.new(secret.encode("utf-8"), f"client:{kind}:{client or 'unknown'}".encode(
        "utf-8", "replace"), hashlib.sha256).hexdigest()
    return f"{kind}-{digest[:32]}"


def stamp_client(metadata: dict[str, Any] | None, pseudonym: str) -> dict[str, Any]:
    """A copy of `metadata` with the channel's client pseudonym, overwriting any claim."""
    stamped = dict(metadata or {})
    custom = stamped.get("customData")
    if isinstance(custom, dict) and CLIENT_KEY in custom:
        stamped["customData"] = {k: v for k, v in custom.items() if k != CLIENT_KEY}
    stamped[CLIENT_KEY] = pseudonym
    return stamped


def client_from_metadata(metadata: Any) -> str | None:
    """The channel-set pseudonym in a message's metadata, or None (not set, or not ours)."""
    if not isinstance(metadata, dict):
        return None
    value = metadata.get(CLIENT_KEY)
    return value if isinstance(value, str) and _SHAPE.match(value) else None
