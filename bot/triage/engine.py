"""The matcher: compiles the rule tables into spaCy token patterns on a blank English
tokenizer (no model, nothing downloaded) and picks the most serious category a message shows,
with negation, context and veto checks."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING

from bot.triage.categories import RANK, RiskMatch, UrgentCategory
from bot.triage.normaliser import LOOKUP, canonical, normalise
from bot.triage.rules import RULES, Rule
from bot.triage.softeners import softened

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

_CLAUSE_BREAKS = frozenset({"but", "and", "so", "because", "cos", "coz", "then", "though",
                            "however", "although", "while", "whereas", "or"})
_NEGATORS = frozenset({"not", "no", "nobody", "none", "without", "neither", "nor"})
_PSEUDO_NEGATION_NEXT = frozenset({"only", "just", "sure", "stop", "know", "matter", "even",
                                   "think", "able", "longer"})
_AGE_REGEX = r"^(6[5-9]|[7-9]\d|10\d|110)$"


def _token_pattern(part: str) -> dict:
    optional = part.endswith("?") and len(part) > 1
    part = part[:-1] if optional else part
    if part == "_":
        token: dict = {}
    elif part == "#age":
        token = {"TEXT": {"REGEX": _AGE_REGEX}}
    else:
        words = sorted({canonical(word.lower()) for word in part.split("|")})
        token = {"NORM": words[0]} if len(words) == 1 else {"NORM": {"IN": words}}
    if optional:
        token["OP"] = "?"
    return token


def compile_pattern(spec: str) -> list[dict]:
    """Translate one pattern string into a spaCy Matcher token pattern."""
    return [_token_pattern(part) for part in spec.split()]


#: Words so common that indexing a pattern under them would not narrow anything down.
_COMMON = frozenset(
    "be have do not i a an the to my me of in on for and it you we he she they no can will go "
    "get at with is this that out up all what so our us your their his her him them any some "
    "there from by as or but if about".split()
)


def _required_sets(pattern: list[dict]) -> list[frozenset[str]]:
    """The word sets of a pattern's required literal tokens, most selective first."""
    sets = []
    for token in pattern:
        norm = token.get("NORM")
        if norm is None or token.get("OP") == "?":
            continue
        sets.append(frozenset([norm]) if isinstance(norm, str) else frozenset(norm["IN"]))
    return sorted(sets, key=lambda words: (bool(words & _COMMON), len(words)))


class _Engine:
    """The blank spaCy pipeline and one matcher per rule, built once per process.

    spaCy's Matcher evaluates every pattern at every token, and several hundred patterns with
    word sets cost over a millisecond. So each pattern is also indexed under its most selective
    required word; a message only runs the matchers of rules that have a pattern whose required
    words are all present, which is usually none or a handful.
    """

    def __init__(self, rules: Iterable[Rule]) -> None:
        import spacy  # imported here: spaCy pulls in heavy deps that advice-only users skip
        from spacy.language import Language
        from spacy.matcher import Matcher

        if not Language.has_factory("council_triage_normaliser"):
            Language.component("council_triage_normaliser", func=normalise)
        self.nlp = spacy.blank("en")
        self.nlp.add_pipe("council_triage_normaliser")
        for word in set(LOOKUP.values()):
            self.nlp.vocab.strings.add(word)
        self.rules: list[tuple[Rule, Matcher]] = []
        self.always: list[int] = []
        self.index: dict[str, list[tuple[int, tuple[frozenset[str], ...]]]] = {}
        for number, rule in enumerate(rules):
            patterns = [compile_pattern(spec) for spec in rule.patterns]
            matcher = Matcher(self.nlp.vocab)
            matcher.add(rule.key, patterns)
            self.rules.append((rule, matcher))
            self._index_rule(number, patterns)

    def _index_rule(self, number: int, patterns: list[list[dict]]) -> None:
        for pattern in patterns:
            required = _required_sets(pattern)
            if not required:
                self.always.append(number)
                continue
            for word in required[0]:
                self.index.setdefault(word, []).append((number, tuple(required[1:])))

    def _rules_to_run(self, norms: set[str]) -> list[int]:
        chosen = set(self.always)
        for word in norms:
            for number, rest in self.index.get(word, ()):
                if number not in chosen and all(not s.isdisjoint(norms) for s in rest):
                    chosen.add(number)
        return sorted(chosen)

    def _raw_matches(self, doc: Doc) -> list[tuple[Rule, Span]]:
        found: list[tuple[Rule, Span]] = []
        for number in self._rules_to_run({token.norm_ for token in doc}):
            rule, matcher = self.rules[number]
            found.extend((rule, doc[start:end]) for _, start, end in matcher(doc))
        return found

    def candidates(self, text: str) -> list[tuple[Rule, Span]]:
        """Category matches that pass their context, veto and negation checks."""
        found = self._raw_matches(self.nlp(text))
        contexts = {rule.key for rule, _ in found if rule.category is None}
        if "CTX_HOME" not in contexts:
            contexts.update(f"{label}_ONLY" for label in ("CTX_VENUE", "CTX_OUTDOOR")
                            if label in contexts)
        vetoes = [span for rule, span in found if rule.key == "VETO"]
        return [
            (rule, span)
            for rule, span in found
            if rule.category is not None
            and _applies(rule, span, contexts)
            and not any(span.start < veto.end and veto.start < span.end for veto in vetoes)
        ]


