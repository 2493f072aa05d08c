"""Contact details from free text: several in one message, in any order, validated and normalised.

"w10 6el, 07700 900118 after 6pm" gives a postcode, a phone and a time in one go, so the form
never asks again for what it already has.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

PHONE_CANDIDATE = re.compile(r"(?<![\w+])(?:\+|00)?[\d(][\d\s().-]{8,16}\d(?!\w)")
EMAIL = re.compile(r"\b[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
POSTCODE_FULL = re.compile(r"\b([A-Za-z]{1,2}\d[A-Za-z\d]?)\s*(\d[A-Za-z]{2})\b")
TIME_PHRASE = re.compile(
    r"\b(?:(?:after|before|from|around|between|by|not before|not after)\s+\d{1,2}(?:[:.]\d{2})?\s*"
    r"(?:am|pm)?(?:\s*(?:-|to|and)\s*\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm)?)?|"
    r"(?:in the |any )?(?:mornings?|afternoons?|evenings?|lunch ?time|weekends?|weekdays?)|"
    r"any ?time|whenever|all day)\b",
    re.IGNORECASE,
)
SKIP_PHRASE = re.compile(
    r"^\s*(?:skip|pass|next|no thanks?|no thank you|rather not(?: say)?|prefer not(?: to say)?|"
    r"i'?d rather not|don'?t want to say|not needed|n/?a|none|no|nope|nah|dont mind|"
    r"don'?t mind|doesn'?t matter|any)\s*[.!]*\s*$",
    re.IGNORECASE,
)
NAME_PHRASE = re.compile(
    r"\b(?:my name is|my name's|name is|name's|i am called|i'm called|im called)\s+"
    r"([A-Za-z][A-Za-z'-]+(?:\s+[A-Za-z][A-Za-z'-]+)?)",
    re.IGNORECASE,
)
INTERPRETER_PHRASE = re.compile(
    r"\b(?:interpreter|translator)\b(?:\s+(?:in|for|speaking))?\s*([A-Za-z]+)?|"
    r"\b(?:i speak|i only speak|my language is|speak only)\s+([A-Za-z]+)",
    re.IGNORECASE,
)
# A time phrase is a contact time only when the message is about contact, or a time was asked
# for: "can't get down till the weekend" is not "call me at weekends".
CONTACT_CUE = re.compile(
    r"\b(?:call|ring|phone|text|txt|contact|reach|get hold|free|available|best|try|email|"
    r"message|answer)\b|\b(?:i'?m|i am|we'?re|someone'?s) (?:in|home|around|about)\b",
    re.IGNORECASE,
)
# words that follow a first name in a sentence but are never a surname
NAME_ENDS = {"and", "but", "or", "i", "im", "i'm", "at", "in", "from", "on", "so", "please",
             "it", "its", "it's", "is", "you", "thanks", "thank", "here", "my", "we", "mobile",
             "phone", "number", "email", "postcode", "call", "ring", "text", "by", "if", "to"}
NOT_A_NAME = {"ok", "fine", "urgent", "about", "not", "me", "the", "my", "a", "an", "just"}


@dataclass
class ContactDetails:
    """What one message told us about how to reach the resident."""

    phone: str | None = None
    email: str | None = None
    postcode: str | None = None
    contact_time: str | None = None
    preferred_contact: str | None = None  # phone | text | email
    name: str | None = None
    safe_to_call: bool | None = None
    landline_only: bool | None = None
    interpreter_language: str | None = None
    invalid: list[str] = field(default_factory=list)

    def found(self) -> dict[str, object]:
        """Only the fields this message actually gave."""
        return {
            key: value
            for key, value in self.__dict__.items()
            if key != "invalid" and value is not None
        }


def normalise_uk_phone(raw: str) -> str | None:
    """E.164 (+44...) for a valid UK mobile or landline number, else None."""
    digits = re.sub(r"[^\d+]", "", raw)
    if digits.startswith("+44"):
        national = "0" + digits[3:].lstrip("0")
    elif digits.startswith("0044"):
        national = "0" + digits[4:].lstrip("0")
    elif digits.startswith("44") and len(digits) == 12:
        national = "0" + digits[2:]
    else:
        national = digits
    if "+" in national or not national.startswith("0"):
        return None
    if national.startswith("07") and len(national) == 11:
        return "+44" + national[1:]
    if national[:2] in ("01", "02", "03") and len(national) in (10, 11):
        return "+44" + national[1:]
    if national.startswith("08") and len(national) in (10, 11):
        return "+44" + national[1:]
    return None


def is_mobile(e164: str) -> bool:
    return e164.startswith("+447")


def normalise_postcode(raw: str) -> str | None:
    """'w106el' -> 'W10 6EL'; None unless it has the shape of a full UK postcode."""
    compact = re.sub(r"\s+", "", raw.upper())
    match = re.fullmatch(r"([A-Z]{1,2}\d[A-Z\d]?)(\d[A-Z]{2})", compact)
    if not match or not re.fullmatch(r"[A-Z]{1,2}(\d{1,2}|\d[A-Z])", match.group(1)):
        return None
    return f"{match.group(1)} {match.group(2)}"


def normalise_email(raw: str) -> str | None:
    match = EMAIL.fullmatch(raw.strip())
    return match.group(0).lower() if match else None


def display_phone(e164: str) -> str:
    """'+447700900118' -> '07700 900118' for reading back to a resident."""
    national = "0" + e164[3:] if e164.startswith("+44") else e164
    if national.startswith("02") and len(national) == 11:
        return f"{national[:3]} {national[3:7]} {national[7:]}"
    return f"{national[:5]} {national[5:]}"


def mask_phone(e164: str) -> str:
    """Last three digits only, for confirmations that may be read over someone's shoulder."""
    return f"number ending {e164[-3:]}"


