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

English needs three more things (issue #12, service entities on unseen messages):

- a term's plural is matched too ("local authority searches", "birth certificates");
- one-letter typos of vocabulary words are corrected first (bot/nlu/service_typos.py);
- `names_no_service` lists phrases that contain a service word but name none of the 13
  ("life or death", "date of birth", "planning to", "blue badge", "register to vote"): they
  are blanked before matching, and an entity the CRF tagged inside one is dropped.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from bot.nlu.service_typos import TypoCorrector
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
_APOSTROPHES = re.compile(r"['\u2019\u2018`]")


def fold(text: str) -> str:
    """Lower case, accents off Latin letters, script variants unified, spaces collapsed."""
    lowered = unicodedata.normalize("NFKD", (text or "").casefold().translate(_LETTER_FOLD))
    kept: list[str] = []
    for char in lowered:
        if unicodedata.combining(char) and kept and "a" <= kept[-1] <= "z":
            continue  # an accent on a Latin letter
        kept.append(char)
    # apostrophes go, so "won't", "wont" and "won’t" are one word
    text = _APOSTROPHES.sub("", _ARABIC_MARKS.sub("", "".join(kept)))
    return re.sub(r"\s+", " ", text).strip()


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

    def find(self, folded: str) -> int:
        """Where the term first occurs in `folded` by its matching rule, or -1."""
        start = folded.find(self.text)
        while start >= 0:
            end = start + len(self.text)
            if not (self.bound_left and start > 0 and _wordy(folded[start - 1])) and not (
                    self.bound_right and end < len(folded) and _wordy(folded[end])):
                return start
            start = folded.find(self.text, start + 1)
        return -1

    def found_in(self, folded: str) -> bool:
        return self.find(folded) >= 0


def plural(word: str) -> str | None:
    """The regular English plural of a word of four letters or more, else None."""
    if len(word) < 4 or not word.isalpha() or word.endswith("s"):
        return None
    if word.endswith("y") and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("ch", "sh", "x", "z")):
        return word + "es"
    return word + "s"


def with_plural(term: Term) -> list[Term]:
    """The term, and for an English (Latin, whole-word) term its plural as well."""
    if not (term.bound_right and _is_latin(term.text)):
        return [term]
    head, _, last = term.text.rpartition(" ")
    many = plural(last)
    if many is None:
        return [term]
    return [term, Term(f"{head} {many}".strip(), term.service, term.bound_left, True)]


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


def _file(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def load_file(path: Path) -> list[Term]:
    """The file's terms as written (vocabulary() adds the plurals)."""
    terms: list[Term] = []
    for service, words in (_file(path).get("services") or {}).items():
        if service not in SERVICE_IDS:
            raise ValueError(f"{path.name}: {service!r} is not a service id")
        terms.extend(parse_term(word, service) for word in words or [])
    return terms


def load_list(path: Path, key: str) -> list[str]:
    """A file's list of plain phrases (`names_no_service`, `not_typos`), folded."""
    return [fold(str(phrase)) for phrase in _file(path).get(key) or []]


@dataclass(frozen=True)
class Vocabulary:
    words: dict[str, tuple[str, ...]]  # one whole Latin word -> services (a set lookup)
    terms: dict[str, tuple[Term, ...]]  # everything else, by its first two characters
    blank: re.Pattern[str] | None  # phrases that name no service (names_no_service)
    typos: TypoCorrector

    def prepared(self, text: str) -> str:
        """`text` folded, typos corrected, phrases naming no service blanked (same length)."""
        folded = self.typos.canonical(fold(text))
        if self.blank is None:
            return folded
        return self.blank.sub(lambda m: " " * len(m.group()), folded)


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """Every term of every language file, and the English keywords too, so a message mixing
    an English and a Portuguese service word is seen as naming two."""
    written = [parse_term(word, service) for service, words in SERVICE_KEYWORDS.items()
               for word in words]
    blank: list[str] = []
    not_typos: list[str] = []
    others: list[Term] = []
    for path in sorted(VOCAB_DIR.glob("*.yml")):
        (written if path.stem == "en" else others).extend(load_file(path))
        blank.extend(load_list(path, "names_no_service"))
        not_typos.extend(load_list(path, "not_typos"))
    terms = [variant for term in written + others for variant in with_plural(term)]
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
    # typos are corrected towards English words only: "pavement" is not a typo of a French one
    base = {term.text for term in written}
    counts: dict[str, int] = {}
    for text in base:
        for word in set(_WORD.findall(text)):
            counts[word] = counts.get(word, 0) + 1
    pattern = "|".join(re.escape(p) for p in sorted(set(blank), key=len, reverse=True) if p)
    return Vocabulary({w: tuple(s) for w, s in words.items()},
                      {k: tuple(v) for k, v in by_start.items()},
                      re.compile(rf"(?<![^\W_])(?:{pattern})(?![^\W_])") if pattern else None,
                      TypoCorrector.build(counts, words, not_typos))


@dataclass(frozen=True)
class Hit:
    service: str
    start: int  # in the prepared (folded) text
    text: str  # the matched term, folded


@lru_cache(maxsize=64)
def service_hits(text: str) -> tuple[Hit, ...]:
    """Every term found in `text`, in the order of the text (longest first at one place).
    Cached: one message is looked up several times on its way through the normaliser."""
    vocab = vocabulary()
    folded = vocab.prepared(text)
    hits: list[Hit] = []
    for match in _WORD_IN_TEXT.finditer(folded):
        for service in vocab.words.get(match.group(), ()):
            hits.append(Hit(service, match.start(), match.group()))
    starts = {folded[i:i + 2] for i in range(len(folded) - 1)} | {folded[-1:]}
    for start in sorted(starts & vocab.terms.keys()):
        for term in vocab.terms[start]:
            where = term.find(folded)
            if where >= 0:
                hits.append(Hit(term.service, where, term.text))
    return tuple(sorted(hits, key=lambda h: (h.start, -len(h.text))))


def blanked(text: str) -> str:
    """`text` prepared for matching: what is blank there names no service."""
    return vocabulary().prepared(text)


def services_named(text: str) -> list[str]:
    """Every service id some term names in `text`, in the order the text names them."""
    return list(dict.fromkeys(hit.service for hit in service_hits(text)))


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