def _applies(rule: Rule, span: Span, contexts: set[str]) -> bool:
    """Context, neighbour vetoes and negation for one candidate match."""
    if rule.needs and not contexts.intersection(rule.needs):
        return False
    if rule.also_needs and not contexts.intersection(rule.also_needs):
        return False
    if rule.unless and contexts.intersection(rule.unless):
        return False
    doc = span.doc
    if rule.not_next and span.end < len(doc) and doc[span.end].norm_ in rule.not_next:
        return False
    if rule.not_prev and span.start > 0 and doc[span.start - 1].norm_ in rule.not_prev:
        return False
    return not _negated(span, rule.negation_window)


def _negated(span: Span, window: int) -> bool:
    """A negator within `window` tokens before the match, in the same clause."""
    doc = span.doc
    for i in range(span.start - 1, max(span.start - window, 0) - 1, -1):
        token = doc[i]
        if token.is_punct or token.norm_ in _CLAUSE_BREAKS:
            return False
        if token.norm_ in _NEGATORS:
            following = doc[i + 1].norm_
            return token.norm_ == "no" or following not in _PSEUDO_NEGATION_NEXT
    return False


def _keep_longest(found: list[tuple[Rule, Span]]) -> list[tuple[Rule, Span]]:
    """Drop a match that overlaps a strictly longer one ("no electric on the meter" wins)."""
    kept: list[tuple[Rule, Span]] = []
    for rule, span in sorted(found, key=lambda item: len(item[1]), reverse=True):
        if not any(span.start < other.end and other.start < span.end and len(other) > len(span)
                   for _, other in kept):
            kept.append((rule, span))
    return kept


_engine: _Engine | None = None
_engine_lock = threading.Lock()


def _get_engine() -> _Engine:
    global _engine
    if _engine is None:
        with _engine_lock:
            if _engine is None:
                _engine = _Engine(RULES)
    return _engine


def warm_up() -> None:
    """Build the matcher now (server start) rather than on the first resident's message."""
    _get_engine()


def detect_risk(text: str) -> RiskMatch | None:
    """The most serious urgent category the text shows, or None when nothing urgent is seen."""
    if not text or not text.strip():
        return None
    found = _keep_longest(_get_engine().candidates(text))
    best: tuple[int, int, UrgentCategory, str] | None = None
    for rule, span in found:
        if rule.category is None:
            continue
        key = (RANK[rule.category], span.start, rule.category, span.text)
        if best is None or key[:2] < best[:2]:
            best = key
    if best is None:
        return None
    weak = all(rule.possible or softened(text, rule.category)
               for rule, _ in found if rule.category is not None)
    return RiskMatch(category=best[2], phrase=best[3], weak=weak)


