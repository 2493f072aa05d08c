"""A council's own published numbers are never masked (#16.6); residents' numbers still are."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from bot.db.engine import session_scope
from bot.db.models import Council
from bot.privacy import published
from bot.privacy.redactor import redact
from bot.privacy.tracker_store import redact_event


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    published.forget()
    yield
    published.forget()


def test_council_numbers_stay_in_any_spelling_and_others_are_masked(db_url: str) -> None:
    text = ("Call the Westminster incident helpline on 020 7946 0300 (out of hours "
            "+44 20 7946 0301). Your number 07700 900118 and 020 7946 0999 are noted.")
    assert redact(text) == (
        "Call the Westminster incident helpline on 020 7946 0300 (out of hours "
        "+44 20 7946 0301). Your number [PHONE] and [PHONE] are noted.")


def test_a_number_changed_in_the_database_is_honoured(db_url: str) -> None:
    with session_scope(db_url) as session:
        council = session.execute(select(Council).where(Council.id == "westminster")
                                  ).scalar_one()
        council.incident_helpline = "020 7946 0555"
    published.forget()
    assert redact("Ring 020 7946 0555 now") == "Ring 020 7946 0555 now"


def test_the_stored_bot_event_keeps_the_helpline(db_url: str) -> None:
    event = {"event": "bot", "text": "Please call the helpline on 020 7946 0100.",
             "data": {}}
    assert redact_event(event)["text"] == "Please call the helpline on 020 7946 0100."
    resident = {"event": "user", "text": "my number is 020 7946 0777",
                "parse_data": {"text": "my number is 020 7946 0777", "entities": []}}
    assert "[PHONE]" in redact_event(resident)["text"]
