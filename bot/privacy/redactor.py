"""Find and mask personal data in what residents type, before anything stores or logs it.

Why: during the incident, residents worried that their data was stolen type the very details
they fear for (card numbers, bank details, NI numbers) into the bot. Rasa would keep them
verbatim in the tracker store and in debug logs. This module is the one place that decides what
counts as personal data; the tracker store, the log filter and the purge all call it.

How: a spaCy pipeline built from `spacy.blank("en")` (no model download), rule-based only:
  1. the tokenizer, with extra infixes so "dob:12/03/85" or "acc12345678" split into words;
  2. `council_pii_cues`: a PhraseMatcher (lower case) plus a token-pattern Matcher find the
     context words ("sort code", "d.o.b", "passport") into `doc._.pii_cues`, and veto phrases
     in which a cue word means something else ("bank holiday", "direct debit", "library card");
  3. `council_pii_values`: regular expressions over the text find the values (the tokenizer
     splits card and phone numbers unpredictably), each checked by a validator - Luhn for
     cards, mod-97 for IBANs, the NI prefix rules, the phone and postcode normalisers of
     `bot.parsing.contact` - and, for the ambiguous kinds, by a cue word introducing them
     (only filler words such as "is", "my", "number", "no:" in between).
Results land in `doc._.pii` (exact character spans) and `doc.spans["pii"]` (token spans).
A regex pre-check skips spaCy for text that cannot hold any of the kinds (no digit next to a
digit or letter, no "@"); finders that need a cue run only when the message has one.

Decisions about look-alikes (documented because they are choices, not facts):
- Phone: UK mobile (07) and geographic (01, 02) numbers, any spacing, +44 / 0044 / (0);
  after "my number", "call me", "mobile"... also a mistyped one (a digit more or less).
  Non-geographic 03/08/09 numbers and short codes (999, 111, 101, 159, 7726, 116 123) are
  organisations' helplines that residents quote; they are not personal data and are kept.
  A geographic number cannot be told from a resident's landline, so the council's own
  020 numbers quoted back are masked too (the safe mistake). An unspaced 01/02 number right
  after a council cue ("council tax ref 0123456789") is taken as a reference.
- Card: 13-19 digits passing Luhn with an issuer first digit 2-6; after a card cue ("card",
  "debit", "long number") any 13-19 digits, because a mistyped card number still leaks it.
  Expiry (MM/YY) and CVV (3-4 digits) are masked after a card or their own cue word.
- Bank: sort codes and account numbers need a banking cue ("sort code", "bank", "building
  society") nearer than a council cue; "council tax account number 12345678" is a council
  reference, not bank details. IBANs (mod-97 checked) need no cue.
- NI: valid prefixes only (no D F I Q U V first, no D F I O Q U V second, not BG GB KN NK NT
  TN ZZ), any spacing, any case; without its suffix letter only after an NI cue.
- Postcode: full postcodes with a real postcode area always. An outward code alone ("sw6")
  only after "postcode"/"post code" or a living cue ("I live in", "based in", "moved to"), or
  when it is the whole message (a reply to "what is your postcode?"). So bus routes (the 52,
  N207) and motorways are kept.
- DOB: a date within a few words of "dob", "d.o.b", "date of birth", "born", "birthday".
  A year alone ("born in 1985") is kept. Passport and other licence numbers need a cue; the
  16-character UK driving licence format is distinctive enough to be masked without one.
- NI: since #15.7 any two letters in the NI shape are masked whatever the prefix ("QQ 12 34 56
  C", the well-known example, is still somebody's guess at their number): errs towards masking.
- Names and street addresses: rules and word lists, no model (`people.py`, `addresses.py`,
  which document what counts); they also run on text the digit pre-check skips.
- Not detected: numbers spelled out in words.
"""

from __future__ import annotations

