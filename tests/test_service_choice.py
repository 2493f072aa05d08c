"""Service entities on unseen wording (#12 item 5): typos, plurals, phrases that name no
service, and which of several services comes first. Sentences are written for these tests."""

from __future__ import annotations

from typing import Any

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.entity_values import normalised_service_entities
from bot.nlu.scope_override import OtherBodyScope
from bot.nlu.service_typos import one_edit
from bot.nlu.service_vocab import plural, service_in_text, services_named, vocabulary


def _tag(text: str, words: str, value: str) -> dict[str, Any]:
    start = text.index(words)
    return {"entity": "service", "value": value, "start": start, "end": start + len(words),
            "extractor": "CRFEntityExtractor"}


def _services(text: str, entities: list[dict[str, Any]]) -> list[str]:
    return [e["value"] for e in normalised_service_entities(text, entities)
            if e["entity"] == "service"]


def test_one_edit_is_one_insertion_deletion_substitution_or_swap() -> None:
    assert one_edit("libary", "library") and one_edit("recyclnig", "recycling")
    assert one_edit("berth", "birth") and one_edit("suport", "support")
    assert not one_edit("library", "library") and not one_edit("libr", "library")
    assert one_edit("benfeits", "benefits")  # a swap of neighbours is one edit
    assert not one_edit("benfetis", "benefits")  # two edits


@pytest.mark.parametrize(("text", "service"), [
    ("is the counsil tax suport scheme open", "benefits"),
    ("need a copy of my sons berth certifcate", "registrars"),
    ("when do the recyclnig lorries come round", "waste"),
    ("my boilor has packed in again", "housing_repairs"),
    ("how long is the plannning backlog", "planning"),
    ("sociall services never rang back", "social_care"),
])
def test_one_letter_typos_of_service_words_are_read_as_the_word(text: str, service: str) -> None:
    assert service_in_text(text) == service


@pytest.mark.parametrize("text", [
    "the dog next door keeps barking all night",  # not "parking": the first letter differs
    "what depth should the foundations be",  # a real word, listed under not_typos
    "at this point I give up",  # not "paint"
    "honestly I am broke until friday",  # not "broken"
    "someone phoned me about my bank",  # not "phone lines"
    "she looks after her nan",  # not "locks"
])
def test_real_words_near_a_service_word_are_not_typos(text: str) -> None:
    assert services_named(text) == []


def test_regular_plurals() -> None:
    assert (plural("search"), plural("library"), plural("certificate")) == (
        "searches", "libraries", "certificates")
    assert plural("tip") is None and plural("bins") is None  # short, or already plural
    assert service_in_text("are local authority searches delayed") == "planning"
    assert service_in_text("we need two birth certificates") == "registrars"
    assert service_in_text("are the skip hires running") == "waste"


@pytest.mark.parametrize(("text", "service"), [
    ("the tip on the industrial estate, is it open", "waste"),
    ("can I take old paint to the recycling centre", "waste"),
    ("my resi permit ran out yesterday", "parking"),
    ("got a pcn while the site was down", "parking"),
    ("our wedding ceremony is booked for saturday", "registrars"),
    ("the front door wont lock since the break in", "housing_repairs"),
    ("the front door won’t lock since the break in", "housing_repairs"),  # curly apostrophe
    ("need a replacement key fob for the block", "housing_repairs"),
    ("OT said mum needs a stair lift and grab rails", "social_care"),
    ("been on the streets for a week", "homelessness"),
    ("does the textphone number still work", "phone_lines"),
    ("can i renew lib books from home", "libraries"),
    ("the court summons for unpaid tax is wrong", "council_tax"),
])
def test_everyday_words_residents_use(text: str, service: str) -> None:
    assert service_in_text(text) == service


@pytest.mark.parametrize("text", [
    "it's not life or death but I'd like a call",
    "I feel like death today",
    "what do you hold, my date of birth?",
    "he is planning to leave tomorrow",
    "my visa extension is with the Home Office",
    "was my blue badge application in the data leak",  # blue badge: parking or care
    "how do I register to vote after moving",  # electoral registration: not one of the 13
    "is the freedom pass renewal open",
    "your chatbot is absolutely rubbish",
    "any tips for keeping warm this winter",
    "how do I top up my oyster card",
])
def test_phrases_that_name_no_service(text: str) -> None:
    assert service_in_text(text) is None


def test_a_crf_tag_inside_a_phrase_naming_no_service_is_dropped() -> None:
    text = "my blue badge renewal is late"
    assert _services(text, [_tag(text, "blue badge", "parking")]) == []
    text = "not life or death, just a question"
    assert _services(text, [_tag(text, "death", "registrars")]) == []


def test_a_specific_service_beats_a_channel_the_crf_tagged() -> None:
    text = "how do I book a gas safety check with your phones down"
    assert _services(text, [_tag(text, "phones", "phone_lines")])[0] == "housing_repairs"
    text = "the early help referral form is broken online"
    assert _services(text, [_tag(text, "form", "website")])[0] == "social_care"


def test_a_longer_vocabulary_term_beats_the_crf_tag_on_part_of_it() -> None:
    text = "does the counsil tax suport still get paid"
    assert _services(text, [_tag(text, "counsil tax", "council_tax")])[0] == "benefits"
    text = "waiting for someone to fit a stair lift for my dad"
    assert _services(text, [_tag(text, "lift", "housing_repairs")])[0] == "social_care"


def test_the_crf_tag_stays_first_among_specific_services() -> None:
    text = "my council tax bill came but the kitchen window is fine"
    assert _services(text, [_tag(text, "council tax", "council_tax")])[0] == "council_tax"


def test_among_channels_the_first_named_comes_first() -> None:
    text = "I rang twice and then tried the website"
    assert _services(text, [_tag(text, "website", "website")])[0] == "phone_lines"
    text = "the website only lists phone numbers"
    assert _services(text, [_tag(text, "phone numbers", "phone_lines")])[0] == "website"


def test_nothing_named_nothing_added() -> None:
    assert _services("thanks, that's all", []) == []
    assert _services("/service_status", []) == []


def test_an_other_body_override_leaves_no_service_behind() -> None:
    message = Message(data={
        "text": "when is my universal credit payment due",
        "intent": {"name": "service_status", "confidence": 0.7},
        "intent_ranking": [{"name": "service_status", "confidence": 0.7}],
        "entities": [{"entity": "service", "value": "payments", "start": 0, "end": 39}],
    })
    OtherBodyScope().process([message])
    assert message.get("intent")["name"] == "out_of_scope"
    assert message.get("entities") == []


def test_the_typo_corrector_only_targets_english_words() -> None:
    typos = vocabulary().typos
    assert typos.correct("pavement") is None  # one letter from French "paiement"
    assert typos.correct("council") is None  # a vocabulary word is never corrected
