"""Service words in residents' languages and English typos map to the contract's ids (#12)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.language.names import ENGLISH_NAMES
from bot.nlu.entity_values import normalised_service_entities
from bot.nlu.service_vocab import (
    SERIOUSNESS,
    VOCAB_DIR,
    fold,
    load_file,
    parse_term,
    service_in_text,
    services_named,
)
from bot.services.status import SERVICE_IDS


def test_every_language_has_a_vocabulary_covering_every_service() -> None:
    for code in ENGLISH_NAMES:
        path = VOCAB_DIR / f"{code}.yml"
        assert path.is_file(), code
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert data["language"] == code
        assert set(data["services"]) == set(SERVICE_IDS), code
        assert all(data["services"][s] for s in SERVICE_IDS), code
        assert load_file(path)  # every term parses


def test_a_file_naming_an_unknown_service_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "xx.yml"
    bad.write_text("language: xx\nservices:\n  bins: [lixo]\n", encoding="utf-8")
    with pytest.raises(ValueError, match="not a service id"):
        load_file(bad)


def test_folding_drops_accents_and_unifies_scripts() -> None:
    assert fold("Śmieci NIE zostały") == "smieci nie zostaly"
    assert fold("çöpler alınmadı") == "copler alinmadi"
    assert fold("بی\u200cخانمان") == fold("بی خانمان")
    assert fold("القمامة") == fold("القمامه")
    assert fold("ময়লা") == fold("ম\u09af\u09bcলা")  # the two ways to type য়


def test_latin_terms_are_whole_words_unless_stems() -> None:
    assert parse_term("lixo", "waste").found_in("o lixo esta")
    assert not parse_term("lixo", "waste").found_in("lixos")
    assert parse_term("bibliotek*", "libraries").found_in("biblioteki zamkniete")
    assert not parse_term("bibliotek*", "libraries").found_in("xbiblioteki")
    assert service_in_text("czy w bibliotece jest internet") == "libraries"


@pytest.mark.parametrize(("text", "service"), [
    # Portuguese, Spanish, French, Italian, Romanian
    ("o lixo não foi recolhido esta semana", "waste"),
    ("a reciclagem passa amanhã?", "waste"),
    ("posso pagar o imposto municipal?", "council_tax"),
    ("a biblioteca está aberta?", "libraries"),
    ("no han recogido la basura en mi calle", "waste"),
    ("tengo humedad y moho en el piso", "housing_repairs"),
    ("me van a desahuciar el viernes", "homelessness"),
    ("les poubelles n'ont pas été ramassées", "waste"),
    ("je dois déclarer une naissance", "registrars"),
    ("la caldaia è rotta da una settimana", "housing_repairs"),
    ("devo registrare la nascita di mio figlio", "registrars"),
    ("gunoiul nu a fost ridicat", "waste"),
    ("am primit o amendă de parcare", "parking"),
    # Polish with and without diacritics, Turkish
    ("śmieci nie zostały odebrane", "waste"),
    ("smieci nie zostaly odebrane", "waste"),
    ("potrzebuję pozwolenie na parkowanie", "parking"),
    ("czy biblioteki są otwarte", "libraries"),
    ("çöpler üç gündür alınmadı", "waste"),
    ("kombi arızalı, tamir lazım", "housing_repairs"),
    # Arabic, Persian, Bengali, Somali, Tigrinya
    ("لم يتم جمع القمامة منذ أسبوع", "waste"),
    ("أريد تسجيل الولادة لابني", "registrars"),
    ("زباله‌ها را جمع نکردند", "waste"),
    ("کتابخانه باز است؟", "libraries"),
    ("আমাদের ময়লা নিয়ে যায়নি", "waste"),
    ("কাউন্সিল ট্যাক্স কিভাবে দেব", "council_tax"),
    ("qashinka lama qaadin toddobaadkan", "waste"),
    ("maktabadda ma furan tahay", "libraries"),
    ("ጓሓፍ ኣይተኣከበን", "waste"),
    # English typos and everyday words
    ("rubish not colected", "waste"),
    ("the liberary is shut", "libraries"),
    ("no heating and hot water since monday", "housing_repairs"),
    ("landlord kicked us out last night", "homelessness"),
    ("been on hold for an hour", "phone_lines"),
    ("the referral portal is down", "social_care"),  # the service, not the channel
    ("need to register my baby", "registrars"),
])
def test_service_words_in_any_language(text: str, service: str) -> None:
    assert service_in_text(text) == service


@pytest.mark.parametrize("text", [
    "they refuse to help me",  # "refuse" the verb, not refuse collection
    "the cops came round",  # English "cop" is not Turkish çöp
    "naprawdę nie wiem",  # Polish "really", not "naprawa"
    "tell me a joke",
    "mi dispiace",
])
def test_ordinary_words_name_no_service(text: str) -> None:
    assert services_named(text) == []


def test_several_services_the_most_serious_first() -> None:
    assert service_in_text("o lixo e a biblioteca") == "waste"
    assert service_in_text("evicted and my housing benefit stopped") == "homelessness"
    assert service_in_text("cant pay online, the website is down") == "payments"
    assert service_in_text("council tax support") == "benefits"
    assert set(SERIOUSNESS) == set(SERVICE_IDS)


def test_normaliser_maps_a_foreign_span_diet_tagged() -> None:
    text = "o lixo não foi recolhido"
    raw = [{"entity": "service", "value": "lixo", "start": 2, "end": 6}]
    assert [e["value"] for e in normalised_service_entities(text, raw)] == ["waste"]
    # and adds one when DIET found none
    found = normalised_service_entities("śmieci nie zostały odebrane", [])
    assert [e["value"] for e in found if e["entity"] == "service"] == ["waste"]
