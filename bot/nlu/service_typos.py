"""One-letter typos of service words, corrected before the vocabulary is matched.

Residents type "counsil tax suport", "berth certifcate", "libary", "recyling": the vocabulary
lists a few common misspellings, but never all of them, and every one missing sent the resident
to "Which service?". A word of five letters or more that is not itself a vocabulary word and is
one edit (a letter added, dropped, changed, or two swapped) from a vocabulary word with the
same first letter is read as that word (the one more terms use, when there are several).
The first letter must agree because typos rarely change it, while real words one letter
from a service word often do ("barking", "paste", "taste"). Real words that remain ("depth"
for "death", "point" for "paint") are listed under `not_typos` in the vocabulary files.

The symmetric-delete index keeps this a few set look-ups per word, not a scan of the vocabulary.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

MIN_LENGTH = 5
_LATIN_WORD = re.compile(r"[a-z]+")


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def one_edit(a: str, b: str) -> bool:
    """True when `a` and `b` differ by exactly one insertion, deletion, substitution or
    swap of neighbouring letters (optimal string alignment distance 1)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                  and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


@dataclass(frozen=True)
class TypoCorrector:
    known: frozenset[str]  # never corrected
    index: dict[str, frozenset[str]]  # a word or a one-letter deletion -> target words
    rank: dict[str, int]  # target word -> how many terms use it (the likelier reading first)
    stop: frozenset[str]  # real words one edit from a vocabulary word

    @classmethod
    def build(cls, term_word_counts: dict[str, int], single_words: Iterable[str],
              stop: Iterable[str]) -> TypoCorrector:
        """Targets are the words of single-word terms and the words two or more terms share:
        a word only one phrase uses is often itself a listed typo ("counsil tax"), which is
        corrected too, so "counsil tax suport" reads as "council tax support"."""
        singles = {w for w in single_words if _LATIN_WORD.fullmatch(w)}  # with plurals
        targets = {w for w, n in term_word_counts.items()
                   if _LATIN_WORD.fullmatch(w) and (n >= 2 or w in singles)}
        singles |= {w + "s" for w in targets} | {w + "es" for w in targets}
        index: dict[str, set[str]] = {}
        for word in targets:
            if len(word) >= MIN_LENGTH:
                for key in {word, *_deletes(word)}:
                    index.setdefault(key, set()).add(word)
        return cls(frozenset(targets | singles), {k: frozenset(v) for k, v in index.items()},
                   {w: term_word_counts.get(w, 1) for w in targets}, frozenset(stop))

    def correct(self, word: str) -> str | None:
        """The one vocabulary word `word` is a typo of, or None."""
        if len(word) < MIN_LENGTH or word in self.known or word in self.stop:
            return None
        found: set[str] = set()
        for key in {word, *_deletes(word)}:
            found |= self.index.get(key, frozenset())
        found = {w for w in found if w[0] == word[0] and one_edit(word, w)}
        return min(found, key=lambda w: (-self.rank[w], w)) if found else None

    def canonical(self, folded: str) -> str:
        """`folded` (see service_vocab.fold) with every typo of a vocabulary word corrected."""
        return _LATIN_WORD.sub(lambda m: self.correct(m.group()) or m.group(), folded)
