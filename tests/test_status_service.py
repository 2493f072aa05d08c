"""The status answer comes from the live rows: a change is visible in the next answer."""

from __future__ import annotations

from bot.db.engine import session_scope
from bot.services.councils import (
    council_for_postcode,
    get_council,
    postcode_district,
    resolve_council,
)
from bot.services.status import (
    asks_for_overview,
    get_status,
    list_statuses,
    overview_answer,
    service_from_text,
    set_status,
    status_answer,
)


def test_seeded_council_tax_answer_has_workaround_and_age(session) -> None:
    council = get_council(session, "westminster")
    view = get_status(session, "westminster", "council_tax")
    answer = status_answer(view, council)
    assert "disrupted" in answer
    assert "Direct Debit" in answer
    assert "Last updated today" in answer
    assert council.incident_helpline in answer


def test_change_is_visible_in_next_answer(db_url: str) -> None:
    with session_scope(db_url) as session:
        set_status(
            session,
            "kensington_chelsea",
            "libraries",
            "unavailable",
            "tester",
            affected="All libraries closed for a deep clean.",
            workaround="",
        )
    with session_scope(db_url) as session:
        view = get_status(session, "kensington_chelsea", "libraries")
        answer = status_answer(view, get_council(session, "kensington_chelsea"))
    assert "not available" in answer and "deep clean" in answer


def test_set_status_rejects_unknown_ids(session) -> None:
    import pytest

    with pytest.raises(ValueError):
        set_status(session, "atlantis", "waste", "operating", "t")
    with pytest.raises(ValueError):
        set_status(session, "westminster", "moon_base", "operating", "t")
    with pytest.raises(ValueError):
        set_status(session, "westminster", "waste", "broken", "t")


def test_overview_lists_every_state(session) -> None:
    council = get_council(session, "kensington_chelsea")
    text = overview_answer(list_statuses(session, "kensington_chelsea"), council)
    assert "Not available: online payments" in text
    assert "Working:" in text and "Disrupted:" in text


def test_postcodes_map_to_councils(session) -> None:
    assert postcode_district("SW1A 1AA") == "SW1"
    assert postcode_district("w106el") == "W10"
    assert postcode_district("W1G 9QP") == "W1"
    assert council_for_postcode(session, "W10 6EL") == "kensington_chelsea"
    assert council_for_postcode(session, "sw6 1aa") == "hammersmith_fulham"
    assert council_for_postcode(session, "W1G 9QP") == "westminster"
    assert council_for_postcode(session, "M1 1AA") is None
    assert resolve_council(session, "RBKC") == "kensington_chelsea"
    assert resolve_council(session, "fulham") == "hammersmith_fulham"


def test_free_text_service_and_overview_detection() -> None:
    assert service_from_text("bins") == "waste"
    assert service_from_text("Council tax support") == "benefits"
    assert service_from_text("council tax") == "council_tax"
    assert service_from_text("hello there") is None
    assert asks_for_overview("what's working at the moment?")
    assert not asks_for_overview("can i pay council tax")