import re
import sys
import threading
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from bot.parsing.contact import EMAIL, normalise_postcode
from bot.privacy.addresses import find_addresses
from bot.privacy.cue_words import CUE_PHRASES, CUE_TOKEN_PATTERNS, FILLER_WORDS
from bot.privacy.people import find_names
from bot.privacy.pii_types import (
    ADDRESS,
    BANK,
    CARD,
    CVV,
    DOB,
    EMAIL_TYPE,
    EXPIRY,
    FINANCIAL_OR_NI,
    LICENCE,
    NAME,
    NI,
    PASSPORT,
    PHONE,
    POSTCODE,
    PRIORITY,
    PiiSpan,
    mask,
)
from bot.privacy.published import is_published
from bot.privacy.validators import (
    INWARD_LETTERS,
    ORDINAL,
    iban_ok,
    luhn_ok,
    outward_ok,
    personal_phone,
)

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

# --- the cheap pre-check -------------------------------------------------------------------

# Every kind needs a digit next to a digit or a letter, or an "@" / "dot" for e-mail.
_MAYBE_PII = re.compile(r"@|\d\D{0,3}\d|[A-Za-z]\d|\bdot\b|[(\[]at[)\]]", re.IGNORECASE)


def might_contain_pii(text: str) -> bool:
    """False when `text` certainly holds none of the kinds (fast path, about 1 µs)."""
    return bool(text) and _MAYBE_PII.search(text) is not None


# --- cue words (spaCy Matcher) -------------------------------------------------------------

_GAP_WORD = re.compile(r"[A-Za-z][A-Za-z'.]*")
_EXTRA_INFIXES = (r"[:=]", r"(?<=[A-Za-z])(?=\d)", r"(?<=[A-Za-z])-(?=\d)")


class CueMatcher:
    """spaCy component: where the context words are, as `doc._.pii_cues` {label: [(start, end)]}.

    A PhraseMatcher on lower-case text for the phrases, plus a small Matcher for the token
    patterns; offsets rather than Span objects, since the value finders work on characters.
    """

    def __init__(self, nlp: Language) -> None:
        from spacy.matcher import Matcher, PhraseMatcher

        self.phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
        for label, phrases in CUE_PHRASES.items():
            self.phrases.add(label, [nlp.make_doc(phrase) for phrase in phrases])
        self.tokens = Matcher(nlp.vocab)
        for label, patterns in CUE_TOKEN_PATTERNS.items():
            self.tokens.add(label, patterns)

    def __call__(self, doc: Doc) -> Doc:
        cues: dict[str, list[tuple[int, int]]] = {}
        strings = doc.vocab.strings
        for match_id, start, end in [*self.phrases(doc), *self.tokens(doc)]:
            last = doc[end - 1]
            cues.setdefault(strings[match_id], []).append((doc[start].idx, last.idx + len(last)))
        doc._.pii_cues = cues
        return doc


def _overlaps_any(cue: tuple[int, int], vetoes: list[tuple[int, int]]) -> bool:
    return any(cue[0] < end and start < cue[1] for start, end in vetoes)


class Context:
    """The text and where its cue words are, with the questions the finders ask."""

    def __init__(self, text: str, cues: dict[str, list[tuple[int, int]]]) -> None:
        self.text = text
        self.cues = cues

    @classmethod
    def of(cls, doc: Doc) -> Context:
        cues = dict(doc._.pii_cues)
        for label in ("card", "bank"):
            vetoes = cues.get("veto_" + label, [])
            kept = [cue for cue in cues.get(label, ()) if not _overlaps_any(cue, vetoes)]
            if kept:
                cues[label] = kept
            else:
                cues.pop(label, None)
        return cls(doc.text, cues)

    def has(self, label: str) -> bool:
        return label in self.cues

    def near_before(self, label: str, pos: int, window: int) -> bool:
        """A `label` cue ends at most `window` characters before `pos`, whatever is between."""
        return any(start < pos and pos - end <= window for start, end in self.cues.get(label, ()))

    def said_before(self, label: str, pos: int, window: int = 25) -> bool:
        """A `label` cue introduces the value at `pos`: only filler words (and at most one
        other word) between them, as in "dob is the 12/03/85" or "passport no: 123456789"."""
        return any(
            start < pos and pos - end <= window and self._filler_gap(end, pos)
            for start, end in self.cues.get(label, ())
        )

    def said_after(self, label: str, pos: int, window: int = 12) -> bool:
        """A `label` cue follows the value ending at `pos`: "12/03/85 is my dob"."""
        return any(
            start >= pos and start - pos <= window and self._filler_gap(pos, start)
            for start, _ in self.cues.get(label, ())
        )

    def nearest_before(self, labels: Iterable[str], pos: int, window: int) -> str | None:
        best: tuple[int, str] | None = None
        for label in labels:
            for start, end in self.cues.get(label, ()):
                if start < pos and pos - end <= window and (best is None or end > best[0]):
                    best = (end, label)
        return best[1] if best else None

    def _filler_gap(self, start: int, end: int) -> bool:
        words = _GAP_WORD.findall(self.text[start:end])
        return sum(word.lower() not in FILLER_WORDS for word in words) <= 1