@dataclass(frozen=True)
class ContactSpan:
    """Where a contact detail sits in the text, and its normalised value (None if malformed)."""

    kind: str  # email | postcode | phone
    start: int
    end: int
    value: str | None


def _blank(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]


def contact_spans(text: str) -> list[ContactSpan]:
    """Emails first, then postcodes, then phone numbers in what is left (so digits inside an
    email or postcode are never read as a phone number). Shared by the form and the NLU."""
    spans: list[ContactSpan] = []
    remaining = text
    for match in EMAIL.finditer(text):
        spans.append(ContactSpan("email", match.start(), match.end(), match.group(0).lower()))
        remaining = _blank(remaining, match.start(), match.end())
    for match in POSTCODE_FULL.finditer(remaining):
        postcode = normalise_postcode(match.group(0))
        if postcode:
            spans.append(ContactSpan("postcode", match.start(), match.end(), postcode))
            remaining = _blank(remaining, match.start(), match.end())
    for match in PHONE_CANDIDATE.finditer(remaining):
        candidate = match.group(0)
        phone = normalise_uk_phone(candidate)
        if phone or len(re.sub(r"\D", "", candidate)) >= 9:
            spans.append(ContactSpan("phone", match.start(), match.end(), phone))
    return sorted(spans, key=lambda span: span.start)


def extract_contact(text: str, asking_time: bool = False) -> ContactDetails:
    """Every contact detail in `text`; malformed ones are listed in `invalid` for a re-ask.

    The first valid phone number is `phone`; `bot.parsing.phones` reads them all, with whose
    each one is. A time phrase counts only when a time was asked for (`asking_time`) or the
    message is about contact ("call me after 6pm", "07700 900118 mornings")."""
    details = ContactDetails()
    for span in contact_spans(text):
        if span.value is None:
            details.invalid.append(span.kind)
        elif getattr(details, span.kind) is None:
            setattr(details, span.kind, span.value)
    if "@" in text and details.email is None:
        details.invalid.append("email")
    _extract_preferences(text, details, asking_time)
    return details


def _extract_preferences(text: str, details: ContactDetails, asking_time: bool = False) -> None:
    lowered = text.lower()
    time_match = TIME_PHRASE.search(text)
    rest = re.sub(r"[\d+()]+|\S+@\S+", " ", text)  # the words besides the numbers
    clock = bool(time_match and re.search(r"\d", time_match.group(0)))  # "after 6pm"
    bare_details = bool(details.phone or details.email) and (len(rest.split()) <= 4 or clock)
    about_contact = bool(bare_details or CONTACT_CUE.search(text))
    if time_match and (asking_time or about_contact):
        details.contact_time = time_match.group(0).strip()
    if re.search(
        r"\b(?:text|txt|sms|message) (?:me|only)\b|\btext(?:ing)? is (?:best|better)", lowered
    ):
        details.preferred_contact = "text"
    elif re.search(r"\b(?:email|e-mail) (?:me|only|is best)\b|\bby email\b", lowered):
        details.preferred_contact = "email"
    elif re.search(r"\b(?:call|ring|phone) me\b|\bby phone\b", lowered):
        details.preferred_contact = "phone"
    if re.search(
        r"\b(?:not|isn'?t|never|no'?t) safe (?:to|for you to) (?:call|ring|phone)|"
        r"\b(?:don'?t|do not|dont|please don'?t) (?:call|ring|phone)|\bno calls?\b|\btext only\b",
        lowered,
    ):
        details.safe_to_call = False
        details.preferred_contact = details.preferred_contact or "text"
    elif re.search(r"\b(?:safe|ok|fine|okay) to (?:call|ring|phone)\b", lowered):
        details.safe_to_call = True
    if re.search(r"\blandline only\b|\bonly (?:have )?a landline\b|\bno mobile\b", lowered):
        details.landline_only = True
    interpreter = INTERPRETER_PHRASE.search(text)
    if interpreter:
        language = interpreter.group(1) or interpreter.group(2)
        if language and language.lower() not in {"please", "for", "if", "and", "the"}:
            details.interpreter_language = language.capitalize()
    name = NAME_PHRASE.search(text)
    if name:
        words = []
        for word in name.group(1).split():  # "Priya and I'm at W14": the name ends at "and"
            if word.lower() in NAME_ENDS:
                break
            if word.lower() not in NOT_A_NAME:
                words.append(word)
        if words:
            details.name = " ".join(w.capitalize() for w in words)


def is_skip(text: str) -> bool:
    return bool(SKIP_PHRASE.match(text or ""))
