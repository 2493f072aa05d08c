"""Street addresses in what residents type, found by rules (no gazetteer of streets needed).

What counts as an address (a choice, documented because it is one): what locates a home.
- A house number and a street or building name ending in a street word: "22 Oakwood Road",
  "45b ladbroke grove", "2-4 North End Road", "no. 5 Stowe Road", "17 Queensway".
- A flat, room or unit with its number, and what follows it: "Flat 14B, Edenham Way",
  "flat 7 at 18 Tavistock Crescent", "3rd floor flat, 25 Fulham Road", "Flat 9, Chiltern House,
  Hazlewood Crescent".
- A street or estate named as where someone lives, without a number: "I live on Lillie Road",
  "my mum lives on the Clarendon Estate", "our block Balfron Court", "my road is Hythe Road".
- Whatever follows "my address is" / "address:" up to the next comma or full stop, and PO boxes.
A street named as the place of a problem, not a home ("the lights on Portobello Road are off",
"the library on Kensington High Street") is kept: staff need it, and it identifies nobody.
Everyday words that end like streets ("3 kids in the house", "5 minutes walk", "year 9 at
Holland Park School") are refused by the small-word and capital-letter rules below.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bot.privacy.name_lists import (
    AMBIGUOUS_SUFFIXES,
    COMMON_WORDS,
    HOME_SUFFIXES,
    NOT_NAME_CAPITALISED,
    NOT_STREET_WORDS,
    STREET_SUFFIXES,
)

_LETTER = r"A-Za-zÀ-ÖØ-öø-ÿĀ-ž"
_TOKEN = re.compile(
    rf"(?P<num>\d{{1,4}}[A-Za-z]?(?:\s?[-/]\s?\d{{1,4}}[A-Za-z]?)?(?![\d:.,]\d))"
    rf"|(?P<word>[{_LETTER}][{_LETTER}'’.\-]*)"
)
MAX_STREET_WORDS = 3
_NUMBER_LEAD = re.compile(r"(?:\b(?:no\.?|number|num|nr)\s*)$", re.IGNORECASE)
_FLAT = re.compile(
    r"\b(?:(?:flat|apartment|apt|unit|room|studio|maisonette)\s+(?:no\.?\s*)?"
    r"(?:\d{1,4}[A-Za-z]?|[A-Ha-h])(?![A-Za-z0-9])"
    r"(?!\s*(?:floors?|beds?|bedrooms?|rooms?|storeys?|people|of\b))"
    r"|(?:basement|ground[- ]floor|top[- ]floor|first[- ]floor|\d{1,2}(?:st|nd|rd|th)[- ]floor)"
    r"\s+flat)",
    re.IGNORECASE,
)
_RESIDENCE_CUE = re.compile(
    r"(?:\b(?:live|lives|living|lived|stay|stays|staying|moved|moving|move|reside|resides)"
    r"\s+(?:on|in|at|to)|\b(?:i'?m|i\s+am|we'?re|we\s+are|she'?s|he'?s|they'?re)\s+(?:at|in|on)"
    r"|\b(?:my|our|his|her|their)\s+(?:road|street|block|estate|building|house|home)"
    r"(?:\s+is|\s*:|\s*-)?|\baddress(?:\s+is|\s*:|\s*-)?)\s*(?:the\s+)?$",
    re.IGNORECASE,
)
_ADDRESS_IS = re.compile(
    r"\b(?:my|our|the|home|postal|new|old|his|her|their)\s+(?:home\s+|postal\s+)?address"
    r"(?:\s+is|\s*:|\s*-)\s*|^\s*address\s*[:\-]\s*",
    re.IGNORECASE,
)
_ADDRESS_IS_VALUE = re.compile(r"[^,.;!?\n]{3,60}")
# After "my address is": only something address-like ("my address is in the stolen data" is a
# worry, not an address): a digit, a flat, or a street word, and not a small word first.
_ADDRESS_LIKE = re.compile(
    r"\d|\b(?:flat|apartment|room|unit|" + "|".join(sorted(STREET_SUFFIXES)) + r")\b",
    re.IGNORECASE,
)
_NOT_AN_ADDRESS_START = re.compile(
    r"(?:in|on|at|the|was|been|being|leaked|stolen|out|there|not|also|still|now|wrong|"
    r"different|changed|private|safe|secret|included|listed|shown|on)\b", re.IGNORECASE)
# "this is Kemi from Brindle House": after "from", a building or estate name is a home.
_FROM = re.compile(r"\bfrom\s+(?:the\s+)?$", re.IGNORECASE)
# "no collection on kelfield gdns where i live"
_RESIDENCE_AFTER = re.compile(
    r"\s*,?\s*(?:(?:which\s+is\s+)?where|that)\s+(?:i|we|my\s+\w+|he|she|they)\s+"
    r"(?:live|lives|stay|stays|rent|reside)", re.IGNORECASE)
# An estate or block named without a street word, after a living cue: "i live in Lancaster
# West", "we live at Lancaster West, block 2" (not "I live in Chelsea": places are listed).
_NAMED_HOME = re.compile(
    rf"\b(?:live|lives|living|stay|stays|staying|reside|resides)\s+(?:on|in|at)\s+(?:the\s+)?"
    rf"((?:[A-Z][{_LETTER}'’\-]+\s+){{0,2}}[A-Z][{_LETTER}'’\-]+)"
    r"(?=\s*(?:$|[,.;!?)]|\s(?:block|estate|with|since|for|and|but)\b))")
_PO_BOX = re.compile(r"\bP\.?\s?O\.?\s?Box\s*\d{1,6}\b", re.IGNORECASE)
_ONE_WORD_STREET = re.compile(r"\b\d{1,4}[A-Za-z]?\s+[A-Z][a-z]+(?:way|gate)\b")
_BLOCK_AFTER = re.compile(r",?\s*(?:block|blk|floor)\s+[A-Za-z0-9]{1,4}\b", re.IGNORECASE)
_JOIN_GAP = re.compile(r"\s*(?:,|\bat\b|\bin\b|\bof\b)?\s*", re.IGNORECASE)


def _streets(text: str) -> Iterator[tuple[int, int, int | None, bool]]:
    """(start, end, number start or None, needs an anchor) of each street or building name.

    A lower-case name before a suffix that is also a word ("edenham way", "thorpe close") is
    a street only with a number or a living cue, and only when one of its words is not an
    everyday word ("5 minutes walk", "the other way" stay words)."""
    tokens = list(_TOKEN.finditer(text))
    for index, token in enumerate(tokens):
        word = token.group("word")
        if not word or word.lower().rstrip(".") not in STREET_SUFFIXES:
            continue
        ambiguous = word.lower().rstrip(".") in AMBIGUOUS_SUFFIXES
        lower_case = False
        first = index
        while index - first < MAX_STREET_WORDS and first > 0:
            previous = tokens[first - 1]
            name = previous.group("word")
            joined = text[previous.end():tokens[first].start()].strip() == ""
            if not name or not joined or name.lower() in NOT_STREET_WORDS:
                break
            if ambiguous and not name[0].isupper():
                if name.lower() in COMMON_WORDS:
                    break
                lower_case = True
            first -= 1
        if first == index:
            continue
        number_start = None
        if first > 0 and tokens[first - 1].group("num"):
            number = tokens[first - 1]
            if text[number.end():tokens[first].start()].strip(" ,") == "":
                lead = _NUMBER_LEAD.search(text, 0, number.start())
                number_start = lead.start() if lead else number.start()
        yield tokens[first].start(), token.end(), number_start, lower_case


def _merge(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and (start <= merged[-1][1]
                       or _JOIN_GAP.fullmatch(text, merged[-1][1], start)):
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def find_addresses(text: str) -> list[tuple[int, int]]:
    """(start, end) of each street address in `text`, in order, merged where they touch."""
    anchored: list[tuple[int, int]] = [m.span() for m in _FLAT.finditer(text)]
    loose: list[tuple[int, int]] = []
    for start, end, number_start, lower_case in _streets(text):
        suffix = text[start:end].split()[-1].lower().rstrip(".")
        if number_start is not None:
            anchored.append((number_start, end))
        elif (_RESIDENCE_CUE.search(text, max(0, start - 40), start)
              or _RESIDENCE_AFTER.match(text, end)
              or (suffix in HOME_SUFFIXES and _FROM.search(text, max(0, start - 12), start))):
            anchored.append((start, end))
        elif not lower_case:
            loose.append((start, end))
    for match in _NAMED_HOME.finditer(text):
        words = match.group(1).lower().split()
        if words[0] not in COMMON_WORDS and not any(w.strip("'’") in NOT_NAME_CAPITALISED
                                                    for w in words):
            anchored.append(match.span(1))
    anchored += [m.span() for m in _PO_BOX.finditer(text)]
    anchored += [m.span() for m in _ONE_WORD_STREET.finditer(text)]
    for cue in _ADDRESS_IS.finditer(text):
        value = _ADDRESS_IS_VALUE.match(text, cue.end())
        if (value and _ADDRESS_LIKE.search(value.group(0))
                and not _NOT_AN_ADDRESS_START.match(value.group(0))):
            anchored.append((value.start(), value.end() - (len(value.group(0))
                                                           - len(value.group(0).rstrip()))))
    if not anchored:
        return []
    # A street or building name right next to an address belongs to it ("Flat 9, Chiltern
    # House, Hazlewood Crescent"); a lone one ("the lights on Portobello Road") does not.
    spans = _merge(anchored, text)
    changed = True
    while changed and loose:
        changed = False
        for street in list(loose):
            grown = _merge([*spans, street], text)
            if len(grown) == len(spans):
                spans = grown
                loose.remove(street)
                changed = True
    result = []
    for start, end in spans:
        block = _BLOCK_AFTER.match(text, end)
        result.append((start, block.end() if block else end))
    return result