# --- value finders -------------------------------------------------------------------------

_SEP = r"[ \-]"
_CARD_RUN = re.compile(r"(?<![\d.,])\d(?:(?:[ \-]{0,2}|\.(?=\d{4}))\d){11,22}(?![.,]?\d)")
_PHONE = re.compile(
    r"(?<![\w+])(?<!\d[\-./])(?:(?:\+|00)\s?44\s?(?:\(\s?0\s?\)\s?|0\s?)?|44(?=7\d{9}\b)|\(?0)"
    r"(?:[\s().\-]{0,3}\d){9,10}(?!\d)"
)
_PHONE_LOOSE = re.compile(r"(?<![\w+])(?:\+\s?44|0)(?:[\s().\-]{0,2}\d){8,11}(?![\d/.]\d)")
_COMPACT_LANDLINE = re.compile(r"0[12]\d{8,9}")
_EMAIL_SPACED = re.compile(
    r"\b[A-Za-z0-9._%+'-]+ ?(?:@|\(at\)|\[at\]) ?[A-Za-z0-9-]+"
    r"(?: ?(?:\.|\(dot\)|\[dot\]) ?[A-Za-z0-9-]+)* ?(?:\.|\(dot\)|\[dot\]) ?[A-Za-z]{2,}\b"
)
_EMAIL_WORDS = re.compile(
    r"\b[A-Za-z0-9_%+-]+(?:(?:\.|\s+dot\s+)[A-Za-z0-9_%+-]+)*\s+at\s+[A-Za-z0-9-]+"
    r"(?:\s+dot\s+[A-Za-z0-9-]+)*"
    r"\s+dot\s+(?:com|org|net|uk|co\s+dot\s+uk|org\s+dot\s+uk|gov\s+dot\s+uk|ac\s+dot\s+uk)\b",
    re.IGNORECASE,
)
_EMAIL_HINT = re.compile(r"\bdot\b|[(\[]at[)\]]", re.IGNORECASE)
_IBAN_START = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}")
IBAN_LENGTHS = {
    "GB": 22, "IE": 22, "DE": 22, "FR": 27, "ES": 24, "IT": 27, "NL": 18, "BE": 16, "PT": 25,
    "PL": 28, "RO": 24, "LT": 20, "LV": 21, "CH": 21, "AT": 20, "SE": 24, "DK": 18, "NO": 15,
    "FI": 18, "BG": 22, "GR": 27, "HU": 28, "CZ": 24, "SK": 24, "HR": 21, "SI": 19, "EE": 20,
    "LU": 20, "CY": 28, "MT": 31, "IS": 26, "TR": 26, "GI": 23, "IM": 22, "JE": 22, "GG": 22,
}
_SORT_CODE = re.compile(r"(?<![\d\-/.:])(\d{2})([ \-.]?)(\d{2})\2(\d{2})(?![\d\-/:]|\.\d)")
_ACCOUNT = re.compile(
    r"(?<![\d\-/.:£$])(?:\d{4}[ \-]\d{4}|\d{2}(?:[ \-]\d{2}){3}|\d{7,8})(?![\d\-/:]|\.\d)"
)
_NI_NUMBER = re.compile(
    rf"(?<![A-Za-z0-9])([A-Za-z]){_SEP}?([A-Za-z])((?:{_SEP}{{0,2}}\d){{6}})"
    rf"(?:{_SEP}{{0,2}}([A-Da-d]))?(?![A-Za-z0-9])"
)
_POSTCODE_FULL = re.compile(
    r"(?<![A-Za-z0-9])([A-Za-z]{1,2}\d[A-Za-z\d]?)[ \-]{0,2}(\d[A-Za-z]{2})(?![A-Za-z0-9])"
)
_OUTWARD = re.compile(r"(?<![A-Za-z0-9£$#/\-])[A-Za-z]{1,2}\d[A-Za-z\d]?(?![A-Za-z0-9/\-])")
_OUTWARD_ONLY_MESSAGE = re.compile(
    r"\s*(?:(?:it'?s|it is|my postcode is|postcode|postcode is|in)\s+)?"
    r"([A-Za-z]{1,2}\d[A-Za-z\d]?)\s*[.!]?\s*", re.IGNORECASE,
)
_FLOOR_AFTER = re.compile(r"\s*(?:floor|fl\b)", re.IGNORECASE)
_MONTHS = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
           r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_DATE = re.compile(
    r"(?<![\d/.])(?<!\d-)(?:"
    r"\d{1,2}\s?[/.\-]\s?\d{1,2}\s?[/.\-]\s?\d{2,4}"
    r"|\d{1,2} \d{1,2} (?:19|20)\d{2}"
    r"|(?:19|20)\d{2}-\d{1,2}-\d{1,2}"
    r"|(?:0[1-9]|[12]\d|3[01])(?:0[1-9]|1[0-2])(?:19|20)\d{2}"
    rf"|(?:the\s+)?{_DAY}\s+(?:of\s+)?{_MONTHS}\.?(?:,?\s+(?:19|20)?\d{{2}})?"
    rf"|{_MONTHS}\.?\s+(?:the\s+)?{_DAY}(?:,?\s+(?:19|20)\d{{2}})?"
    rf"|{_MONTHS}\.?\s+(?:19|20)\d{{2}}"
    r")(?![\d/])",
    re.IGNORECASE,
)
_EXPIRY = re.compile(
    r"(?<![\d/.])(?<!\d-)(?:(?:0?[1-9]|1[0-2])\s?[/\-.]\s?(?:20)?\d{2}"
    rf"|{_MONTHS}\.?\s+(?:20)?\d{{2}})(?![\d/]|\.\d)",
    re.IGNORECASE,
)
_EXPIRY_COMPACT = re.compile(r"(?<![\d/.])(?:0[1-9]|1[0-2]) ?(?:20)?\d{2}(?![\d/]|\.\d)")
_CVV = re.compile(r"(?<![\d/.,:£$\-])\d{3,4}(?![\d/:%]|[.,]\d|\s?(?:am|pm|a\.m|p\.m)\b)")
_PASSPORT = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{0,2}\d(?: ?\d){5,8}[A-Za-z]?(?![A-Za-z0-9])")
_LICENCE_UK = re.compile(
    r"(?<![A-Za-z0-9])([A-Za-z9]{5}) ?(\d{6}) ?([A-Za-z9]{2}\d[A-Za-z]{2})(?: ?\d{2})?"
    r"(?![A-Za-z0-9])"
)
_LICENCE_OTHER = re.compile(
    r"(?<![A-Za-z0-9])(?:(?=[A-Za-z]*\d(?:[A-Za-z]*\d){4})[A-Za-z0-9]{8,18}|\d(?: ?\d){7,11})"
    r"(?![A-Za-z0-9])"
)


