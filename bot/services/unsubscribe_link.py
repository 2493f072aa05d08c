"""The web-chat unsubscribe link: a signed, unguessable token that ends one subscription.

A resident who subscribed on web chat has no SMS thread to text "stop bins" into (they can
still text STOP to the number that texts them). So the confirmation carries a link,
`{CONSOLE_URL}/unsubscribe/<token>`, to a public console page that asks before it ends that
one subscription (bot/console/views/public.py: GET shows, only POST changes anything).

The token is `<subscription id>.<HMAC-SHA256>` over the id, council, service and number, keyed
with a key derived from CONVERSATION_ID_KEY (bot.config; the one secret the action server,
which writes the link, and the console, which checks it, both already hold; in local
development it is generated into var/). So:
- it cannot be guessed or forged without the key (192-bit tag), and says nothing about the
  number (only the row id is readable);
- it only ever names its own row: a purged row whose id is reused for another number or
  service does not match;
- rotating CONVERSATION_ID_KEY retires every link (STOP by text still works).
No database column is needed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

from sqlalchemy.orm import Session

from bot.config import conversation_id_key, get_settings
from bot.db.models import Subscription, utcnow

PURPOSE = b"unsubscribe-link-v1"
TAG_BYTES = 24
TOKEN = re.compile(r"^([1-9][0-9]{0,11})\.([A-Za-z0-9_-]{32})$")
PATH = "/unsubscribe/"


def _key() -> bytes:
    return hmac.new(conversation_id_key().encode("utf-8"), PURPOSE, hashlib.sha256).digest()


def _tag(subscription: Subscription) -> str:
    message = "|".join((str(subscription.id), subscription.council_id,
                        subscription.service_id, subscription.phone)).encode("utf-8")
    digest = hmac.new(_key(), message, hashlib.sha256).digest()[:TAG_BYTES]
    return base64.urlsafe_b64encode(digest).decode("ascii")


def token_for(subscription: Subscription) -> str:
    """The token of a stored (flushed) subscription."""
    if subscription.id is None:
        raise ValueError("the subscription has no id yet: flush the session first")
    return f"{subscription.id}.{_tag(subscription)}"


def link_for(subscription: Subscription, base_url: str | None = None) -> str:
    """The public page that ends this one subscription (CONSOLE_URL by default)."""
    base = (base_url or get_settings().console_url).rstrip("/")
    return f"{base}{PATH}{token_for(subscription)}"


def find(session: Session, token: str) -> Subscription | None:
    """The subscription a token names, or None for a malformed, forged or stale token."""
    match = TOKEN.match(token or "")
    if not match:
        return None
    row = session.get(Subscription, int(match.group(1)))
    if row is None or not hmac.compare_digest(_tag(row), match.group(2)):
        return None
    return row


def is_live(subscription: Subscription) -> bool:
    return bool(subscription.active) and subscription.expires_at > utcnow()


def end(session: Session, subscription: Subscription) -> bool:
    """End this one subscription; False when it had already ended (nothing changed)."""
    if not subscription.active:
        return False
    subscription.active, subscription.unsubscribed_at = False, utcnow()
    session.flush()
    return True
