"""The officer's first name reaches the web chat ("Council officer Sam"), and nothing else does."""

from __future__ import annotations

import pytest

from bot.console.casework import officer_first_name
from bot.db.engine import session_scope
from bot.db.migrate import upgrade
from bot.db.models import StaffUser


@pytest.fixture()
def database_url(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    upgrade(url)
    return url


@pytest.mark.parametrize(("display_name", "expected"), [
    ("Sam Okafor", "Sam"),
    ("  Aisha  ", "Aisha"),
    ("", ""),  # no display name: just "Council officer", never the login name
])
def test_first_word_of_the_display_name(database_url: str, display_name: str,
                                        expected: str) -> None:
    with session_scope(database_url) as session:
        session.add(StaffUser(username="agent-7", display_name=display_name, role="agent",
                              password_hash="x"))
    with session_scope(database_url) as session:
        assert officer_first_name(session, "agent-7") == expected
        assert officer_first_name(session, "nobody") == ""
