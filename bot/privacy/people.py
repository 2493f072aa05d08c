"""Names of people in what residents type, found by rules and word lists (no NER model).

Why rules: the redactor must run everywhere (tracker store, logs, the NLU tokenizer) without a
model download, in about a millisecond. What counts as a name here, in order of confidence:
- after a strong cue, in any case: "my name is david mcallister", "name: ...", "signed ...",
  "kind regards, ...", "sent by ...";
- after a title, in any case: "Mrs Begum", "dr helen marsh";
- after a relation ("my son Kwame", "my social worker is Claire Bennett"), "called"/"named",
  a greeting or "I'm"/"this is": a capitalised word, or a known first name in any case;
- after "ask", "tell", "from", "for", "thanks"...: a known first name in any case;
- anywhere: a capitalised known first name (`name_lists.FIRST_NAMES`), with the capitalised
  words after it as surnames ("Ayesha Siddiqui"); first names that are also words ("Grace",
  "Bill", "May") only with a surname or a cue;
- "X here" at the start of a message, and "- X" signing it off.
A name ends at punctuation, a small word ("and", "from", "here"), or a place, organisation,
day or month word. The redactor errs towards masking: a capitalised stranger after "I'm" is
masked even though it may be an adjective ("I'm Deaf"); common ones are listed as not names.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from bot.privacy.name_lists import (
    AMBIGUOUS_FIRST_NAMES,
    FIRST_NAMES,
    NOT_NAME_CAPITALISED,
    NOT_NAMES,
    RELATIONS,
    STREET_SUFFIXES,
    TITLES,
)

_LETTER = r"A-Za-zÀ-ÖØ-öø-ÿĀ-žƀ-ɏḀ-ỿ"
_WORD = re.compile(rf"[{_LETTER}][{_LETTER}'’\-]*")
MAX_NAME_WORDS = 3
PLAIN_TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx"})

# Strong cues: whatever (non-small) words follow are the name, in any case.
_STRONG = re.compile(
    r"\b(?:my\s+name\s*(?:is|'s|’s|:|-|–)|my\s+names|name\s*(?::|-|–|is)|names\s*:|"
    r"i\s*(?:'m|’m|am)\s+called|signed|sent\s+by|from\s*:|yours\s+(?:sincerely|faithfully)|"
    r"(?:kind|best|warm|many)\s+regards|regards|on\s+behalf\s+of|message\s+(?:from|for)|"
    # the same in the languages residents write in most after English
    r"je\s+m['’]appelle|mon\s+nom\s+est|me\s+llamo|mi\s+nombre\s+es|mi\s+chiamo|"
    r"meu\s+nome\s+(?:é|e)|chamo-me|eu\s+me\s+chamo|nazywam\s+si[ęe]|mam\s+na\s+imi[ęe]|"
    r"m[ăa]\s+numesc|numele\s+meu\s+este|ich\s+hei(?:ß|ss)e|mein\s+name\s+ist|"
    r"benim\s+ad[ıi]m|ad[ıi]m|magacaygu\s+waa|waxaa\s+la\s+i\s+yiraahdaa)"
    r"[\s,:]*$", re.IGNORECASE,
)
# Introductions: a capitalised word (not a place, day...) or a known first name follows.
_INTRO = re.compile(
    r"(?:^|[\s,.!])(?:i\s*(?:'m|’m|am)|im|this\s+is|it\s*(?:'s|’s)|its|hi|hello|hey|hiya|"
    r"dear|morning|called|named|je\s+suis|soy|sono|jestem|ich\s+bin|eu\s+sou)[\s,:]*$",
    re.IGNORECASE,
)
# Weaker cues: only a known first name (any case) follows as a name.
_WEAK = re.compile(
    r"(?:^|[\s,.!])(?:ask(?:\s+for)?|tell|told|spoke\s+to|speak\s+to|talk\s+to|"
    r"pass\s+(?:this|it)\s+(?:on\s+)?to|contact|thanks|thank\s+you|thankyou|cheers|ta|love|"
    r"best\s+wishes|many\s+thanks|can|could|and|under|for|from|with)[\s,:]*$",
    re.IGNORECASE,
)
_RELATION_FILLER = re.compile(r"[\s,:]*(?:(?:is|was|called|named)\s+){0,2}$", re.IGNORECASE)
# "its shona again", "it's dan here": whatever the case, the word is a name.
_AGAIN = re.compile(rf"\b(?:it\s*(?:'s|’s)|its|this\s+is)\s+([{_LETTER}][{_LETTER}'’\-]+)\s+"
                    r"(?:again|here)\b", re.IGNORECASE)
_SIGN_OFF = re.compile(rf"(?:^|\s)[-–—]\s*([A-Z][{_LETTER}'’\-]*(?:\s+[A-Z]"
                       rf"[{_LETTER}'’\-]*)?)\s*$")
_HERE = re.compile(rf"^(?:(?:hi|hello|hey)[\s,!]+)?((?:[A-Z][{_LETTER}'’\-]*\s+){{0,2}}"
                   rf"[A-Z][{_LETTER}'’\-]*)\s+here\b")


@dataclass(frozen=True)
class Word:
    start: int
    end: int
    text: str

    @property
    def key(self) -> str:
        """Lower case, without a possessive 's and surrounding hyphens."""
        key = self.text.lower().replace("’", "'")
        return key[:-2] if key.endswith("'s") else key.strip("-'")

    @property
    def capitalised(self) -> bool:
        return self.text[0].isupper()