def _span(kind: str, text: str, start: int, end: int) -> PiiSpan:
    return PiiSpan(kind, start, end, text[start:end])


def _emails(ctx: Context) -> Iterator[PiiSpan]:
    for pattern in (EMAIL, _EMAIL_SPACED, _EMAIL_WORDS):
        for match in pattern.finditer(ctx.text):
            yield _span(EMAIL_TYPE, ctx.text, match.start(), match.end())


def _phone_end(text: str, start: int, end: int) -> int | None:
    """End of a personal number in text[start:end], dropping one trailing digit if needed."""
    if personal_phone(text[start:end]):
        return end
    shorter = end - 1
    while shorter > start and not text[shorter - 1].isdigit():
        shorter -= 1
    if shorter > start and personal_phone(text[start:shorter]):
        return shorter
    return None


def _looks_like_council_ref(ctx: Context, start: int, end: int) -> bool:
    """'council tax ref 0123456789': an unspaced 01/02 number right after a council cue."""
    return bool(_COMPACT_LANDLINE.fullmatch(ctx.text[start:end])) and ctx.nearest_before(
        ("council", "phone"), start, 30) == "council"


def _phones(ctx: Context) -> Iterator[PiiSpan]:
    for match in _PHONE.finditer(ctx.text):
        end = _phone_end(ctx.text, match.start(), match.end())
        if end is not None and not _looks_like_council_ref(ctx, match.start(), end):
            yield _span(PHONE, ctx.text, match.start(), end)
    for match in _PHONE_LOOSE.finditer(ctx.text):
        # After "my number is" even a mistyped number is the resident's: mask it.
        start, end = match.span()
        if _national(match.group(0))[:2] in ("01", "02", "07") and ctx.said_before(
            "phone", start, 20
        ) and not _looks_like_council_ref(ctx, start, end):
            yield _span(PHONE, ctx.text, start, end)


