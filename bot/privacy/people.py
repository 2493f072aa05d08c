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
    COMMON_WORDS,
    FIRST_NAMES,
    NOT_NAME_CAPITALISED,
    NOT_NAMES,
    RELATIONS,
    STREET_SUFFIXES,
    TITLES,
    WORD_NAMES,
)

_LETTER = r"A-Za-zÀ-ÖØ-öø-ÿĀ-žƀ-ɏḀ-ỿ"
_WORD = re.compile(rf"[{_LETTER}][{_LETTER}'’\-]*")
MAX_NAME_WORDS = 3
PLAIN_TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx"})

# Strong cues: whatever (non-small) words follow are the name, in any case.
_STRONG = re.compile(
    r"\b(?:my\s+name\s*(?:is|'s|’s|:|-|–)|my\s+names|name\s*(?::|-|–|is)|names\s*:|"
    r"(?:sur|fore)name\s*(?::|-|–|is)|(?:first|last|full|family|given|middle)\s+name"
    r"\s*(?::|-|–|is)|c\s*/\s*o|care\s+of|^\s*name|"
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
    r"best\s+wishes|many\s+thanks|can|could|and|under|for|from|with|"
    r"(?:thanks|thank\s+you)\s+(?:(?:so|very)\s+much|a\s+lot|again)|"
    r"(?:first|sur|fore|last|family)\s*name)[\s,:]*$",
    re.IGNORECASE,
)
# The weak cues after which a capitalised stranger is a name ("and", "with", "can" are left
# out: "Marks and Spencer").
_WEAK_STRANGER = re.compile(
    r"(?:^|[\s,.!])(?:ask(?:\s+for)?|tell|told|spoke\s+to|speak\s+to|talk\s+to|contact|"
    r"thanks|thank\s+you|thankyou|cheers|ta|best\s+wishes|many\s+thanks|for|from|"
    r"(?:thanks|thank\s+you)\s+(?:(?:so|very)\s+much|a\s+lot|again)|"
    r"(?:first|sur|fore|last|family)\s*name)[\s,:]*$",
    re.IGNORECASE,
)
_RELATION_LINKS = frozenset("is was called named of".split())
_RELATION_FILLER = re.compile(r"[\s,:]*(?:(?:is|was|called|named|of)\s+){0,2}$", re.IGNORECASE)
# "its shona again", "it's dan here": whatever the case, the word is a name.
_AGAIN = re.compile(rf"\b(?:it\s*(?:'s|’s)|its|this\s+is)\s+([{_LETTER}][{_LETTER}'’\-]+)\s+"
                    r"(?:again|here)\b", re.IGNORECASE)
_SIGN_OFF = re.compile(rf"(?:^|\s)[-–—]+\s*([A-Z][{_LETTER}'’\-]*(?:\s+[A-Z]"
                       rf"[{_LETTER}'’\-]*)?)\s*$")
_HERE = re.compile(rf"^(?:(?:hi|hello|hey)[\s,!]+)?((?:[A-Z][{_LETTER}'’\-]*\s+){{0,2}}"
                   rf"[A-Z][{_LETTER}'’\-]*)\s+(?:here|again)\b")
# In any case, when every word is a stranger: "marek here", "hodan warsame again".
_HERE_ANY_CASE = re.compile(rf"^(?:(?:hi|hello|hey|hiya)[\s,!]+)?((?:[{_LETTER}'’\-]+\s+)?"
                            rf"[{_LETTER}'’\-]+)\s+(?:here|again)\b", re.IGNORECASE)
# A name signing off after a comma, in any case: "pls ring me back, abdullahi hassan".
_SIGNED_AT_END = re.compile(rf",\s*((?:[{_LETTER}'’\-]+\s+)?[{_LETTER}'’\-]+)\s*[.!x]?\s*$")
# A name opening the message right before an address: "Tesfaye Flat 4, Clement House",
# "Ruairi at number 2, Cambridge Gardens", "Bukola, flat 21".
_BEFORE_ADDRESS = re.compile(
    rf"^((?:[{_LETTER}'’\-]+\s+){{0,2}}?[{_LETTER}'’\-]+)\s*(?:,\s*|\s*\(\s*|\s+(?:at|from|in|of)\s+|\s+)"
    r"(?=(?:flat|apartment|room)\s+\w|(?:(?:no\.?|number)\s*)?\d{1,4}[a-z]?,?\s+[a-z]{3,})",
    re.IGNORECASE)


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
        """Starts with a capital; a word in capitals ("WILL THINGS BE BACK") says nothing."""
        return self.text[0].isupper() and not (len(self.text) > 1 and self.text.isupper())


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


# English words ending so are not names ("im gutted", "this is ridiculous", "its freezing").
_ENGLISH_ENDINGS = ("ing", "tion", "sion", "ment", "ness", "ful", "less", "able", "ible",
                    "ous", "ised", "ized")
# What may follow a lower-case name after "I'm", "this is": "im hodan warsame from flat 3",
# "i am jahanara khatun and my husband...", "this is marek from...".
_AFTER_NAME = frozenset("""
here again from at in on of flat and my i im i'm calling writing texting speaking messaging
number no to about with for re but pls please who this ringing living c
""".split())
# Intro cues after which a first name that is also a word can only be a name: "im will,",
# "its said from", "this is hope from flat 2" ("hi will you..." is a question, not a name).
_SELF_INTRO = re.compile(r"(?:^|[\s,.!])(?:i\s*(?:'m|’m|am)|im|this\s+is|it\s*(?:'s|’s)|its)"
                         r"[\s,:]*$", re.IGNORECASE)
