"""The kinds of personal data the redactor finds, how each is masked, and one found span."""

from __future__ import annotations

from dataclasses import dataclass

CARD = "CARD"
CVV = "CVV"
EXPIRY = "EXPIRY"
BANK = "BANK"
NI = "NI"
PHONE = "PHONE"
EMAIL_TYPE = "EMAIL"
POSTCODE = "POSTCODE"
DOB = "DOB"
PASSPORT = "PASSPORT"
LICENCE = "LICENCE"
NAME = "NAME"
ADDRESS = "ADDRESS"
PII_TYPES = (CARD, CVV, EXPIRY, BANK, NI, PHONE, EMAIL_TYPE, POSTCODE, DOB, PASSPORT, LICENCE,
             NAME, ADDRESS)
FINANCIAL_OR_NI = frozenset({CARD, CVV, EXPIRY, BANK, NI})
# Ties between overlapping candidates of the same length go to the earlier type here.
PRIORITY = {kind: rank for rank, kind in enumerate(
    (EMAIL_TYPE, CARD, NI, LICENCE, PHONE, POSTCODE, DOB, PASSPORT, BANK, EXPIRY, CVV,
     ADDRESS, NAME)
)}


def mask(kind: str) -> str:
    """The text that replaces a value of `kind`, e.g. "[PHONE]"."""
    return f"[{kind}]"


@dataclass(frozen=True)
class PiiSpan:
    """One piece of personal data: its kind and where it is in the text."""

    type: str
    start: int
    end: int
    text: str