def _words(text: str) -> list[Word]:
    words = []
    for match in _WORD.finditer(text):
        raw = match.group(0)
        end = match.end()
        if raw.lower().endswith(("'s", "’s")):
            end -= 2  # "Aisha's": the name is Aisha
        words.append(Word(match.start(), end, text[match.start():end]))
    return words


def _joined(text: str, left: Word, right: Word) -> bool:
    """Two words belong to one name: only spaces between them (no comma, no full stop)."""
    gap = text[left.end:right.start]
    return gap.strip() == "" and "\n" not in gap and left.end == left.start + len(left.text)


def _never(word: Word) -> bool:
    return word.key in NOT_NAMES or word.key in TITLES or word.key in RELATIONS


def _surname_ok(word: Word) -> bool:
    return (word.capitalised and not _never(word) and word.key not in NOT_NAME_CAPITALISED
            and word.key not in STREET_SUFFIXES)


def _known(word: Word) -> bool:
    return word.key in FIRST_NAMES and word.key not in AMBIGUOUS_FIRST_NAMES


def _run(text: str, words: list[Word], index: int, first_ok: bool, any_case: bool) -> int:
    """How many words from `index` make a name (0 if none): the first when `first_ok`, then
    joined capitalised ones (any joined non-small ones when `any_case`)."""
    if index >= len(words) or not first_ok or _never(words[index]):
        return 0
    count = 1
    while count < MAX_NAME_WORDS and index + count < len(words):
        word, previous = words[index + count], words[index + count - 1]
        if not _joined(text, previous, word) or _never(word):
            break
        if not (_surname_ok(word) or (any_case and word.key not in NOT_NAME_CAPITALISED)):
            break
        count += 1
    return count


def _looks_like_name(words: list[Word], index: int, text: str) -> bool:
    """After a weak cue: a known first name (any case), or two joined capitalised words, or
    an ambiguous first name with a surname."""
    word = words[index]
    if _never(word) or word.key in NOT_NAME_CAPITALISED:
        return False
    if _known(word):
        return True
    has_surname = (index + 1 < len(words) and _joined(text, word, words[index + 1])
                   and _surname_ok(words[index + 1]))
    return word.capitalised and has_surname


def find_names(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each name found; may overlap, the redactor resolves overlaps."""
    words = _words(text)
    for index, word in enumerate(words):
        # The 40 characters before the word (a cue is short); "\0" keeps "^" for the real start.
        before = text[:word.start] if word.start <= 40 else "\0" + text[word.start - 40:word.start]
        count = 0
        if word.key in TITLES and index + 1 < len(words) and _joined(text, word, words[index + 1]):
            following = words[index + 1]
            # "mrs begum" in any case; "Lady", "Sir", "Dr"... only before a capital ("a lady
            # knocked", "sir can you help").
            first_ok = following.key not in NOT_NAME_CAPITALISED and (
                word.key in PLAIN_TITLES or (word.capitalised and following.capitalised))
            count = _run(text, words, index + 1, first_ok, any_case=False)
            if count:
                yield word.start, words[index + count].end
            continue
        if _STRONG.search(before):
            first_ok = word.key not in NOT_NAME_CAPITALISED or word.key in (
                FIRST_NAMES | AMBIGUOUS_FIRST_NAMES)
            count = _run(text, words, index, first_ok, any_case=not word.capitalised)
        elif index and words[index - 1].key in RELATIONS and _RELATION_FILLER.fullmatch(
            text[words[index - 1].end:word.start]
        ):
            first_ok = (word.capitalised and word.key not in NOT_NAME_CAPITALISED) or _known(word)
            count = _run(text, words, index, first_ok, any_case=False)
        elif _INTRO.search(before):
            first_ok = _looks_like_name(words, index, text) or (
                word.capitalised and word.key not in NOT_NAME_CAPITALISED)
            count = _run(text, words, index, first_ok and not _never(word), any_case=False)
        elif _WEAK.search(before):
            count = _run(text, words, index, _known(word), any_case=False)
        if not count and word.capitalised:
            ambiguous_ok = (word.key in AMBIGUOUS_FIRST_NAMES and index + 1 < len(words)
                            and _joined(text, word, words[index + 1])
                            and _surname_ok(words[index + 1]))
            preceded_by_saint = index and words[index - 1].key in ("st", "saint")
            if ((_known(word) or ambiguous_ok) and not preceded_by_saint
                    and word.key not in NOT_NAME_CAPITALISED):
                count = _run(text, words, index, True, any_case=False)
        if count:
            yield word.start, words[index + count - 1].end
    for pattern in (_SIGN_OFF, _HERE, _AGAIN):
        match = pattern.search(text)
        if match:
            candidate = _words(match.group(1))
            if candidate and not any(_never(w) or w.key in NOT_NAME_CAPITALISED
                                     for w in candidate):
                yield match.start(1), match.start(1) + candidate[-1].end
