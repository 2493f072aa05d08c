"""Which action opens which kind of case, and at what priority: one table for every caller.

The action server (when a case write fails and the request is spooled) and the Rasa server
(when the action server is unreachable and the holding reply spools the request) must open
the same case a working system would have. A message that discloses a risk is urgent
whatever the action; a scam report where money or details were handed over is high.

This is the one place that decides "risk -> urgent": the kind carries the risk's category, so
the spool and the first reply use it instead of running the rules again.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.services.advice import money_lost
from bot.triage import UrgentCategory, detect_risk


@dataclass(frozen=True)
class CaseKind:
    category: str
    priority: str
    urgent_category: UrgentCategory | None = None  # the risk the message disclosed, if any


CASE_OPENING_ACTIONS: dict[str, CaseKind] = {
    "action_urgent_help": CaseKind("urgent_help", "urgent"),
    "action_start_case": CaseKind("human_request", "standard"),
    "action_submit_case": CaseKind("human_request", "standard"),
    "action_phishing_report": CaseKind("phishing_report", "standard"),
    "action_complaint": CaseKind("complaint", "standard"),
}


def case_kind_for(action_name: str, text: str) -> CaseKind:
    """The case `action_name` opens for a resident who wrote `text`."""
    kind = CASE_OPENING_ACTIONS[action_name]
    risk = detect_risk(text)
    if risk:
        return CaseKind("urgent_help", "urgent", risk.category)
    if kind.category == "phishing_report" and money_lost(text):
        return CaseKind(kind.category, "high")
    return kind
