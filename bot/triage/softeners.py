"""Words that make an urgent-looking message a *possible* one, not a clear one.

Two tiers of urgency (bot.triage.tier): a clear disclosure opens an urgent case at once, a
possible one gets one safety question first. Some messages show a risk phrase and, in the same
breath, take it back or frame it:

* plain non-urgency: "nothing urgent", "non-urgent", "no immediate risk", "no rush";
* someone is said to be fine: "I'm fine", "she's safe", "nobody was hurt", "we're all OK";
* a scam report that quotes an emergency: "text says gas leak at your address, pay £49...
  scam?", "a letter said I'd be homeless unless I paid in gift cards, fake?";
* for the classifier's own urgent_help only (the rules veto these themselves): idioms such as
  "killing time", "dying to know", "I feel like death".

None of these drops the risk: the resident is asked "Is anyone in danger or at risk right
now?", and a yes (or an unclear answer) still makes the case urgent. Self-harm is never
softened ("I'm fine, I just want it all to end" is not fine), and "someone is fine" does not
soften abuse, a child at risk, gas or homelessness, where the writer's reassurance is not
enough. A negated reassurance ("I'm not fine", "she is not safe") softens nothing: the phrases
below need the words side by side.

Plain regular expressions over lower-cased text (no spaCy), so the dialogue can ask this of a
message without running the rule matcher again.
"""

from __future__ import annotations

import re

from bot.triage.categories import UrgentCategory

C = UrgentCategory

_SPACE = r"[\s,]+"
_WHO = (r"(?:i|we|she|he|they|everyone|everybody|every1|the kids|the children|mum|dad|my mum|"
        r"my dad|we all|we are all|we're all)")
_BE = r"(?:\s+(?:am|is|are|has been|have been|seem|seems|feel|feels)|\s?[\'’](?:m|s|re|s been))"
_FINE = r"(?:fine|ok|okay|alright|all right|safe|safe and well|absolutely fine|totally fine|" \
        r"perfectly fine|coping|managing|not hurt|unhurt)"

NOT_URGENT = re.compile(
    r"\b(?:not|isn'?t|is not|nothing|non)[\s-]*(?:at all\s+)?(?:urgent|an emergency|"
    r"emergency)\b"
    r"|\bno (?:rush|hurry|emergency)\b"
    r"|\bno (?:immediate|current|present|imminent)\s+(?:risk|danger|concerns?|worries)\b"
    r"|\bno(?:body|one|\s+one|1)?\s+(?:is\s+|'s\s+)?(?:in (?:any\s+)?danger|at risk)\b"
    r"|\b(?:i'?m|i am|we'?re|we are|she'?s|he'?s|they'?re|they are)\s+not in (?:any\s+)?danger\b"
    r"|\broutine (?:referral|query|question|enquiry)\b",
    re.IGNORECASE,
)

SOMEONE_FINE = re.compile(
    rf"\b(?:{_WHO}{_BE}|im|shes|hes|theyre)\s+(?:all\s+|both\s+|completely\s+|really\s+)?"
    rf"{_FINE}\b"
    r"(?!\s+(?:with\s+\w+ing|with that|with it|to|about|for|if|by|on|in the)\b)"
    r"|\b(?:nobody|no one|noone|no-one|nobodys|nobody's|no1)\s+(?:was\s+|got\s+|is\s+|'s\s+|"
    r"has been\s+|were\s+)?(?:hurt|injured|harmed|stuck|trapped|inside|in danger)\b"
    r"|\bno(?:body|\s+one)?\s+(?:injuries|injured|casualties)\b",
    re.IGNORECASE,
)

_SCAM_WORD = re.compile(
    r"\b(?:scam+s?|scammers?|scammy|phishing|fake|fraud(?:ulent|sters?)?|spam|dodgy|legit|"
    r"genuine|is (?:this|it|that) (?:real|true)|smishing|hoax)\b",
    re.IGNORECASE,
)
_MESSAGE_SAYS = re.compile(
    r"\b(?:text|txt|texts|sms|email|e-mail|emails|letter|message|msg|whatsapp|voicemail|call|"
    r"caller|phone call|someone rang|someone called|leaflet|link|website)\b[^.?!]{0,40}?\b"
    r"(?:says?|said|saying|claims?|claimed|claiming|told me|tells me|warns?|warned|warning|"
    r"threatens?|threatened|threatening|reads?|stating|states?)\b",
    re.IGNORECASE,
)

# Idioms that share words with emergencies ("killing time", "dying to know"): they soften the
# classifier's own urgent_help, never a rule match (the rules veto these phrases themselves).
IDIOM = re.compile(
    r"\bkill(?:ing)?\s+(?:some\s+|a bit of\s+|a little\s+|the\s+)?time\b"
    r"|\b(?:an?|one|two|few|couple of)\s+(?:hours?|minutes?|mins?)\s+to\s+kill\b"
    r"|\bdying\s+(?:to|for)\b|\bto die for\b|\b(?:is|are|it's|its)\s+killing me\b"
    r"|\bfeel(?:ing)?\s+like\s+death\b|\bbored\s+to\s+death\b|\bdeath\s+warmed\s+up\b"
    r"|\b(?:nearly|almost)\s+(?:had|have|died)\b",
    re.IGNORECASE,
)

#: Categories a plain "not urgent" softens (every one but self-harm).
SOFTENED_BY_NOT_URGENT = frozenset(set(UrgentCategory) - {C.SELF_HARM})
#: Categories "nobody was hurt" / "I'm fine" softens: things, not people at risk.
SOFTENED_BY_SOMEONE_FINE = frozenset(
    {C.NO_HEATING_OR_WATER, C.UNSAFE_HOME, C.GENERAL, C.MISSED_CARE_VISIT,
     C.NO_MONEY_FOR_ESSENTIALS}
)
#: Categories a scam report that quotes the emergency softens.
SOFTENED_BY_SCAM_QUOTE = frozenset(set(UrgentCategory) - {C.SELF_HARM, C.DOMESTIC_ABUSE})


# "why is this not urgent?!" is the opposite of a reassurance.
_RHETORICAL = re.compile(r"\b(?:why|how)\s+(?:is|was|isn'?t)\s+(?:this|it|that)\s+not\b",
                         re.IGNORECASE)


def not_urgent(text: str) -> bool:
    """The writer says it is not urgent, or that nobody is in danger."""
    text = text or ""
    return bool(NOT_URGENT.search(text)) and not _RHETORICAL.search(text)


def someone_fine(text: str) -> bool:
    """The writer says they (or the person they write about) are fine or nobody was hurt."""
    return bool(SOMEONE_FINE.search(text or ""))


def quotes_a_scam(text: str) -> bool:
    """A report of a scam message that quotes its words ("text says ... scam?")."""
    text = text or ""
    return bool(_SCAM_WORD.search(text) and (_MESSAGE_SAYS.search(text) or '"' in text))


def softened(text: str, category: UrgentCategory | None = None) -> bool:
    """True when the message takes back or frames its risk for `category` (None: the
    classifier's own urgent_help, which any softener makes possible)."""
    if category is not None and UrgentCategory(category) == C.SELF_HARM:
        return False
    if category is None and IDIOM.search(text or ""):
        return True
    checks = (
        (not_urgent, SOFTENED_BY_NOT_URGENT),
        (someone_fine, SOFTENED_BY_SOMEONE_FINE),
        (quotes_a_scam, SOFTENED_BY_SCAM_QUOTE),
    )
    return any((category is None or category in kinds) and check(text)
               for check, kinds in checks)
