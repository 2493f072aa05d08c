"""Names, street addresses and NI-shaped numbers (#15.7), scored on a labelled set written for it.

The set (tests/data/names_addresses_labelled.jsonl) has five parts: "dev", written before the
rules and used to develop them; "fresh", "fresh2", "fresh3" (282 messages in the residents' own
style: lower case, SMS, names from many cultures, estates) and "fresh4" (100), each written
later and measured before any change was made for it (their figures at the time are in
docs/data-at-rest.md). Each later part must meet the target on its own, not only the whole.
"""

from __future__ import annotations

import pytest

from bot.privacy.redactor import find_pii, redact
from devtools.bench.privacy_bench import NAMES_ADDRESSES_SET, evaluate_coverage, load_labelled

RECALL_TARGET = 0.95
MAX_FALSE_MASK_WORD_RATE = 0.02
MAX_CLEAN_MASKED_RATE = 0.05


@pytest.fixture(scope="module")
def labelled() -> list[dict]:
    return load_labelled(NAMES_ADDRESSES_SET)


@pytest.fixture(scope="module")
def scores(labelled: list[dict]) -> dict:
    return evaluate_coverage(labelled).as_dict()


def test_the_set_is_large_varied_and_consistent(labelled: list[dict]) -> None:
    assert len(labelled) >= 300
    kinds = {span["type"] for record in labelled for span in record["spans"]}
    assert kinds == {"NAME", "ADDRESS"}
    assert sum(1 for r in labelled if not r["spans"]) >= 100  # ordinary text, for false masks
    for record in labelled:
        for span in record["spans"]:
            assert record["text"][span["start"]:span["end"]] == span["text"]
        assert record["types"] == sorted({s["type"] for s in record["spans"]})
    assert len({r["text"] for r in labelled}) == len(labelled)


@pytest.mark.parametrize("kind", ["NAME", "ADDRESS"])
def test_recall_meets_target(scores: dict, kind: str) -> None:
    assert scores["support"][kind] >= 100
    assert scores["recall"][kind] >= RECALL_TARGET, scores


@pytest.mark.parametrize("part", ["fresh3", "fresh4"])
def test_each_later_part_meets_the_target(labelled: list[dict], part: str) -> None:
    rows = [r for r in labelled if r["set"] == part]
    assert len(rows) >= 100
    scores = evaluate_coverage(rows).as_dict()
    for kind in ("NAME", "ADDRESS"):
        assert scores["recall"][kind] >= RECALL_TARGET, (kind, scores)
    assert scores["false_mask_word_rate"] <= MAX_FALSE_MASK_WORD_RATE, scores
    assert scores["clean_masked_rate"] <= MAX_CLEAN_MASKED_RATE, scores


def test_fresh3_has_the_shapes_it_was_written_for(labelled: list[dict]) -> None:
    rows = [r for r in labelled if r["set"] == "fresh3"]
    assert len(rows) >= 200
    assert sum("NAME" in r["types"] for r in rows) >= 120
    assert sum("ADDRESS" in r["types"] for r in rows) >= 80
    assert sum(not r["spans"] for r in rows) >= 80


