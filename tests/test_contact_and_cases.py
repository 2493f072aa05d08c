"""Contact parsing and case references: the rules residents' answers and references follow."""

from __future__ import annotations

import math

import pytest

from bot.parsing.contact import extract_contact, is_skip, normalise_postcode, normalise_uk_phone
from bot.parsing.references import (
    ALPHABET,
    REF_RANDOM_CHARS,
    new_reference,
    normalise_reference,
)
from bot.services.cases import ensure_case


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("07700 900118", "+447700900118"),
        ("+44 7700 900118", "+447700900118"),
        ("0044 7700-900-118", "+447700900118"),
        ("020 7946 0123", "+442079460123"),
        ("(020) 7946 0123", "+442079460123"),
        ("0770090011", None),
        ("12345678901", None),
    ],
)
def test_uk_phone_normalisation(raw: str, expected: str | None) -> None:
    assert normalise_uk_phone(raw) == expected


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("w106el", "W10 6EL"),
        ("SW1A 1AA", "SW1A 1AA"),
        ("sw6 1aa", "SW6 1AA"),
        ("W1", None),
        ("123 456", None),
    ],
)
def test_postcode_normalisation(raw: str, expected: str | None) -> None:
    assert normalise_postcode(raw) == expected


def test_several_details_in_any_order() -> None:
    details = extract_contact("after 6pm pls, ayesha@example.com or 07700900118, postcode w10 6el")
    assert details.email == "ayesha@example.com"
    assert details.phone == "+447700900118"
    assert details.postcode == "W10 6EL"
    assert details.contact_time == "after 6pm"


def test_safety_and_preferences() -> None:
    details = extract_contact(
        "please dont call, text only, its not safe. I need an interpreter in Arabic"
    )
    assert details.safe_to_call is False and details.preferred_contact == "text"
    assert details.interpreter_language == "Arabic"
    assert extract_contact("i only have a landline 020 7946 0999").landline_only is True
    assert extract_contact("my name is Ayesha Khan").name == "Ayesha Khan"


def test_invalid_phone_is_reported() -> None:
    details = extract_contact("call me on 0770 0900 11")
    assert "phone" in details.invalid and details.phone is None


def test_skip_words() -> None:
    assert is_skip("skip") and is_skip("rather not say") and is_skip("No thanks.")
    assert not is_skip("no heating since monday")


def test_reference_has_at_least_40_bits_and_is_unambiguous() -> None:
    assert REF_RANDOM_CHARS * math.log2(len(ALPHABET)) >= 40
    assert not set("ILOU") & set(ALPHABET)
    references = {new_reference("KC") for _ in range(2000)}
    assert len(references) == 2000


@pytest.mark.parametrize(
    "typed", ["kc7kq2m9xd", "KC 7KQ2 M9XD", "ref: kc-7kq2-m9xd", "KC-7KQ2-M9XD"]
)
def test_reference_tolerates_small_format_errors(typed: str) -> None:
    assert normalise_reference(typed) == "KC-7KQ2-M9XD"


def test_reference_fixes_o_and_i_slips() -> None:
    assert normalise_reference("KC-7KQ2-M9XO") == "KC-7KQ2-M9X0"
    assert normalise_reference("understand") is None


@pytest.mark.parametrize(
    "typed",
    [
        "KC-ABCD-EFGH",
        "kc-abcd-efgh",
        "kcabcdefgh",
        "KCABCDEFGH",
        "KC ABCD EFGH",
        "KC ABCD-EFGH",
        "my ref is kc-abcd-efgh thanks",
        "case KCABCDEFGH?",
    ],
)
def test_reference_without_a_digit_is_found_as_issued(typed: str) -> None:
    # About one reference in twenty is all letters: it must be found in every form the
    # resident is likely to type it.
    assert normalise_reference(typed) == "KC-ABCD-EFGH"


@pytest.mark.parametrize(
    "text",
    [
        "hf what when",
        "kc need help now",
        "wm were they hacked",
        "rc then what",
        "kc abcd efgh",
        "HF NEED HELP",
    ],
)
def test_words_and_slipped_letters_are_not_taken_for_a_reference(text: str) -> None:
    assert normalise_reference(text) is None


def test_a_slip_in_an_unbroken_reference_is_fixed() -> None:
    assert normalise_reference("KC-ABCD-EFGO") == "KC-ABCD-EFG0"
    assert normalise_reference("kcabcdefgo") == "KC-ABCD-EFG0"


def test_every_issued_reference_is_found_in_every_tolerated_form() -> None:
    # Draw enough references that many are digit-free, then type each the ways residents do.
    for _ in range(3000):
        reference = new_reference("WM")
        glued = reference.replace("-", "")
        for typed in (
            reference,
            reference.lower(),
            glued,
            glued.lower(),
            f"it's {reference.lower()} i think",
            reference.replace("-", " "),
        ):
            assert normalise_reference(typed) == reference, typed


def test_priority_only_goes_up(session) -> None:
    case = ensure_case(session, "conv", "rest", "human_request", "standard", submit=True)
    ensure_case(session, "conv", "rest", "urgent_help", "urgent", issue="danger")
    assert case.priority == "urgent" and case.category == "urgent_help"
    ensure_case(session, "conv", "rest", "complaint", "standard", issue="also a complaint")
    assert case.priority == "urgent" and case.issues == ["danger", "also a complaint"]
