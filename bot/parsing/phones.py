"""Phone numbers in one message, each with whose it is and whether it is the one to use first.

"call my mobile 07700 900118, or the landline 020 7946 0000 if not, or my daughter Sarah on
07700 900333" holds three numbers: two are the resident's own (the mobile preferred), one is a
helper's. The resident's own number must never be replaced by a helper's, and a helper is only
recorded once the resident says they may be contacted, so each number carries its owner.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from bot.parsing.contact import contact_spans, display_phone, is_mobile

RELATIONS = (
    "daughter", "son", "wife", "husband", "partner", "mum", "mom", "mother", "dad", "father",
    "sister", "brother", "carer", "friend", "neighbour", "neighbor", "niece", "nephew",
    "grandson", "granddaughter", "grandaughter", "aunt", "uncle", "cousin", "support worker",
    "social worker", "key worker", "advocate", "landlord", "child", "kid",
)
_RELATION = re.compile(
    r"\b(?:my|our)\s+(" + "|".join(RELATIONS) + r")(?:'s|s')?\b"
    r"(?:[\s,(]+(?:called\s+|named\s+)?([A-Z][a-z'-]+))?",
    re.IGNORECASE,
)
_THIRD_PERSON = re.compile(r"\b(?:her|his|their)\s+(?:number|mobile|phone|landline)\b|"
                           r"\b(?:call|ring|text|contact)\s+(?:her|him|them)\b", re.IGNORECASE)
_OWN = re.compile(r"\b(?:my|me|i'?m|mine|i am|i)\b", re.IGNORECASE)
_PREFERRED = re.compile(
    r"\b(?:best|prefer(?:red|ably)?|main|first|usually|mostly|better|always|primary)\b",
    re.IGNORECASE,
)
_KIND_PREFERRED = re.compile(
    r"\b(mobile|landline|home)(?: (?:number|phone))? (?:is|'s) (?:best|better|preferred|"
    r"easiest)|\b(?:prefer|try|use) (?:the |my )?(mobile|landline|home)", re.IGNORECASE)
_NOT_PREFERRED = re.compile(r"\b(?:only if|if not|if no answer|backup|back-up|otherwise|"
                            r"as a last resort|second|emergencies only)\b", re.IGNORECASE)
_CONSENT = re.compile(
    r"\b(?:(?:she|he|they)(?:'s|'re| is| are| has| have| said)?\s+(?:happy|fine|ok|okay|agreed|"
    r"said (?:it'?s )?(?:fine|ok|okay|yes))|with (?:her|his|their) (?:permission|consent)|"
    r"(?:you )?can (?:call|ring|text|contact|speak to|talk to) (?:her|him|them))\b",
    re.IGNORECASE,
)
NOT_A_NAME = {"on", "is", "at", "has", "can", "will", "number", "mobile", "phone", "and", "or",
              "who", "she", "he", "they", "if", "lives", "helps", "the", "her", "his", "their"}


@dataclass(frozen=True)
class PhoneMention:
    """One valid UK number in a message, with what the words around it say about it."""

    number: str  # E.164
    helper: bool = False  # someone else's number (daughter, carer, neighbour...)
    relation: str | None = None  # "daughter"
    helper_name: str | None = None  # "Sarah"
    preferred: bool = False
    landline: bool = False

    def describe(self) -> str:
        """How staff see the number: '07700 900118 (mobile, preferred)'."""
        kind = "landline" if self.landline else "mobile"
        who = ""
        if self.helper:
            who = " ".join(part for part in (self.relation, self.helper_name) if part) or "helper"
            who = f"{who}'s "
        preferred = ", preferred" if self.preferred else ""
        return f"{display_phone(self.number)} ({who}{kind}{preferred})"


def _clause_before(text: str, start: int, previous_end: int) -> str:
    """The words between the previous number and this one: what describes this number."""
    window = text[previous_end:start]
    return window[-80:]


def phone_mentions(text: str) -> list[PhoneMention]:
    """Every valid phone number in `text`, in order, with owner and preference."""
    spans = [s for s in contact_spans(text) if s.kind == "phone" and s.value]
    mentions: list[PhoneMention] = []
    previous_end = 0
    for index, span in enumerate(spans):
        before = _clause_before(text, span.start, previous_end)
        following = spans[index + 1].start if index + 1 < len(spans) else len(text)
        after = re.split(r";|\bor\b|\band\b", text[span.end:following][:40])[0]
        clause = re.split(r",|;|\bor\b|\band\b", before)[-1]
        relation = _RELATION.search(before)
        helper = bool(relation) or bool(_THIRD_PERSON.search(before))
        if relation and _OWN.search(before[relation.end():]) and re.search(
                r"\bmy (?:own|mobile|number|phone|landline)\b", before[relation.end():], re.I):
            helper = False  # "my daughter says my mobile is ..."
        name = None
        if relation and relation.group(2) and relation.group(2).lower() not in NOT_A_NAME:
            name = relation.group(2).capitalize()
        preferred = bool(_PREFERRED.search(clause + " " + after)) and not _NOT_PREFERRED.search(
            clause + " " + after)
        mentions.append(PhoneMention(
            number=str(span.value), helper=helper,
            relation=relation.group(1).lower() if relation else None,
            helper_name=name if helper else None, preferred=preferred,
            landline=not is_mobile(str(span.value)),
        ))
        previous_end = span.end
    own = [m for m in mentions if not m.helper]
    kind = _KIND_PREFERRED.search(text)
    if kind and len(own) > 1:  # "the mobile is better"
        wanted = (kind.group(1) or kind.group(2)).lower() in ("landline", "home")
        mentions = [replace(m, preferred=m.landline == wanted) if not m.helper else m
                    for m in mentions]
        own = [m for m in mentions if not m.helper]
    if own and not any(m.preferred for m in own):  # no word said which: the first one
        first = own[0]
        mentions = [replace(m, preferred=True) if m is first else m for m in mentions]
    return mentions


def helper_consent_given(text: str) -> bool:
    """'she said it's fine', 'you can call her': the helper agreed to be contacted."""
    return bool(_CONSENT.search(text or ""))
