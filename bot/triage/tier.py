"""Two tiers of urgency: a clear disclosure takes the urgent path at once; a possible one gets
one short safety question first.

An urgent case tells staff someone is in danger, so on an incident day a false one hides the
real emergencies. The rule safety net (English rules and the language lexicons) only fires on
phrasings that disclose a risk; the classifier also calls "urgent" things that merely share
words with emergencies (a lift that keeps stopping, a parcel). So the classifier alone, when it
is not sure, earns a question ("Is anyone in danger or at risk right now?"), not a case.
"""

from __future__ import annotations

from typing import Literal

CLEAR = "clear"
POSSIBLE = "possible"
# Below this probability an urgent_help prediction the safety net does not back is "possible".
CLEAR_PROBABILITY = 0.5

Tier = Literal["clear", "possible"]


def urgency_tier(text: str, confidence: float | None, net_fired: bool) -> Tier:
    """The tier of a message the dialogue routed to urgent help."""
    if net_fired or (text or "").startswith("/"):  # a rule, or the resident chose the button
        return CLEAR
    from bot.triage import detect_risk

    if detect_risk(text):
        return CLEAR
    sure = confidence is None or confidence >= CLEAR_PROBABILITY
    return CLEAR if sure else POSSIBLE