def _national(raw: str) -> str:
    digits = re.sub(r"\D", "", raw)
    return "0" + digits[2:].lstrip("0") if raw.lstrip().startswith("+") else digits


def _digit_groups(text: str, start: int, end: int) -> list[tuple[int, int]]:
    return [(m.start() + start, m.end() + start) for m in re.finditer(r"\d+", text[start:end])]


def _card_in_run(text: str, groups: list[tuple[int, int]], cued: bool) -> PiiSpan | None:
    """The best card number made of consecutive digit groups of one run."""
    lenient: PiiSpan | None = None
    for first in range(len(groups)):
        for last in range(len(groups) - 1, first - 1, -1):
            start, end = groups[first][0], groups[last][1]
            digits = re.sub(r"\D", "", text[start:end])
            if not 13 <= len(digits) <= 19:
                continue
            if luhn_ok(digits) and digits[0] in "23456":
                return _span(CARD, text, start, end)
            if cued and first == 0 and (lenient is None or len(digits) == 16):
                lenient = _span(CARD, text, start, end)
    return lenient


def _cards(ctx: Context) -> Iterator[PiiSpan]:
    for match in _CARD_RUN.finditer(ctx.text):
        groups = _digit_groups(ctx.text, match.start(), match.end())
        cued = ctx.near_before("card", match.start(), 40)
        if not cued and ctx.near_before("veto_card", match.start(), 25):
            continue  # "library card 21234001234567": Luhn alone is a 1 in 10 chance
        card = _card_in_run(ctx.text, groups, cued)
        if card:
            yield card


def _right_after(spans: Iterable[PiiSpan], kinds: set[str], pos: int, window: int) -> bool:
    return any(span.type in kinds and 0 <= pos - span.end <= window for span in spans)


def _expiries(ctx: Context, cards: list[PiiSpan]) -> Iterator[PiiSpan]:
    """MM/YY only where a card is being talked about: "permit expires 06/26" is kept."""
    if not cards and not ctx.has("card"):
        return
    for match in _EXPIRY.finditer(ctx.text):
        if ctx.said_before("expiry", match.start(), 15) or _right_after(
            cards, {CARD}, match.start(), 30
        ):
            yield _span(EXPIRY, ctx.text, match.start(), match.end())
    for match in _EXPIRY_COMPACT.finditer(ctx.text):
        if ctx.said_before("expiry", match.start(), 8) or _right_after(
            cards, {CARD}, match.start(), 3
        ):
            yield _span(EXPIRY, ctx.text, match.start(), match.end())


