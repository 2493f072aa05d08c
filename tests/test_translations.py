"""The translated message files keep every key, placeholder and phone number of en.yml."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

TRANSLATIONS = Path(__file__).resolve().parent.parent / "bot" / "language" / "translations"
EXPECTED_LANGUAGES = {"ar", "bn", "es", "fa", "fr", "it", "pl", "pt", "ro", "so", "ti", "tr"}

PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")
# A number as written in the English, e.g. "999", "116 123", "0808 2000 247" (ASCII digits only).
NUMBER = re.compile(r"[0-9]+(?: [0-9]+)*")
# Arabic-Indic, extended (Persian) Arabic-Indic and Bengali digits: numbers must stay 0-9.
NON_WESTERN_DIGIT = re.compile(r"[\u0660-\u0669\u06F0-\u06F9\u09E6-\u09EF]")
SCRIPTS = {
    "ar": re.compile(r"[\u0600-\u06FF]"),
    "fa": re.compile(r"[\u0600-\u06FF]"),
    "bn": re.compile(r"[\u0980-\u09FF]"),
    "ti": re.compile(r"[\u1200-\u137F]"),
}
# Letters that belong to one of Arabic or Farsi but not the other (yeh and kaf forms).
FOREIGN_LETTERS = {"ar": re.compile(r"[\u06CC\u06A9]"), "fa": re.compile(r"[\u064A\u0643]")}


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


SOURCE = _load(TRANSLATIONS / "en.yml")
SOURCE_TEXT = {key: entry["text"] for key, entry in SOURCE["messages"].items()}
LANGUAGE_FILES = sorted(p for p in TRANSLATIONS.glob("*.yml") if p.stem != "en")


def _numbers(text: str) -> set[str]:
    return {match.replace(" ", "") for match in NUMBER.findall(text)}


def _entries(path: Path):
    return _load(path)["messages"].items()


def test_source_is_well_formed():
    assert SOURCE["language"] == "en"
    assert SOURCE_TEXT
    assert all(isinstance(text, str) and text.strip() for text in SOURCE_TEXT.values())


def test_expected_languages_present():
    assert EXPECTED_LANGUAGES <= {p.stem for p in LANGUAGE_FILES}


@pytest.fixture(params=LANGUAGE_FILES, ids=lambda p: p.stem)
def lang_file(request) -> Path:
    return request.param


def test_header(lang_file: Path):
    data = _load(lang_file)
    assert {"language", "name", "reviewed", "messages"} <= set(data)
    assert data["language"] == lang_file.stem
    assert isinstance(data["name"], str) and data["name"].strip()
    assert isinstance(data["reviewed"], bool)
    assert isinstance(data["messages"], dict)


def test_same_keys_as_source(lang_file: Path):
    keys = set(_load(lang_file)["messages"])
    assert keys - set(SOURCE_TEXT) == set(), "keys not in en.yml"
    assert set(SOURCE_TEXT) - keys == set(), "keys of en.yml missing"


def test_entries_have_en_and_text(lang_file: Path):
    for key, entry in _entries(lang_file):
        assert isinstance(entry, dict) and set(entry) == {"en", "text"}, key
        assert isinstance(entry["text"], str), key


def test_en_copied_exactly(lang_file: Path):
    for key, entry in _entries(lang_file):
        assert entry["en"] == SOURCE_TEXT.get(key), key


def test_text_is_translated(lang_file: Path):
    for key, entry in _entries(lang_file):
        text = entry["text"]
        assert text.strip(), f"{key}: empty translation"
        assert text.strip() != SOURCE_TEXT[key].strip(), f"{key}: identical to the English"


def test_placeholders_kept(lang_file: Path):
    for key, entry in _entries(lang_file):
        source = Counter(PLACEHOLDER.findall(SOURCE_TEXT[key]))
        assert Counter(PLACEHOLDER.findall(entry["text"])) == source, key


def test_phone_numbers_kept(lang_file: Path):
    for key, entry in _entries(lang_file):
        text = entry["text"]
        compact = text.replace(" ", "")
        expected = _numbers(SOURCE_TEXT[key])
        for number in expected:
            assert number in compact, f"{key}: {number} missing"
        assert _numbers(text) == expected, f"{key}: numbers differ from the English"
        assert not NON_WESTERN_DIGIT.search(text), f"{key}: use the digits 0-9"


@pytest.mark.parametrize("code", sorted(SCRIPTS))
def test_script(code: str):
    path = TRANSLATIONS / f"{code}.yml"
    if not path.exists():
        pytest.fail(f"{path.name} missing")
    for key, entry in _entries(path):
        assert SCRIPTS[code].search(entry["text"]), f"{key}: not in the {code} script"
        if code in FOREIGN_LETTERS:
            assert not FOREIGN_LETTERS[code].search(entry["text"]), f"{key}: wrong yeh/kaf"


def test_strings_double_quoted(lang_file: Path):
    for number, line in enumerate(lang_file.read_text(encoding="utf-8").splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith(("en:", "text:")):
            value = stripped.split(":", 1)[1].strip()
            assert value.startswith('"') and value.endswith('"'), f"line {number}"
