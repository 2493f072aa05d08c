"""The redactor over the labelled set (the targets the privacy layer promises) and by example."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.privacy.redactor import (
    contains_financial_or_ni,
    find_pii,
    get_pipeline,
    might_contain_pii,
    redact,
    redact_data,
)
from bot.privacy.validators import iban_ok, luhn_ok, ni_prefix_ok
from devtools.bench.privacy_bench import evaluate, load_labelled

RECALL_TARGETS = {"CARD": 0.99, "NI": 0.99, "PHONE": 0.99, "EMAIL": 0.99}
MAX_CLEAN_CHANGE_RATE = 0.02


@pytest.fixture(scope="module")
def labelled() -> list[dict]:
    return load_labelled()


@pytest.fixture(scope="module")
def scores(labelled: list[dict]) -> dict:
    return evaluate(labelled).as_dict()


def test_labelled_set_is_large_and_consistent(labelled: list[dict]) -> None:
    with_pii = [r for r in labelled if r["spans"]]
    without = [r for r in labelled if not r["spans"]]
    assert len(with_pii) >= 300 and len(without) >= 300
    for record in with_pii:
        for span in record["spans"]:
            assert record["text"][span["start"]:span["end"]] == span["text"]
        assert record["types"] == sorted({s["type"] for s in record["spans"]})


@pytest.mark.parametrize("kind", sorted(RECALL_TARGETS))
def test_recall_per_type_meets_target(scores: dict, kind: str) -> None:
    row = scores["per_type"][kind]
    assert row["support"] >= 30
    assert row["recall"] >= RECALL_TARGETS[kind], row


def test_clean_messages_are_left_alone(scores: dict) -> None:
    assert scores["clean_change_rate"] <= MAX_CLEAN_CHANGE_RATE


def test_every_type_is_precise(scores: dict) -> None:
    for kind, row in scores["per_type"].items():
        assert row["precision"] >= 0.95, (kind, row)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("card 4111 1111 1111 1111 exp 12/27 cvv 123", "card [CARD] exp [EXPIRY] cvv [CVV]"),
        ("5555-5555-5555-4444 12/26 321", "[CARD] [EXPIRY] [CVV]"),
        ("sort code 20-00-00 acc 12345678", "sort code [BANK] acc [BANK]"),
        ("IBAN GB82 WEST 1234 5698 7654 32 thanks", "IBAN [BANK] thanks"),
        ("ni ab 12 34 56 c", "ni [NI]"),
        ("call +44 (0)7700 900118 or 020 7946 0018", "call [PHONE] or [PHONE]"),
        ("jo.bloggs@example.com", "[EMAIL]"),
        ("w10 6el", "[POSTCODE]"),
        ("sw6", "[POSTCODE]"),
        ("I live in sw6", "I live in [POSTCODE]"),
        ("d.o.b 12/03/1985", "d.o.b [DOB]"),
        ("born on 3rd March 1985", "born on [DOB]"),
        ("passport no 123456789", "passport no [PASSPORT]"),
        ("licence MORGA753116SM9IJ", "licence [LICENCE]"),
    ],
)
def test_masks_by_type(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "any news on KC-7KQ2-M9XD?",
        "I paid £1,234.56 twice",
        "bins missed 14/05/2024 and 21/05/2024",
        "the 52 and the N207 are diverted",
        "council tax account number 12345678",
        "since 2019, at 10:30",
        "I rang 999, then 111, 101, 159, 7726 and 116 123",
        "action fraud is 0300 123 2040",
        "my parking permit expires 06/26",
        "bank holiday collections 26-08-24",
        "flat a1 2nd floor",
        "the N9 night bus",
    ],
)
def test_look_alikes_are_kept(text: str) -> None:
    assert find_pii(text) == []
    assert redact(text) == text


def test_spans_give_type_offsets_and_text() -> None:
    text = "call 07700 900118 or jo@example.com"
    spans = find_pii(text)
    assert [(s.type, s.text) for s in spans] == [("PHONE", "07700 900118"),
                                                 ("EMAIL", "jo@example.com")]
    assert all(text[s.start:s.end] == s.text for s in spans)


def test_financial_or_ni_warning() -> None:
    assert contains_financial_or_ni("my card is 4111111111111111")
    assert contains_financial_or_ni("sort code 20-00-00 account 12345678")
    assert contains_financial_or_ni("NI AB123456C")
    assert not contains_financial_or_ni("call me on 07700 900118")
    assert not contains_financial_or_ni("what is a sort code?")


def test_validators() -> None:
    assert luhn_ok("4111111111111111") and not luhn_ok("4111111111111112")
    assert iban_ok("GB82WEST12345698765432") and not iban_ok("GB83WEST12345698765432")
    assert ni_prefix_ok("AB") and not ni_prefix_ok("GB") and not ni_prefix_ok("DA")
    assert not find_pii("GB83 WEST 1234 5698 7654 32")
    # The NI finder no longer uses the prefix rule (#15.7): see test_names_addresses.py.
    assert redact("QQ 12 34 56 C") == "[NI]"


def test_fast_path_skips_text_without_digits_or_at() -> None:
    assert not might_contain_pii("I want to speak to a person please")
    assert might_contain_pii("sw6")
    assert might_contain_pii("jo at example dot com")


def test_redact_data_walks_nested_values_and_keeps_keys() -> None:
    data = {"name": "07700 900118", "text": "call 07700 900118",
            "items": [{"value": "jo@example.com"}, 3, None]}
    result = redact_data(data, frozenset({"name"}))
    assert result == {"name": "07700 900118", "text": "call [PHONE]",
                      "items": [{"value": "[EMAIL]"}, 3, None]}
    assert data["text"] == "call 07700 900118"


def test_pipeline_is_built_once_and_safe_across_threads() -> None:
    assert get_pipeline() is get_pipeline()
    texts = [f"call 07700 900{n:03d} about KC-7KQ2-M9XD" for n in range(200)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(redact, texts))
    assert results == ["call [PHONE] about KC-7KQ2-M9XD"] * 200


def test_clean_texts_are_remembered_but_personal_data_never_is() -> None:
    from bot.privacy import redactor

    clean = "Phone the council on 020 7361 3000, open 9 to 5 today"
    dirty = "my card is 4111 1111 1111 1111 call me on 07700 900118"
    redactor._clean.clear()
    first = redactor.find_pii(clean)
    assert redactor.find_pii(clean) == first
    assert redactor.redact(dirty) == redactor.redact(dirty)
    assert "07700 900118" not in redactor.redact(dirty)
    assert dirty not in redactor._clean
    assert list(redactor._clean) == ([] if first else [clean])
