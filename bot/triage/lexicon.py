"""The second safety net: per-language phrase lexicons for urgent disclosures not in English.

The English matcher in ``bot.triage.engine`` almost never fires on other languages, so a
resident who writes "mój mąż mnie bije" or "أريد أن أموت" would be missed. Each file in
``bot/triage/lexicons/<code>.yml`` lists, per urgent category, short phrases (whole-word
sequences) plus ``vetoes``: benign look-alikes that cancel any phrase they overlap.

Matching rules, kept deliberately simple so that a reviewer can predict what fires:

* Text and phrases go through the same normaliser: NFKD, combining marks stripped, casefold,
  a few letters NFKD leaves alone mapped (``ł`` -> ``l``, Turkish ``ı`` -> ``i``, ``œ`` ->
  ``oe``), Arabic-script letter variants unified (alef forms, alef maksura and Farsi yeh ->
  yeh, teh marbuta -> heh, Farsi kaf -> kaf, lone hamza and tatweel dropped), a few Ethiopic
  homophone series unified (``ፀ`` -> ``ጸ``, ``ሠ`` -> ``ሰ``, ``ኀ`` -> ``ሐ``, ``አ`` -> ``ኣ``,
  ``ዐ`` -> ``ዓ``), the zero-width non-joiner treated as a space, then every run of
  characters that are not letters, digits or spacing marks collapsed to one space.
  Apostrophes and hyphens therefore split words: "j'ai" is "j ai", "matar-me" is "matar me".
  Chinese is written without spaces, so each Han character is a word of its own ("自杀" is
  "自 杀"): a Chinese phrase matches wherever its characters stand together. Japanese mixes
  Han with kana, also without spaces, so each hiragana and katakana character is a word too
  ("ガス漏れ" is "カ ス 漏 れ" once NFKD has dropped the voicing mark): a Japanese phrase
  matches wherever it stands, not only at the start of a run of kana.
* The Arabic conjunction و is written joined to the next word, so a phrase also matches when
  its first word has و in front of it ("ولا يتنفس" matches "لا يتنفس").
* A phrase is a sequence of whole words. If the entry ends with ``*`` its last word is a
  prefix ("samobojst*" matches "samobójstwo" and "samobójstwa").
* A phrase match that overlaps any veto match (from any language) is dropped.
* Of what is left, the most serious category by ``PRIORITY`` wins, then the earliest match,
  then the longest; ``RiskMatch.phrase`` is the lexicon entry as written in the file.

There is no negation handling: negated forms that matter ("no estoy en peligro") are listed
as vetoes. All lexicons are applied to every message whatever its language, so a phrase must
not be an ordinary sequence of English words (the tests check a set of English sentences).
The lexicons are ``reviewed: false`` until a native speaker has been through them.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.triage.categories import RANK, RiskMatch, UrgentCategory

logger = logging.getLogger(__name__)

LEXICON_DIR = Path(__file__).with_name("lexicons")

# Letters that NFKD does not decompose but a resident may type either way.
_LETTER_MAP: dict[str, str] = {
    "ł": "l", "ı": "i", "ø": "o", "đ": "d", "ħ": "h", "œ": "oe", "æ": "ae", "ß": "ss",
    "ŀ": "l", "ĸ": "k", "ſ": "s",
    # Arabic script (NFKD already turns hamza-carrying alef/waw/yeh into the bare letter)
    "ٱ": "ا", "ى": "ي", "ی": "ي", "ې": "ي", "ۍ": "ي", "ة": "ه", "ۀ": "ه", "ە": "ه",
    "ھ": "ه", "ک": "ك", "ڪ": "ك", "ء": "", "ـ": "",
    "٠": "0", "١": "1", "٢": "2", "٣": "3", "٤": "4", "٥": "5", "٦": "6", "٧": "7",
    "٨": "8", "٩": "9", "۰": "0", "۱": "1", "۲": "2", "۳": "3", "۴": "4", "۵": "5",
    "۶": "6", "۷": "7", "۸": "8", "۹": "9",
    # Ethiopic: series that sound the same in Tigrinya, and the two ways of typing "a"
    "አ": "ኣ", "ዐ": "ዓ",
}
for _offset in range(8):
    _LETTER_MAP[chr(0x1340 + _offset)] = chr(0x1338 + _offset)  # ፀ series -> ጸ series
    _LETTER_MAP[chr(0x1220 + _offset)] = chr(0x1230 + _offset)  # ሠ series -> ሰ series
    _LETTER_MAP[chr(0x1280 + _offset)] = chr(0x1210 + _offset)  # ኀ series -> ሐ series

_ZWNJ = "\u200c"
_SURROGATES = re.compile("[\ud800-\udfff]")


def _is_han(char: str) -> bool:
    """Han ideographs, and Japanese hiragana and katakana: scripts written without spaces."""
    point = ord(char)
    return (0x4E00 <= point <= 0x9FFF or 0x3400 <= point <= 0x4DBF or 0xF900 <= point <= 0xFAFF
            or 0x3041 <= point <= 0x3096 or 0x30A1 <= point <= 0x30FA or point == 0x30FC)


def _map_char(char: str) -> str:
    """What one (already casefolded, NFKD) character becomes in normalised text."""
    if char in _LETTER_MAP:
        return _LETTER_MAP[char]
    if _is_han(char):
        return f" {char} "
    category = unicodedata.category(char)
    if category in ("Mn", "Me"):
        return ""
    if category == "Cf":
        return " " if char == _ZWNJ else ""
    if category[0] in "LN" or category == "Mc":
        return char
    return " "


class _CharTable(dict):
    """A ``str.translate`` table that works each character out once and remembers it."""

    def __missing__(self, code: int) -> str:
        value = _map_char(chr(code))
        self[code] = value
        return value


_TABLE = _CharTable()


def normalise(text: str) -> str:
    """Lower-case, diacritic-free, single-spaced text on which phrases are matched."""
    text = _SURROGATES.sub(" ", text)
    text = unicodedata.normalize("NFKD", text.casefold())
    # casefold can leave characters (e.g. "İ" -> "i̇") whose NFKD form differs, hence the order
    return " ".join(text.translate(_TABLE).split())


@dataclass(frozen=True)
class LexiconEntry:
    """One phrase or veto: its words after normalisation and whether the last is a prefix."""

    language: str
    category: UrgentCategory | None  # None for a veto
    phrase: str  # as written in the file
    words: tuple[str, ...]
    prefix: bool


@dataclass(frozen=True)
class Lexicon:
    """One language file."""

    language: str
    name: str
    reviewed: bool
    path: Path
    phrases: tuple[LexiconEntry, ...]
    vetoes: tuple[LexiconEntry, ...]


@dataclass(frozen=True)
class LexiconHit:
    """A phrase or veto found in a text, with its span in normalised words."""

    entry: LexiconEntry
    start: int
    end: int


def _entry(language: str, category: UrgentCategory | None, raw: object, where: str
           ) -> LexiconEntry:
    if not isinstance(raw, str):
        raise ValueError(f"{where}: phrases must be strings, got {raw!r}")
    text = raw.strip()
    prefix = text.endswith("*")
    words = tuple(normalise(text.rstrip("*")).split())
    if not words:
        raise ValueError(f"{where}: phrase {raw!r} is empty after normalisation")
    return LexiconEntry(language, category, raw, words, prefix)


def load_lexicon(path: Path) -> Lexicon:
    """Parse and check one lexicon file; raises ValueError on anything malformed."""
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping")
    language = data.get("language")
    if not isinstance(language, str) or language != path.stem:
        raise ValueError(f"{path}: 'language' must be {path.stem!r}, got {language!r}")
    phrases_by_category = data.get("phrases")
    if not isinstance(phrases_by_category, dict) or not phrases_by_category:
        raise ValueError(f"{path}: 'phrases' must be a non-empty mapping")
    valid = {category.value: category for category in UrgentCategory}
    phrases: list[LexiconEntry] = []
    for key, items in phrases_by_category.items():
        if key not in valid:
            raise ValueError(f"{path}: unknown category {key!r}")
        if not isinstance(items, list):
            raise ValueError(f"{path}: phrases.{key} must be a list")
        phrases.extend(_entry(language, valid[key], item, f"{path}: phrases.{key}")
                       for item in items)
    vetoes = data.get("vetoes") or []
    if not isinstance(vetoes, list):
        raise ValueError(f"{path}: 'vetoes' must be a list")
    return Lexicon(
        language=language,
        name=str(data.get("name", language)),
        reviewed=bool(data.get("reviewed", False)),
        path=path,
        phrases=tuple(phrases),
        vetoes=tuple(_entry(language, None, item, f"{path}: vetoes") for item in vetoes),
    )


class _Index:
    """Every entry of every lexicon, looked up by its first word.

    Entries whose only word is a prefix are looked up by that prefix instead: for each word of
    the text, the index tries the word's leading characters at each prefix length in use.
    """

    def __init__(self, lexicons: Iterable[Lexicon]) -> None:
        self.lexicons = tuple(lexicons)
        self.by_first: dict[str, list[LexiconEntry]] = {}
        self.by_prefix: dict[str, list[LexiconEntry]] = {}
        for lexicon in self.lexicons:
            for entry in lexicon.phrases + lexicon.vetoes:
                if entry.prefix and len(entry.words) == 1:
                    self.by_prefix.setdefault(entry.words[0], []).append(entry)
                else:
                    self.by_first.setdefault(entry.words[0], []).append(entry)
        self.prefix_lengths = tuple(sorted({len(prefix) for prefix in self.by_prefix}))

    def hits(self, words: list[str]) -> Iterator[LexiconHit]:
        count = len(words)
        for start, word in enumerate(words):
            for first in _first_word_forms(word):
                for entry in self.by_first.get(first, ()):
                    end = start + len(entry.words)
                    if end <= count and _matches_at(words, start, first, entry):
                        yield LexiconHit(entry, start, end)
                for length in self.prefix_lengths:
                    if length > len(first):
                        break
                    for entry in self.by_prefix.get(first[:length], ()):
                        yield LexiconHit(entry, start, start + 1)


_WAW = "\u0648"


def _first_word_forms(word: str) -> tuple[str, ...]:
    """The word, and for an Arabic word with the conjunction و attached ("وأنا", "ولا") the word
    without it, so that a phrase need not be listed again with و in front of it."""
    if word.startswith(_WAW) and len(word) > 2:
        return (word, word[1:])
    return (word,)


def _matches_at(words: list[str], start: int, first: str, entry: LexiconEntry) -> bool:
    """Whether the entry's words follow from ``start``, reading the word there as ``first``
    (single-word prefix entries are checked by the index itself)."""
    last = len(entry.words) - 1
    for offset in range(1, last):
        if words[start + offset] != entry.words[offset]:
            return False
    found = words[start + last] if last else first
    return found.startswith(entry.words[last]) if entry.prefix else found == entry.words[last]


_index: _Index | None = None
_index_lock = threading.Lock()


def load_lexicons(directory: Path = LEXICON_DIR) -> tuple[Lexicon, ...]:
    """Every ``*.yml`` lexicon in the directory, sorted by language code.

    Raises FileNotFoundError when there are none (e.g. a package built without its data files),
    so that a missing net fails loudly at ``warm_up`` instead of silently matching nothing.
    """
    paths = sorted(directory.glob("*.yml"))
    if not paths:
        raise FileNotFoundError(f"no lexicon files in {directory}")
    return tuple(load_lexicon(path) for path in paths)


def _get_index() -> _Index:
    global _index
    if _index is None:
        with _index_lock:
            if _index is None:
                _index = _Index(load_lexicons())
    return _index


def warm_up() -> None:
    """Load and index the lexicons now (server start); raises if a file is malformed."""
    _get_index()


def find_lexicon_matches(text: str) -> list[LexiconHit]:
    """Every phrase match in the text that no veto overlaps (vetoes themselves excluded)."""
    words = normalise(text).split()
    if not words:
        return []
    found = list(_get_index().hits(words))
    vetoed = bytearray(len(words))  # 1 where a veto covers the word; phrases are a few words
    for hit in found:
        if hit.entry.category is None:
            vetoed[hit.start:hit.end] = b"\x01" * (hit.end - hit.start)
    return [
        hit for hit in found
        if hit.entry.category is not None and not any(vetoed[hit.start:hit.end])
    ]


def detect_risk_in_lexicons(text: str) -> RiskMatch | None:
    """The most serious urgent category a lexicon phrase shows, or None.

    Never raises on odd input (non-strings, empty, huge, lone surrogates); a broken lexicon
    file is logged and treated as no match here, and is raised by ``warm_up`` at start-up.
    """
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        hits = find_lexicon_matches(text)
    except Exception:  # a safety net must not take the conversation down
        logger.exception("Lexicon safety net failed; treating the message as no match")
        return None
    if not hits:
        return None
    best = min(hits, key=lambda hit: (RANK[hit.entry.category], hit.start, hit.start - hit.end))
    assert best.entry.category is not None
    return RiskMatch(category=best.entry.category, phrase=best.entry.phrase)
