"""Phone numbers the councils publish: never personal data, so never masked.

The redactor would otherwise mask a council's own incident helpline in the assistant's
answers ("call [PHONE]"), and staff reading the transcript could not tell which number the
resident was given. A number is published when it is one of a council's numbers (helpline,
out-of-hours line, or any number in its customer-service text), from the council rows in the
database (where a council puts its real numbers) and the seed file. National helplines need no
entry: the redactor never masks them.

The set is cached for `TTL_SECONDS`, so a changed number is honoured within minutes and the
redactor, which runs on every stored event, does not query the database each time.
"""

from __future__ import annotations

import re
import threading
import time

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

TTL_SECONDS = 300.0
_PHONE_RUN = re.compile(r"\+?\d[\d ()-]{6,18}\d")
_lock = threading.Lock()
_cache: tuple[float, frozenset[str]] | None = None


def national_digits(text: str) -> str:
    """'+44 20 7946 0100' and '020 7946 0100' -> '02079460100'."""
    digits = re.sub(r"\D", "", text)
    if digits.startswith("44") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    return digits


def _numbers_in(*texts: str | None) -> set[str]:
    found = set()
    for text in texts:
        for match in _PHONE_RUN.finditer(text or ""):
            digits = national_digits(match.group(0))
            if len(digits) >= 10:
                found.add(digits)
    return found


def _load() -> frozenset[str]:
    numbers: set[str] = set()
    try:
        from bot.db.seed import load_seed

        for council in (load_seed().get("councils") or {}).values():
            numbers |= _numbers_in(council.get("incident_helpline"),
                                   council.get("out_of_hours_phone"),
                                   council.get("customer_service_centre"))
    except (OSError, ValueError, AttributeError):
        pass
    try:
        from bot.config import get_settings
        from bot.db.engine import session_scope
        from bot.db.models import Council

        with session_scope(get_settings().database_url) as session:
            for row in session.execute(select(Council.incident_helpline,
                                              Council.out_of_hours_phone,
                                              Council.customer_service_centre)):
                numbers |= _numbers_in(*row)
    except (SQLAlchemyError, OSError, ValueError):
        pass  # no database here (a unit test, a broken volume): the seed's numbers still count
    return frozenset(numbers)


def published_numbers() -> frozenset[str]:
    global _cache
    now = time.monotonic()
    with _lock:
        if _cache is None or now - _cache[0] > TTL_SECONDS:
            _cache = (now, _load())
        return _cache[1]


def forget() -> None:
    """Drop the cache (tests, or after a council's numbers change)."""
    global _cache
    with _lock:
        _cache = None


def is_published(text: str) -> bool:
    """True when `text` (a phone number as written) is one of the councils' own numbers."""
    return national_digits(text) in published_numbers()