def _cvvs(ctx: Context, card_data: list[PiiSpan]) -> Iterator[PiiSpan]:
    card_talk = bool(card_data) or ctx.has("card")
    for match in _CVV.finditer(ctx.text):
        start = match.start()
        if (
            ctx.said_before("cvv", start, 20)
            or (card_talk and ctx.said_before("cvv_weak", start, 20))
            or _right_after(card_data, {CARD, EXPIRY}, start, 20)
        ):
            yield _span(CVV, ctx.text, start, match.end())


def _ibans(ctx: Context) -> Iterator[PiiSpan]:
    for match in _IBAN_START.finditer(ctx.text):
        length = IBAN_LENGTHS.get(match.group(0)[:2].upper())
        end = _iban_end(ctx.text, match.start(), length) if length else None
        if end is not None:
            yield _span(BANK, ctx.text, match.start(), end)


def _iban_end(text: str, start: int, length: int) -> int | None:
    chars: list[str] = []
    index = end = start
    while index < len(text) and len(chars) < length:
        char = text[index]
        if char.isalnum() and char.isascii():
            chars.append(char.upper())
            index += 1
            end = index
        elif char in " -" and index + 1 < len(text) and text[index + 1].isalnum():
            index += 1
        else:
            break
    if len(chars) != length or (end < len(text) and text[end].isalnum()):
        return None
    return end if iban_ok("".join(chars)) else None


def _sort_codes(ctx: Context) -> Iterator[PiiSpan]:
    for match in _SORT_CODE.finditer(ctx.text):
        if ctx.near_before("bank", match.start(), 30) or ctx.said_after("bank", match.end(), 12):
            yield _span(BANK, ctx.text, match.start(), match.end())


def _accounts(ctx: Context, sort_codes: list[PiiSpan]) -> Iterator[PiiSpan]:
    for match in _ACCOUNT.finditer(ctx.text):
        nearest = ctx.nearest_before(("bank", "council"), match.start(), 45)
        near_sort_code = any(
            abs(match.start() - code.end) <= 40 or abs(code.start - match.end()) <= 40
            for code in sort_codes
        )
        if nearest == "bank" or (nearest is None and near_sort_code):
            yield _span(BANK, ctx.text, match.start(), match.end())


def _ni_numbers(ctx: Context) -> Iterator[PiiSpan]:
    for match in _NI_NUMBER.finditer(ctx.text):  # any prefix: see the module docstring
        paired = re.fullmatch(r"\s\d{2}\s\d{2}\s\d{2}", match.group(3)) is not None
        if match.group(4) or paired or ctx.said_before("ni", match.start()):
            yield _span(NI, ctx.text, match.start(), match.end())


def _full_postcodes(ctx: Context) -> Iterator[PiiSpan]:
    for match in _POSTCODE_FULL.finditer(ctx.text):
        outward, inward = match.group(1).upper(), match.group(2).upper()
        if normalise_postcode(outward + inward) is None or not outward_ok(outward):
            continue
        if not set(inward[1:]) <= INWARD_LETTERS:
            continue
        if ORDINAL.fullmatch(inward) and _FLOOR_AFTER.match(ctx.text, match.end()):
            continue
        yield _span(POSTCODE, ctx.text, match.start(), match.end())


def _outward_postcodes(ctx: Context) -> Iterator[PiiSpan]:
    whole = _OUTWARD_ONLY_MESSAGE.fullmatch(ctx.text)
    if whole and outward_ok(whole.group(1)):
        yield _span(POSTCODE, ctx.text, whole.start(1), whole.end(1))
        return
    if not (ctx.has("postcode") or ctx.has("place")):
        return
    for match in _OUTWARD.finditer(ctx.text):
        start, end = match.span()
        if outward_ok(match.group(0)) and (
            ctx.said_before("postcode", start, 25)
            or ctx.said_after("postcode", end, 6)
            or ctx.near_before("place", start, 6)
        ):
            yield _span(POSTCODE, ctx.text, start, end)


