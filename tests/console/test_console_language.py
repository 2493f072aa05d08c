"""The resident's language and interpreter need in the staff console (issue #13 item 4).

Real migrated and seeded SQLite database, Flask test client with CSRF on, a signed-in agent.
"""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from bot.db.engine import session_scope
from bot.db.models import Case
from bot.language.names import ENGLISH_NAMES, OWN_NAMES, english_name, normalise_code, own_name
from tests.console.conftest import add_case, add_staff, login

LANGUAGE_CODES = ("en", "ar", "es", "pt", "pl", "fr", "it", "bn", "so", "fa", "ro", "tr", "ti")


def set_case(db_url: str, reference: str, **fields: object) -> None:
    with session_scope(db_url) as session:
        case = session.execute(select(Case).where(Case.reference == reference)).scalar_one()
        for key, value in fields.items():
            setattr(case, key, value)


def row_html(table_html: str, reference: str) -> str:
    """The <tr> of the queue table that holds this case."""
    rows = [row.split("</tr>")[0] for row in table_html.split("<tr")
            if f">{reference}</a>" in row]
    assert len(rows) == 1, reference
    return rows[0]


def language_select(page: str) -> str:
    match = re.search(r'<select id="f-language" name="language">(.*?)</select>', page, re.S)
    assert match, "no language filter"
    return match.group(1)


@pytest.fixture()
def signed_in(client: FlaskClient, db_url: str) -> FlaskClient:
    add_staff(db_url, "amira")
    assert login(client, "amira").status_code == 302
    return client


# -- queue -------------------------------------------------------------------------------------


def test_polish_case_shows_its_language_and_interpreter_in_the_queue(
    signed_in: FlaskClient, db_url: str
) -> None:
    polish = add_case(db_url, "c-pl", interpreter_language="Polish")
    set_case(db_url, polish, language="pl")
    page = signed_in.get("/staff").get_data(as_text=True)
    row = row_html(page, polish)
    assert '<span class="tag tag--language"><bdi lang="pl">Polski</bdi> (Polish)</span>' in row
    assert '<span class="tag tag--interpreter">Interpreter</span> Polish' in row
    assert '<th scope="col">Language</th>' in page
    feed = signed_in.get("/staff/api/queue").get_json()
    assert row_html(feed["table_html"], polish) == row  # the polled table says the same
    [case] = feed["cases"]
    assert case["language"] == "pl"
    assert case["language_name"] == "Polski (Polish)"
    assert case["interpreter_language"] == "Polish"


def test_english_cases_show_no_language_badge(signed_in: FlaskClient, db_url: str) -> None:
    english = add_case(db_url, "c-en")
    set_case(db_url, english, language="en")
    unknown = add_case(db_url, "c-none")  # no language recorded (older cases)
    polish = add_case(db_url, "c-pl")
    set_case(db_url, polish, language="pl")
    table = signed_in.get("/staff/api/queue").get_json()["table_html"]
    for reference in (english, unknown):
        row = row_html(table, reference)
        assert "tag--language" not in row and "English" not in row
        assert "tag--interpreter" not in row
    assert "tag--language" in row_html(table, polish)


def test_interpreter_marker_without_a_detected_language(
    signed_in: FlaskClient, db_url: str
) -> None:
    reference = add_case(db_url, "c-bsl", interpreter_language="British Sign Language")
    set_case(db_url, reference, language="en")
    row = row_html(signed_in.get("/staff").get_data(as_text=True), reference)
    assert "tag--language" not in row
    assert '<span class="tag tag--interpreter">Interpreter</span> British Sign Language' in row


def test_language_filter_returns_only_matching_cases(signed_in: FlaskClient, db_url: str) -> None:
    polish_wm = add_case(db_url, "c1")
    polish_kc = add_case(db_url, "c2", council_id="kensington_chelsea")
    arabic = add_case(db_url, "c3")
    english = add_case(db_url, "c4")
    add_case(db_url, "c5")  # no language recorded
    for reference, code in ((polish_wm, "pl"), (polish_kc, "pl"), (arabic, "ar"),
                            (english, "en")):
        set_case(db_url, reference, language=code)

    feed = signed_in.get("/staff/api/queue?language=pl").get_json()
    assert sorted(row["reference"] for row in feed["cases"]) == sorted([polish_wm, polish_kc])
    assert feed["counts"]["total"] == 2
    assert arabic not in feed["table_html"] and english not in feed["table_html"]
    # Together with the other filters.
    both = signed_in.get("/staff/api/queue?language=pl&council=kensington_chelsea").get_json()
    assert [row["reference"] for row in both["cases"]] == [polish_kc]
    none = signed_in.get("/staff/api/queue?language=ar&council=kensington_chelsea").get_json()
    assert none["cases"] == []
    english_only = signed_in.get("/staff/api/queue?language=en").get_json()
    assert [row["reference"] for row in english_only["cases"]] == [english]
    everyone = signed_in.get("/staff/api/queue?language=").get_json()
    assert len(everyone["cases"]) == 5

    page = signed_in.get("/staff?language=pl").get_data(as_text=True)
    assert polish_wm in page and polish_kc in page and arabic not in page
    # The page's own poll keeps the filter.
    assert 'data-feed="/staff/api/queue?language=pl"' in page


