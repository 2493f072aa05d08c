"""Service words in the languages residents write, mapped to the contract's service ids.

The English keyword table (bot.services.status.SERVICE_KEYWORDS) only sees ASCII words, so a
Portuguese "o lixo não foi recolhido" or a Polish "śmieci" named no service and the resident
was asked "Which service?" after already saying it. One data file per language in
`service_vocab/` (the 12 languages in bot/language, plus English typos and everyday words the
keyword table lacks) lists the words for each service.

Matching does not depend on language detection (a message often mixes languages): every
file is searched. Text and terms are compared after the same normalisation: case folded,
accents dropped from Latin letters (so "smieci" matches "śmieci"), Arabic and Persian letter
variants unified, zero-width joiners made spaces. In a file:

- a Latin-script term must match whole words; a trailing `*` makes it a stem ("bibliotek*"
  matches "biblioteki", "bibliotekę");
- a term in another script (Arabic, Persian, Bengali, Ethiopic) matches anywhere, because
  those languages join prefixes and suffixes to the word ("والقمامة", "ময়লার"); a leading `=`
  makes it a whole word (for short terms that occur inside other words).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from bot.services.status import GENERIC_SERVICES, SERVICE_IDS, SERVICE_KEYWORDS

VOCAB_DIR = Path(__file__).with_name("service_vocab")

_LETTER_FOLD = str.maketrans({
    "ł": "l", "ı": "i", "ø": "o", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe",
    # Arabic and Persian letter variants: alef forms, yeh/alef maqsura, kaf, teh marbuta
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ی": "ي", "ک": "ك", "ة": "ه",
    "\u200c": " ", "\u200d": "", "\u0640": "",  # ZWNJ, ZWJ, tatweel
})
_ARABIC_MARKS = re.compile(r"[\u064b-\u065f\u0670]")
_WORD = re.compile(r"[a-z0-9]+")
_WORD_IN_TEXT = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """Lower case, accents off Latin letters, script variants unified, spaces collapsed."""
    lowered = unicodedata.normalize("NFKD", (text or "").casefold().translate(_LETTER_FOLD))
    kept: list[str] = []
    for char in lowered:
        if unicodedata.combining(char) and kept and "a" <= kept[-1] <= "z":
            continue  # an accent on a Latin letter
        kept.append(char)
    return re.sub(r"\s+", " ", _ARABIC_MARKS.sub("", "".join(kept))).strip()


def _is_latin(term: str) -> bool:
    return all(ord(c) < 0x250 for c in term)


def _wordy(char: str) -> bool:
    return unicodedata.category(char)[0] in "LMN"


@dataclass(frozen=True)
class Term:
    text: str  # folded
    service: str
    bound_left: bool
    bound_right: bool

    def found_in(self, folded: str) -> bool:
        start = folded.find(self.text)
        while start >= 0:
            end = start + len(self.text)
            if not (self.bound_left and start > 0 and _wordy(folded[start - 1])) and not (
                    self.bound_right and end < len(folded) and _wordy(folded[end])):
                return True
            start = folded.find(self.text, start + 1)
        return False


def parse_term(raw: str, service: str) -> Term:
    """A vocabulary entry as written in a file, with its matching rule."""
    raw = str(raw).strip()
    whole = raw.startswith("=")
    stem = raw.endswith("*")
    text = fold(raw.lstrip("=").rstrip("*"))
    if not text:
        raise ValueError(f"empty service term for {service}")
    if _is_latin(text):
        return Term(text, service, bound_left=True, bound_right=not stem)
    return Term(text, service, bound_left=whole, bound_right=whole and not stem)


def load_file(path: Path) -> list[Term]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    terms: list[Term] = []
    for service, words in (data.get("services") or {}).items():
        if service not in SERVICE_IDS:
            raise ValueError(f"{path.name}: {service!r} is not a service id")
        terms.extend(parse_term(word, service) for word in words or [])
    return terms


@dataclass(frozen=True)
class Vocabulary:
    words: dict[str, tuple[str, ...]]  # one whole Latin word -> services (a set lookup)
    terms: dict[str, tuple[Term, ...]]  # everything else, by its first two characters


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """Every term of every language file, and the English keywords too, so a message mixing
    an English and a Portuguese service word is seen as naming two."""
    terms = [parse_term(word, service) for service, words in SERVICE_KEYWORDS.items()
             for word in words]
    for path in sorted(VOCAB_DIR.glob("*.yml")):
        terms.extend(load_file(path))
    words: dict[str, list[str]] = {}
    rest: dict[tuple[str, str, bool, bool], Term] = {}
    for term in terms:
        if term.bound_left and term.bound_right and _WORD.fullmatch(term.text):
            services = words.setdefault(term.text, [])
            if term.service not in services:
                services.append(term.service)
        else:
            rest[(term.text, term.service, term.bound_left, term.bound_right)] = term
    by_start: dict[str, list[Term]] = {}
    for term in rest.values():
        by_start.setdefault(term.text[:2], []).append(term)
    return Vocabulary({w: tuple(s) for w, s in words.items()},
                      {k: tuple(v) for k, v in by_start.items()})


def services_named(text: str) -> list[str]:
    """Every service id some term names in `text`, in the order first found."""
    folded = fold(text)
    vocab = vocabulary()
    found: list[str] = []
    for word in _WORD_IN_TEXT.findall(folded):
        for service in vocab.words.get(word, ()):
            if service not in found:
                found.append(service)
    starts = {folded[i:i + 2] for i in range(len(folded) - 1)} | {folded[-1:]}
    for start in sorted(starts & vocab.terms.keys()):
        for term in vocab.terms[start]:
            if term.service not in found and term.found_in(folded):
                found.append(term.service)
    return found


# When a message names several services, the most serious one is answered first (the project's
# rule for several problems at once); the channels come last, payment before phone or website.
SERIOUSNESS = ("homelessness", "social_care", "housing_repairs", "benefits", "council_tax",
               "registrars", "waste", "parking", "planning", "libraries", "payments",
               "phone_lines", "website")


def resolve(hits: list[str]) -> str | None:
    """One service from the hits: the keyword table's rules ("council tax support" is a
    benefit; a service beats the channel it is reached by), then the most serious."""
    hits = list(dict.fromkeys(hits))
    if "council_tax" in hits and "benefits" in hits:
        hits.remove("council_tax")  # "council tax support" is a benefit
    specific = [sid for sid in hits if sid not in GENERIC_SERVICES]
    if specific:
        hits = specific  # "pay my council tax" is about council tax, not payments
    return min(hits, key=SERIOUSNESS.index) if hits else None


def service_in_text(text: str) -> str | None:
    """The service `text` names in any language (English keywords included): the most
    serious when it names several, None when it names none."""
    if not text:
        return None
    compact = text.lower().strip().replace(" ", "_")
    if compact in SERVICE_IDS:
        return compact
    return resolve(services_named(text))