def _dates_of_birth(ctx: Context) -> Iterator[PiiSpan]:
    for match in _DATE.finditer(ctx.text):
        if ctx.said_before("dob", match.start()) or ctx.said_after("dob", match.end()):
            yield _span(DOB, ctx.text, match.start(), match.end())


def _id_documents(ctx: Context) -> Iterator[PiiSpan]:
    """Passport and licence numbers: the nearest document word decides which it is."""
    for kind, pattern in ((PASSPORT, _PASSPORT), (LICENCE, _LICENCE_OTHER)):
        label = kind.lower()
        if not ctx.has(label):
            continue
        for match in pattern.finditer(ctx.text):
            start = match.start()
            if ctx.said_before(label, start, 30) and ctx.nearest_before(
                ("passport", "licence"), start, 30
            ) == label:
                yield _span(kind, ctx.text, start, match.end())
    for match in _LICENCE_UK.finditer(ctx.text):
        month = int(match.group(2)[1:3])
        if any(c.isalpha() for c in match.group(1)) and (1 <= month <= 12 or 51 <= month <= 62):
            yield _span(LICENCE, ctx.text, match.start(), match.end())


def detect(ctx: Context) -> list[PiiSpan]:
    """Every validated candidate, overlapping ones resolved: longest first, then by type.

    Finders that need a cue run only when the message has one (most messages have none).
    """
    cards = list(_cards(ctx))
    card_talk = bool(cards) or ctx.has("card")
    expiries = list(_expiries(ctx, cards)) if card_talk else []
    sort_codes = list(_sort_codes(ctx)) if ctx.has("bank") else []
    candidates = [*cards, *expiries, *sort_codes, *_phones(ctx), *_ibans(ctx),
                  *_ni_numbers(ctx), *_full_postcodes(ctx), *_outward_postcodes(ctx)]
    if card_talk or ctx.has("cvv"):
        candidates += _cvvs(ctx, cards + expiries)
    if "@" in ctx.text or _EMAIL_HINT.search(ctx.text):
        candidates += _emails(ctx)
    if sort_codes or ctx.has("bank"):
        candidates += _accounts(ctx, sort_codes)
    if ctx.has("dob"):
        candidates += _dates_of_birth(ctx)
    candidates += _id_documents(ctx)
    return _resolve_overlaps(candidates + _names_and_addresses(ctx.text))


def _names_and_addresses(text: str) -> list[PiiSpan]:
    return ([_span(NAME, text, *span) for span in find_names(text)]
            + [_span(ADDRESS, text, *span) for span in find_addresses(text)])


def _resolve_overlaps(candidates: list[PiiSpan]) -> list[PiiSpan]:
    chosen: list[PiiSpan] = []
    for span in sorted(candidates, key=lambda s: (s.start - s.end, PRIORITY[s.type], s.start)):
        if all(span.end <= kept.start or span.start >= kept.end for kept in chosen):
            chosen.append(span)
    return sorted(chosen, key=lambda s: s.start)


# --- the pipeline --------------------------------------------------------------------------

def _value_finder(doc: Doc) -> Doc:
    """spaCy component: validated personal data into `doc._.pii` and `doc.spans["pii"]`."""
    found = detect(Context.of(doc))
    doc._.pii = found
    spans = [doc.char_span(s.start, s.end, label=s.type, alignment_mode="expand") for s in found]
    doc.spans["pii"] = [span for span in spans if span is not None]
    return doc


