"""Other worries mentioned in the same message, so none is dropped.

The NLU picks one intent per message; residents often raise several things at once ("my
council tax won't go through and I think my data was stolen"). The main turn deals with the
most serious, then this adds a pointer for each other topic and records it on the case.
"""

from __future__ import annotations

import re

from bot.services.status import service_from_text

TOPIC_PATTERNS = {
    "data_concern": re.compile(
        r"\b(?:my|our) (?:data|details|personal (?:data|info(?:rmation)?)|information)\b.*?"
        r"\b(?:stolen|taken|leaked|hacked|exposed|safe|breach)|\bdata (?:breach|leak|stolen)|"
        r"\b(?:was|were|is|are) (?:my|our) (?:data|details)\b",
        re.IGNORECASE,
    ),
    "phishing_report": re.compile(
        r"\b(?:scam|phishing|suspicious (?:text|email|call|message|link)|dodgy (?:text|email|"
        r"call|link)|(?:text|email|call)\w* (?:saying|claiming) (?:to be|it was|i was|im owed))",
        re.IGNORECASE,
    ),
    "complaint": re.compile(
        r"\b(?:complain\w*|disgrace\w*|disgusting|unacceptable|appalling|shambles)\b",
        re.IGNORECASE,
    ),
}
POINTERS = {
    "data_concern": "You also mentioned your data: ask me \"was my data stolen?\" and I'll give "
                    "you the council's latest approved update and what to do.",
    "phishing_report": "You also mentioned a suspicious message: never give card or bank "
                       "details, forward scam texts to 7726 and emails to "
                       "report@phishing.gov.uk.",
    "complaint": "You also said you're unhappy with how this has been handled: say \"I want to "
                 "complain\" and I'll log it and give you the complaints route.",
    "service_status": "You also asked about {service}: ask me again once you're safe and I'll "
                      "give you its current status.",
}
LABELS = {
    "data_concern": "Also worried about their data",
    "phishing_report": "Also mentioned a suspicious message",
    "complaint": "Also unhappy about the handling (complaint)",
    "service_status": "Also asked about {service}",
}


def secondary_topics(text: str, main: str) -> list[tuple[str, str | None]]:
    """(topic, service) pairs other than `main` found in `text`, in a fixed order."""
    found: list[tuple[str, str | None]] = []
    for topic, pattern in TOPIC_PATTERNS.items():
        if topic != main and pattern.search(text or ""):
            found.append((topic, None))
    if main not in ("service_status",):
        service = service_from_text(text or "")
        if service:
            found.append(("service_status", service))
    return found


def pointer(topic: str, service: str | None) -> str:
    return POINTERS[topic].format(service=(service or "").replace("_", " "))


def label(topic: str, service: str | None) -> str:
    return LABELS[topic].format(service=(service or "").replace("_", " "))