_NAME_WORD_AFTER = frozenset("here again from at in".split())
_NAMES_THAT_ARE_WORDS = AMBIGUOUS_FIRST_NAMES | WORD_NAMES
_ALL_FIRST_NAMES = FIRST_NAMES | AMBIGUOUS_FIRST_NAMES
# After a relation, a lower-case stranger is a name before these too: "my partner kwesi is..."
_AFTER_RELATION_NAME = _AFTER_NAME | frozenset(
    "is was has had will can cant can't needs lives says said who".split())


def _english_ending(key: str) -> bool:
    """"freezing", "ridiculous" (not "Ying", "Ling": short words keep their chance)."""
    return len(key) > 5 and key.endswith(_ENGLISH_ENDINGS)


def _stranger(word: Word) -> bool:
    """Not an everyday word, a place, a street word or a function word: likely a name."""
    key = word.key
    if len(key) < 3 or not key.replace("-", "").replace("'", "").isalpha():
        return False
    if key in COMMON_WORDS or key in NOT_NAME_CAPITALISED or key in STREET_SUFFIXES or _never(word):
        return False
    if key.endswith("s") and (key[:-1] in COMMON_WORDS or key[:-2] in COMMON_WORDS
                              or key[:-3] + "y" in COMMON_WORDS):  # "inputs", "vetoes"
        return False
    return not _english_ending(key) and not (
        len(key) > 5 and key.endswith("ed") and key[-3] not in "aeiouy")


def _ends_name(text: str, words: list[Word], index: int, allowed: frozenset[str]) -> bool:
    """The name ending before words[index] is followed by the end, punctuation or `allowed`."""
    if index >= len(words):
        return True
    gap = text[words[index - 1].end:words[index].start]
    return bool(gap.strip()) or words[index].key in allowed


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
    if index >= len(words) or not first_ok:
        return 0
    if _never(words[index]) and words[index].key not in _NAMES_THAT_ARE_WORDS:
        return 0
    count = 1
    while count < MAX_NAME_WORDS and index + count < len(words):
        word, previous = words[index + count], words[index + count - 1]
        if not _joined(text, previous, word) or _never(word):
            break
        if not (_surname_ok(word) or (any_case and word.key not in NOT_NAME_CAPITALISED)
                or (not word.capitalised and _stranger(word))):
            break
        count += 1
    return count


def _after_relation(text: str, words: list[Word], index: int) -> bool:
    """words[index] follows a relation, perhaps with "is"/"called" between: "my son Kwame",
    "my case worker was Sinéad"."""
    before = index - 1
    while before >= 0 and index - before <= 2 and words[before].key in _RELATION_LINKS:
        before -= 1
    return before >= 0 and words[before].key in RELATIONS and bool(
        _RELATION_FILLER.fullmatch(text[words[before].end:words[index].start]))


def _ended_run(text: str, words: list[Word], index: int, allowed: frozenset[str]) -> int:
    """A run of name words from `index` that the end, punctuation or `allowed` follows."""
    count = _run(text, words, index, True, any_case=False)
    return count if count and _ends_name(text, words, index + count, allowed) else 0


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
            first_ok = word.key not in NOT_NAME_CAPITALISED or word.key in (_ALL_FIRST_NAMES)
            count = _run(text, words, index, first_ok, any_case=not word.capitalised)
        elif _after_relation(text, words, index):
            first_ok = (word.capitalised and word.key not in NOT_NAME_CAPITALISED) or _known(word)
            count = _run(text, words, index, first_ok, any_case=False)
            if not count and _stranger(word):  # "my aunt fadumo, she..."
                count = _ended_run(text, words, index, _AFTER_RELATION_NAME)
        elif _INTRO.search(before):
            first_ok = _looks_like_name(words, index, text) or (
                word.capitalised and word.key not in NOT_NAME_CAPITALISED)
            count = _run(text, words, index, first_ok and not _never(word), any_case=False)
            if not count and not word.capitalised and _stranger(word):  # "im hodan warsame"
                count = _ended_run(text, words, index, _AFTER_NAME)
            if (not count and word.key in _NAMES_THAT_ARE_WORDS
                    and _SELF_INTRO.search(before)):
                count = _ended_run(text, words, index, _NAME_WORD_AFTER)  # "its said from"
        elif _WEAK.search(before):
            # "ask for sarah", "Thanks, Wojtek", "from Zhang Wei" (not "from Golborne Road")
            street_next = (index + 1 < len(words) and _joined(text, word, words[index + 1])
                           and words[index + 1].key in STREET_SUFFIXES)
            first_ok = _known(word) or (word.capitalised and _stranger(word) and not street_next
                                        and bool(_WEAK_STRANGER.search(before)))
            count = _run(text, words, index, first_ok, any_case=False)
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
                                     or _english_ending(w.key) for w in candidate):
                yield match.start(1), match.start(1) + candidate[-1].end
    for pattern in (_HERE_ANY_CASE, _BEFORE_ADDRESS, _SIGNED_AT_END):
        match = pattern.search(text)
        if match:
            candidate = _words(match.group(1))
            # a lone foreign word closing a message ("Maya, mahadsanid") is not a signature
            lone = pattern is _SIGNED_AT_END and len(candidate) == 1 and not _known(candidate[0])
            if candidate and not lone and all(_known(w) or _stranger(w) for w in candidate):
                yield match.start(1), match.start(1) + candidate[-1].end