def _import_spacy() -> Any:
    """Import spaCy without letting thinc probe for TensorFlow, unless it is already loaded.

    thinc imports TensorFlow just to find out whether it is there: about 5 s and 400 MB in a
    process that never needs it (the CLI, the console, unit tests). The rules here use no
    model, so the probe is hidden for the duration of the import only; a process that has
    already loaded TensorFlow (the Rasa server) is unaffected, and a later real import works.
    """
    if "tensorflow" in sys.modules:
        import spacy

        return spacy
    sys.modules["tensorflow"] = None  # type: ignore[assignment]
    try:
        import spacy
    finally:
        if sys.modules.get("tensorflow", "") is None:
            del sys.modules["tensorflow"]
    return spacy


def build_pipeline() -> Language:
    """A fresh pipeline; use `get_pipeline()` for the shared one."""
    spacy = _import_spacy()
    from spacy.language import Language
    from spacy.tokens import Doc
    from spacy.util import compile_infix_regex

    for extension in ("pii", "pii_cues"):
        if not Doc.has_extension(extension):
            Doc.set_extension(extension, default=None)
    if not Language.has_factory("council_pii_cues"):
        Language.factory("council_pii_cues", func=lambda nlp, name: CueMatcher(nlp))
        Language.component("council_pii_values", func=_value_finder)
    nlp = spacy.blank("en")
    infixes = list(nlp.Defaults.infixes) + list(_EXTRA_INFIXES)
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    nlp.add_pipe("council_pii_cues")
    nlp.add_pipe("council_pii_values")
    return nlp


_lock = threading.Lock()
_pipeline: Language | None = None


def get_pipeline() -> Language:
    """The process-wide pipeline, built once on first use (thread-safe).

    Processing needs no lock: the tokenizer and Matcher run under the GIL and the components
    keep no state between documents.
    """
    global _pipeline
    if _pipeline is None:
        with _lock:
            if _pipeline is None:
                _pipeline = build_pipeline()
    return _pipeline


# --- the API -------------------------------------------------------------------------------

# Texts already checked and found clean. The tracker store redacts every bot reply it saves,
# and replies repeat across conversations (a council's contact numbers make them look like
# they might hold a phone number), so the pipeline ran again and again on the same text.
# Only texts with no personal data are remembered: the cache never holds a resident's details.
_CLEAN_LIMIT = 4096
_CLEAN_MAX_LENGTH = 2000
_clean: dict[str, None] = {}


def find_pii(text: str) -> list[PiiSpan]:
    """Personal data in `text`, in order, without overlaps."""
    if not text or text in _clean:
        return []
    if might_contain_pii(text):
        spans = list(get_pipeline()(text)._.pii)
    else:  # no digit, no "@": only a name or a street can be there, and they need no spaCy
        spans = _resolve_overlaps(_names_and_addresses(text))
    if not spans and len(text) <= _CLEAN_MAX_LENGTH:
        if len(_clean) >= _CLEAN_LIMIT:
            _clean.clear()
        _clean[text] = None
    return spans


def redact(text: str) -> str:
    """`text` with every piece of personal data replaced by its typed mask, e.g. "[CARD]".

    A council's own published number is not personal data and stays (bot/privacy/published).
    """
    return apply_masks(text, find_pii(text))


def apply_masks(text: str, spans: list[PiiSpan]) -> str:
    """`redact(text)` from spans already found by `find_pii(text)`: for a caller that needs
    both (the NLU tokenizer masks tokens and hands the masked text to the sentence encoder),
    so the rules run once per message."""
    for span in reversed(spans):
        if not (span.type == PHONE and is_published(span.text)):
            text = text[: span.start] + mask(span.type) + text[span.end:]
    return text


def contains_financial_or_ni(text: str) -> bool:
    """True when the resident typed card, bank or NI details (the bot warns them not to)."""
    return any(span.type in FINANCIAL_OR_NI for span in find_pii(text))


def redact_data(value: Any, keep_keys: frozenset[str] = frozenset()) -> Any:
    """A copy of JSON-like `value` with every string redacted, except under `keep_keys`.

    Used for Rasa events, case details and anything else stored as nested dicts and lists.
    """
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: item if key in keep_keys else redact_data(item, keep_keys)
                for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [redact_data(item, keep_keys) for item in value]
    return value
