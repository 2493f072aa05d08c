"""The rule pattern language: a Rule and the helpers that build one.

Rules. A pattern is a space-separated token list written in plain words (each is passed
through `canonical`, so "is" means any form of "be"):
  "a|b"  one of the words     "x?"  optional     "_"  any one token     "_?"  optional token
  "#age" a number from 65 to 110
"a|b" alternatives are single tokens: "in danger|at risk" means "in" + "danger|at" + "risk".
Write multi-word alternatives as separate patterns, or expand them with `_each`.
--------------------------------------------------------------------------------------------
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.triage.categories import UrgentCategory
from bot.triage.normaliser import canonical


@dataclass(frozen=True)
class Rule:
    """One family of patterns for a category, or (category None) a context label."""

    key: str
    category: UrgentCategory | None
    patterns: tuple[str, ...]
    negation_window: int = 3
    needs: tuple[str, ...] = ()  # at least one of these context labels is in the message
    also_needs: tuple[str, ...] = ()  # and at least one of these (a second, separate group)
    unless: tuple[str, ...] = ()  # none of these context labels is in the message
    not_next: frozenset[str] = field(default_factory=frozenset)  # vetoes on the next token
    not_prev: frozenset[str] = field(default_factory=frozenset)  # vetoes on the token before
    possible: bool = False  # a weak signal: ask the safety question first (bot.triage.tier)


def make_rule(
    key: str,
    category: UrgentCategory | None,
    *patterns: str,
    negation_window: int = 3,
    needs: Sequence[str] = (),
    also_needs: Sequence[str] = (),
    unless: Sequence[str] = (),
    not_next: str = "",
    not_prev: str = "",
    possible: bool = False,
) -> Rule:
    return Rule(
        key=key,
        category=category,
        patterns=tuple(patterns),
        negation_window=negation_window,
        needs=tuple(needs),
        also_needs=tuple(also_needs),
        unless=tuple(unless),
        not_next=frozenset(canonical(w) for w in not_next.split()),
        not_prev=frozenset(canonical(w) for w in not_prev.split()),
        possible=possible,
    )


def context_rule(key: str, *patterns: str) -> Rule:
    return make_rule(key, None, *patterns, negation_window=0)


def each(template: str, *fillers: str) -> tuple[str, ...]:
    """Expand a template once per filler, e.g. a pattern for each spelling of a noun phrase."""
    return tuple(template.format(x=filler) for filler in fillers)
