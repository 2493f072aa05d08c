"""Sealed text: the raw SMS body is written to the database encrypted, never in clear.

Why: an inbound text must survive a crash of the server that accepted it (the SMS inbox keeps
it until its turn has run, `bot/channels/sms_inbox.py`), and the turn needs the words exactly
as typed (the NLU and the contact form read phone numbers and postcodes out of them). So the
text cannot be redacted before it is stored - but a copy of the database file, its WAL or a
backup must not hold a card or NI number either. Both promises hold when the stored body is
sealed with AES-256-GCM under a key that is never in the database: an HMAC of the
conversation-id key (CONVERSATION_ID_KEY, or var/conversation_id_key in development), which
every process that runs SMS turns already has. The inbox blanks the body once the turn has
run; SQLite's secure_delete and WAL truncation (`bot.db.engine`) then leave no ciphertext
behind either.

`SealedText` is a SQLAlchemy column type, so the inbox code reads and writes plain strings and
nothing else changes. The empty string (a blanked body) is stored as is. A body written before
sealing (no prefix) is read back unchanged. A body that cannot be opened (the key was
rotated while a text sat queued) reads as "" - the resident gets a reply to an empty text
rather than the whole queue stopping.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy.types import Text, TypeDecorator

logger = logging.getLogger(__name__)

PREFIX = "sealed1:"
_LABEL = b"council-triage/sms-inbox-body/v1"


@lru_cache(maxsize=4)
def _key(secret: str) -> bytes:
    return hmac.new(secret.encode("utf-8"), _LABEL, hashlib.sha256).digest()


def _current_key() -> bytes:
    from bot.config import conversation_id_key  # late: models import this module

    return _key(conversation_id_key())


def seal(plain: str, key: bytes | None = None) -> str:
    """`plain` encrypted and authenticated, as ASCII text; "" stays ""."""
    if not plain:
        return ""
    nonce = os.urandom(12)
    sealed = AESGCM(key or _current_key()).encrypt(nonce, plain.encode("utf-8"), _LABEL)
    return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


def open_sealed(stored: str, key: bytes | None = None) -> str:
    """The text `seal` was given; unsealed legacy text as is; "" if it cannot be opened."""
    if not stored or not stored.startswith(PREFIX):
        return stored or ""
    try:
        raw = base64.urlsafe_b64decode(stored[len(PREFIX):].encode("ascii"))
        plain = AESGCM(key or _current_key()).decrypt(raw[:12], raw[12:], _LABEL)
    except (InvalidTag, ValueError):
        logger.warning("A sealed SMS body could not be opened (was the key rotated?)")
        return ""
    return plain.decode("utf-8")


class SealedText(TypeDecorator):
    """A Text column whose values are sealed on the way in and opened on the way out."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        return seal(value) if isinstance(value, str) else value

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        return open_sealed(value) if isinstance(value, str) else value
