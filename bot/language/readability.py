"""Plain English, measured: the Flesch-Kincaid grade of a resident-facing text, and the jargon
residents should never be sent.

Formula (documented so the test can be argued with): Flesch-Kincaid grade
``0.39 * words/sentences + 11.8 * syllables/words - 15.59``. Reading age is about grade + 5,
so the target "reading age about 9" is a grade of 4 on average and at most 5 for any one
template (tests/test_plain_english.py).

What is counted, and why:
* Sentences end at ``.``, ``!``, ``?`` or ``:`` followed by a space or the end (a colon before
  a number or a list reads as a stop); a text with none is one sentence.
* Words are runs of letters. Numbers, {placeholders}, web and email addresses are left out:
  they are copied, not read.
* Names a resident must use as they are ("National Domestic Abuse Helpline", "Samaritans",
  "Action Fraud", the councils) count as one short word each: we cannot simplify them, and
  they would otherwise dominate a short text.
* Syllables are estimated from vowel groups (a silent final "e" dropped, "-le" kept), which is
  within one syllable for almost all everyday words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Names kept as they are: counted as one one-syllable word.
NAMES = (
    "National Domestic Abuse Helpline", "National Gas Emergency", "Samaritans", "Action Fraud",
    "Local Government and Social Care Ombudsman", "Information Commissioner's Office",
    "Kensington and Chelsea", "Hammersmith and Fulham", "Westminster", "Cifas",
    "Direct Debit", "Post Office", "PayPoint", "Citizens Advice", "General Register Office",
    "Trussell Trust", "Royal Borough", "NHS", "National Insurance", "Customer Service Centre",
)
# Jargon residents should not meet (issue #13): initialisms and office words.
BANNED = (
    "CTR", "DHP", "MASH", "portal", "LGSCO", "CTS", "HB", "UC", "LA", "safeguarding",
    "referral", "in respect of", "utilise", "facilitate", "signpost", "escalate",
    "stakeholder", "remediation", "mitigation", "pursuant", "aforementioned",
)

_NAME = re.compile("|".join(re.escape(n) for n in sorted(NAMES, key=len, reverse=True)))
_DROP = re.compile(
    r"\{[A-Za-z_][A-Za-z0-9_]*\}|https?://\S+|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b|"
    r"\b[\w-]+\.(?:gov\.uk|org\.uk|org|co\.uk|com)\b|\d[\d\s]*"
)
_SENTENCE_END = re.compile(r"[.!?:]+(?=\s|$)")
_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
_VOWELS = re.compile(r"[aeiouy]+")


@dataclass(frozen=True)
class Score:
    words: int
    sentences: int
    syllables: int

    @property
    def grade(self) -> float:
        """Flesch-Kincaid grade level (0 for an empty text)."""
        if not self.words:
            return 0.0
        return (0.39 * self.words / self.sentences + 11.8 * self.syllables / self.words
                - 15.59)


def syllables(word: str) -> int:
    """Estimated syllables in one English word (at least 1)."""
    word = word.lower().replace("'", "")
    if len(word) <= 3:
        return 1
    if word.endswith("e") and not word.endswith(("le", "ee", "ye")):
        word = word[:-1]
    elif word.endswith(("es", "ed")) and not word.endswith(("ted", "ded", "ses", "zes", "ces",
                                                           "ges", "xes", "shes", "ches")):
        word = word[:-2]
    return max(1, len(_VOWELS.findall(word)))


def score(text: str) -> Score:
    """Words, sentences and syllables of `text`, counted as the module docstring says."""
    text = _NAME.sub(" Name ", text)
    text = _DROP.sub(" ", text)
    words = _WORD.findall(text)
    sentences = max(1, len([s for s in _SENTENCE_END.split(text) if _WORD.search(s)]))
    return Score(len(words), sentences, sum(syllables(w) for w in words))


def grade(text: str) -> float:
    return score(text).grade


def jargon(text: str) -> list[str]:
    """The banned words in `text` (whole words; initialisms matched in capitals only)."""
    found = []
    for term in BANNED:
        flags = 0 if term.isupper() else re.IGNORECASE
        if re.search(rf"(?<![\w-]){re.escape(term)}(?![\w-])", text, flags):
            found.append(term)
    return found
