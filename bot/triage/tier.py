"""Two tiers of urgency: a clear disclosure takes the urgent path at once; a possible one gets
one short safety question first.

An urgent case tells staff someone is in danger, so on an incident day a false one hides the
real emergencies. The rule safety net (English rules and the language lexicons) only fires on
phrasings that disclose a risk; the classifier also calls "urgent" things that merely share
words with emergencies (a lift that keeps stopping, a parcel). So:

* a button the resident chose, or a net match, is clear;
* a net match the message itself takes back or frames ("nobody was hurt", "not urgent", a scam
  text quoting "gas leak"; bot.triage.softeners) is possible;
* the classifier alone is clear when it is sure and nothing softens the message, possible
  otherwise;
* in one of the languages we translate, the same: the safety question is asked in that
  language, and only a clear "no" takes the urgent path away (yes, or anything unclear, makes
  it urgent). Until session 15 every urgent route in another language was clear, and the
  classifier's unsure "urgent" on ordinary messages (a parcel, a bill) opened urgent cases:
  6.9 % of benign messages on the third blind multilingual set;
* in a language we recognise but do not translate (Urdu, Russian... `untranslated`), the
  question could not be read, so every urgent route stays clear.

The net's verdict travels with the message (the NLU component records it on the parse data),
so this module runs the rules itself only when no verdict came with the message.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from bot.language import SUPPORTED
from bot.triage.softeners import softened

CLEAR = "clear"
POSSIBLE = "possible"
# Below this probability an urgent_help prediction the safety net does not back is "possible".
# From 5-fold cross-validation on the training data (never tests/eval), over the 171 urgent_help
# predictions the net did not back: at 0.5, 31 benign messages would have opened urgent cases
# and 7 urgent ones been asked first; at 0.6, 6 and 12 (precision 0.90); at 0.7, 1 and 16.
# 0.6 balances the two (docs/eval/README.md, session 14); an urgent message asked first still
# becomes urgent on "yes" or on an unclear answer.
CLEAR_PROBABILITY = 0.6
ENGLISH = "en"
_TRANSLATED = frozenset(SUPPORTED) | {ENGLISH}

Tier = Literal["clear", "possible"]


@dataclass(frozen=True)
class NetVerdict:
    """What the rule safety net said about a message: fired or not, and whether its match was
    softened by the message itself."""

    fired: bool
    weak: bool = False

    @classmethod
    def from_parse(cls, parse: dict[str, Any]) -> NetVerdict | None:
        """The verdict the NLU safety net left on a parse result (or a tracker's latest
        message); None when the net did not judge this message (a button, an old model)."""
        net = parse.get("safety_net")
        if net:
            return cls(fired=True, weak=bool(net.get("weak")))
        if parse.get("safety_net_checked"):
            return cls(fired=False)
        return None


def net_verdict_for(text: str) -> NetVerdict:
    """Run the rules now: only for a message that came without the net's verdict."""
    from bot.triage import detect_risk

    risk = detect_risk(text)
    return NetVerdict(fired=risk is not None, weak=bool(risk and risk.weak))


def urgency_tier(text: str, confidence: float | None, net: NetVerdict | None = None,
                 language: str | None = None) -> Tier:
    """The tier of a message the dialogue routed to urgent help.

    `net` is the safety net's verdict on this message (None: not known, run the rules);
    `language` the resident's language (ISO 639-1; None or "en": English); in a language
    we do not translate the safety question could not be read, so the tier is clear."""
    text = text or ""
    if text.startswith("/"):  # the resident chose the button
        return CLEAR
    if language and language not in _TRANSLATED:
        return CLEAR
    if net is None:
        net = net_verdict_for(text)
    if net.fired:
        return POSSIBLE if net.weak else CLEAR
    if softened(text):
        return POSSIBLE
    sure = confidence is None or confidence >= CLEAR_PROBABILITY
    return CLEAR if sure else POSSIBLE