def test_language_select_lists_languages_of_open_cases(
    signed_in: FlaskClient, db_url: str
) -> None:
    polish = add_case(db_url, "c1")
    arabic = add_case(db_url, "c2")
    somali = add_case(db_url, "c3")
    add_case(db_url, "c4")  # no language: not an option
    set_case(db_url, polish, language="pl")
    set_case(db_url, arabic, language="ar")
    set_case(db_url, somali, language="so", status="resolved")  # closed: not an option
    page = signed_in.get("/staff?language=pl").get_data(as_text=True)
    assert '<label for="f-language">Language</label>' in page
    options = re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>',
                         language_select(page))
    assert options == [
        ("", "", "All"),
        ("ar", "", "Arabic (العربية)"),
        ("pl", " selected", "Polish (Polski)"),
    ]


def test_filter_for_a_language_no_open_case_has_stays_selected(
    signed_in: FlaskClient, db_url: str
) -> None:
    add_case(db_url, "c1")
    page = signed_in.get("/staff?language=ti").get_data(as_text=True)
    assert '<option value="ti" selected>ትግርኛ (Tigrinya)</option>' in language_select(page)
    assert "No open cases match these filters." in page


# -- case page ---------------------------------------------------------------------------------


def test_case_page_shows_language_next_to_interpreter(
    signed_in: FlaskClient, db_url: str
) -> None:
    reference = add_case(db_url, "c-pl", interpreter_language="Polish")
    set_case(db_url, reference, language="pl")
    page = signed_in.get(f"/staff/cases/{reference}").get_data(as_text=True)
    assert ('<dt>Language</dt><dd><bdi lang="pl">Polski</bdi> (Polish)</dd>\n'
            '          <dt>Interpreter</dt><dd>Polish</dd>') in page


def test_case_page_english_and_unrecorded_language(signed_in: FlaskClient, db_url: str) -> None:
    english = add_case(db_url, "c-en")
    set_case(db_url, english, language="en")
    unknown = add_case(db_url, "c-none")
    page = signed_in.get(f"/staff/cases/{english}").get_data(as_text=True)
    assert '<dt>Language</dt><dd><bdi lang="en">English</bdi></dd>' in page
    assert "<dt>Interpreter</dt><dd>none asked for</dd>" in page
    page = signed_in.get(f"/staff/cases/{unknown}").get_data(as_text=True)
    assert "<dt>Language</dt><dd>not recorded</dd>" in page


def test_language_data_is_escaped(signed_in: FlaskClient, db_url: str) -> None:
    evil_code = '"><i>x'  # fits the column; not shaped like a code, so no lang attribute
    evil_interpreter = '<script>alert(1)</script>'
    reference = add_case(db_url, "c-evil", interpreter_language=evil_interpreter)
    set_case(db_url, reference, language=evil_code)
    page = signed_in.get("/staff").get_data(as_text=True)
    case_page = signed_in.get(f"/staff/cases/{reference}").get_data(as_text=True)
    table = signed_in.get("/staff/api/queue").get_json()["table_html"]
    for html in (page, case_page, table):
        assert "<script>alert" not in html and '"><i>x' not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "<bdi>&#34;&gt;&lt;i&gt;x</bdi>" in html
    assert '<option value="&#34;&gt;&lt;i&gt;x">&#34;&gt;&lt;i&gt;x</option>' in page
    filtered = signed_in.get("/staff/api/queue", query_string={"language": evil_code}).get_json()
    assert [row["reference"] for row in filtered["cases"]] == [reference]


# -- names -------------------------------------------------------------------------------------


def test_every_language_has_an_own_and_an_english_name() -> None:
    assert set(ENGLISH_NAMES) == set(OWN_NAMES) == set(LANGUAGE_CODES)
    for code in LANGUAGE_CODES:
        assert english_name(code) and own_name(code), code
    assert (own_name("pl"), english_name("pl")) == ("Polski", "Polish")
    assert (own_name("en"), english_name("en")) == ("English", "English")
    assert english_name("PL-pl") == "Polish" and normalise_code(" PL ") == "pl"
    assert english_name("xx") is None and own_name("xx") is None
    for odd in (None, "", "   ", "../en", "p1", '"><i>x'):
        assert normalise_code(odd) is None and own_name(odd) is None, odd
