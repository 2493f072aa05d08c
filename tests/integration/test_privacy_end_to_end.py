"""After a real conversation full of personal data, none of it is stored outside the case's
contact columns: not in the tracker store, not in other tables, not in the logs."""

from __future__ import annotations

import re
import uuid

import pytest
from sqlalchemy import create_engine, inspect, select, text

from bot.db.engine import session_scope
from bot.db.models import Case

pytestmark = pytest.mark.integration

CONTACT_COLUMNS = {("cases", c) for c in ("phone", "email", "postcode", "name", "contact_time")}
# A postcode given before any case exists is held in its own field for a day, then moved onto
# the case or purged (bot/services/held_postcode.py); other tests on these servers leave some.
CONTACT_COLUMNS |= {("held_postcodes", "postcode")}
SECRETS = {
    "card": ["4111 1111 1111 1111", "4111111111111111"],
    "phone": ["07700 900461", "07700900461", "+447700900461", "7700900461"],
    "postcode": ["W10 6EL", "w10 6el", "W106EL"],
    "ni": ["AB 12 34 56 C", "AB123456C"],
    "email": ["jo.bloggs.461@example.com"],
}


def all_text_in_database(url: str, skip: set[tuple[str, str]]) -> str:
    engine = create_engine(url, future=True)
    chunks = []
    with engine.connect() as connection:
        for table in inspect(connection).get_table_names():
            columns = [c["name"] for c in inspect(connection).get_columns(table)]
            for column in columns:
                if (table, column) in skip:
                    continue
                rows = connection.execute(text(f'SELECT "{column}" FROM "{table}"')).all()
                chunks.extend(str(row[0]) for row in rows if row[0] is not None)
    engine.dispose()
    return "\n".join(chunks)


def leaked(haystack: str) -> list[str]:
    flat = re.sub(r"\s+", "", haystack).lower()
    return [value for values in SECRETS.values() for value in values
            if value.lower() in haystack.lower() or re.sub(r"\s+", "", value).lower() in flat]


def test_personal_data_stays_in_the_case_contact_columns(servers) -> None:
    resident = f"privacy-{uuid.uuid4().hex[:8]}"
    replies = [
        servers.say_text(resident, "i need to speak to a person please"),
        servers.say_text(resident, "call me on 07700 900461, my postcode is W10 6EL. my card "
                                   "4111 1111 1111 1111 was charged twice, my NI is AB 12 34 56 C"),
        servers.say_text(resident, "email is jo.bloggs.461@example.com, after 5pm"),
    ]
    for _ in range(4):  # skip whatever optional questions are left
        if "reference is" in replies[-1].lower():
            break
        replies.append(servers.say_text(resident, "skip"))
    assert "reference is" in replies[-1].lower(), replies
    assert any("never needs them" in reply for reply in replies)
    with session_scope(servers.database_url) as session:
        case = session.execute(select(Case).where(Case.conversation_id == resident)).scalar_one()
        assert case.phone == "+447700900461" and case.postcode == "W10 6EL"
        assert case.email == "jo.bloggs.461@example.com"
        assert not leaked(" ".join(case.issues)), case.issues
    assert leaked(all_text_in_database(servers.tracker_db_url, set())) == []
    assert leaked(all_text_in_database(servers.database_url, CONTACT_COLUMNS)) == []
    for name, log in servers.logs.items():
        assert leaked(log.read_text(errors="replace")) == [], f"{name} log leaks"