def test_ordinary_text_is_rarely_masked(scores: dict) -> None:
    assert scores["false_mask_word_rate"] <= MAX_FALSE_MASK_WORD_RATE, scores
    assert scores["clean_masked_rate"] <= MAX_CLEAN_MASKED_RATE, scores


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my name is sarah jones and my bins", "my name is [NAME] and my bins"),
        ("Hi I'm Chidi Okonkwo", "Hi I'm [NAME]"),
        ("please tell Mrs Begum", "please tell [NAME]"),
        ("my son Kwame's transport", "my son [NAME]'s transport"),
        ("Kind regards, Margaret O'Brien", "Kind regards, [NAME]"),
        ("I live at 22 Oakwood Road, W14 9JU", "I live at [ADDRESS], [POSTCODE]"),
        ("flat 3, 17 elgin crescent", "[ADDRESS]"),
        ("I live on Lillie Road", "I live on [ADDRESS]"),
        ("Flat 9, Chiltern House, Hazlewood Crescent", "[ADDRESS]"),
        ("je m'appelle Amélie Dubois", "je m'appelle [NAME]"),
        ("Nazywam się Katarzyna Nowak", "Nazywam się [NAME]"),
        ("magacaygu waa hodan cali", "magacaygu waa [NAME]"),
        ("Hola, soy Lucía", "Hola, soy [NAME]"),
        ("QQ 12 34 56 C", "[NI]"),
        ("my ni is qq123456c", "my ni is [NI]"),
        ("GB 12 34 56 A", "[NI]"),
        ("ni number TN 11 22 33", "ni number [NI]"),
        # lower case after "I'm"/"this is": a word that is not an everyday word is a name
        ("im guled farah my rent account is wrong", "im [NAME] my rent account is wrong"),
        ("this is wanjiru from flat 2", "this is [NAME] from [ADDRESS]"),
        # first names that are words, where only a name fits
        ("im bill, the skip permit expired", "im [NAME], the skip permit expired"),
        ("please tell Mrs Love the visit moved", "please tell [NAME] the visit moved"),
        ("my name is Hope Achterberg", "my name is [NAME]"),
        # a capitalised stranger after thanks/ask for/from, a relation with "was"
        ("Many thanks, Radoslaw", "Many thanks, [NAME]"),
        ("ask for Tsegereda please", "ask for [NAME] please"),
        ("my support worker was Mairead", "my support worker was [NAME]"),
        ("surname: Wróblewska", "surname: [NAME]"),
        ("c/o Ifeanyi Obi", "c/o [NAME]"),
        ("Kwaku at number 5, Bard Road", "[NAME] at [ADDRESS]"),
        ("Mr Achebe Flat 4 Clement House", "[NAME] [ADDRESS]"),
        ("-- Aroha Ngata", "-- [NAME]"),
        ("pls call me back, amadou sow", "pls call me back, [NAME]"),
        ("Love Brenda", "Love [NAME]"),
        ("I'm Ahmad from Afghanistan", "I'm [NAME] from Afghanistan"),
        # estates and streets in lower case, abbreviated, or without a street word
        ("no heating at flat 9 kelly walk", "no heating at [ADDRESS]"),
        ("we live on wornington way", "we live on [ADDRESS]"),
        ("i live at Dalgarno Gardens Estate, block 4", "i live at [ADDRESS]"),
        ("we live in Lancaster West", "we live in [ADDRESS]"),
        ("its amira from Brindle House", "its [NAME] from [ADDRESS]"),
        ("flat 3 Verity Hse", "[ADDRESS]"),
        ("i live in Sutton Dwellings", "i live in [ADDRESS]"),
        ("the bins on marlow gdns where i live", "the bins on [ADDRESS] where i live"),
    ],
)
def test_masks(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The street lights on Portobello Road are off",
        "I have 3 kids in the house and no heating",
        "it is a 5 minutes walk from the station",
        "My son is in year 9 at Holland Park School",
        "Bill for my garden waste is wrong",
        "May I ask when the office reopens?",
        "Is the Chelsea Flower Show going ahead?",
        "I need the number for St Mary's Hospital",
        "I'm worried about my data",
        "Can Age UK help my mum?",
        "I need help from Adult Social Care",
        "flat a1 2nd floor",
        # found by running the rules over the NLU training texts: a worry, not an address
        "my ex is violent and if my new address was in the stolen data he could find me",
        "If my new address is in the stolen data I am in danger",
        "a lady knocked saying she is from social services",
        # yes/no and pronouns in the residents' languages that are also first names
        "Maya, mahadsanid",
        "Ella no puede pagar",
        "Ana mesh fahem",
        # #15.7 fresh3: words that look like names or streets and are not
        "Bill says £340 but i paid already",
        "love the new chat but it doesnt work",
        "Marks and Spencer on the high street has a broken bin",
        "I live in Chelsea with my 2 kids",
        "we have 5 people in a 2 bed house",
        "it is a 10 min walk from the station",
        "IM SCARED HE WILL KILL ME",
        "Thank you. I'm glad no one is in danger.",
        "samaritans 116 123 helped me",
        "mastercard 5454 5454 5454 5454 cvc 333",
        "i'm gutted, still no bin",
        "this is ridiculous, nobody answers",
        "its freezing in here",
        "the Mozart estate bins are full",
    ],
)
def test_ordinary_text_is_kept(text: str) -> None:
    assert [s for s in find_pii(text) if s.type in ("NAME", "ADDRESS")] == []


def test_everyday_words_are_words_not_names() -> None:
    from bot.privacy.name_lists import AMBIGUOUS_FIRST_NAMES, COMMON_WORDS, FIRST_NAMES

    assert len(COMMON_WORDS) > 20000
    assert {"worried", "heating", "boiler", "glad", "ridiculous", "hope"} <= COMMON_WORDS
    assert not (FIRST_NAMES - AMBIGUOUS_FIRST_NAMES) & COMMON_WORDS
