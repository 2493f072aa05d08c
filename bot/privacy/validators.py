"""Checks that tell real personal data from look-alikes: card numbers (Luhn), IBANs (mod 97),
National Insurance prefixes, postcode areas and outward codes, personal phone numbers."""

from __future__ import annotations

import re

from bot.parsing.contact import normalise_uk_phone


def luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def iban_ok(compact: str) -> bool:
    rearranged = compact[4:] + compact[:4]
    try:
        number = int("".join(str(int(char, 36)) for char in rearranged))
    except ValueError:
        return False
    return number % 97 == 1


_NI_BAD_FIRST = set("DFIQUV")
_NI_BAD_SECOND = set("DFIOQUV")
_NI_BAD_PAIRS = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}


def ni_prefix_ok(prefix: str) -> bool:
    first, second = prefix.upper()
    return (first not in _NI_BAD_FIRST and second not in _NI_BAD_SECOND
            and prefix.upper() not in _NI_BAD_PAIRS)


POSTCODE_AREAS = frozenset("""
AB AL B BA BB BD BF BH BL BN BR BS BT BX CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT
DY E EC EH EN EX FK FY G GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT KW KY L LA LD LE
LL LN LS LU M ME MK ML N NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM S SA SE SG SK SL SM
SN SO SP SR SS ST SW SY TA TD TF TN TQ TR TS TW UB W WA WC WD WF WN WR WS WV YO ZE
""".split())
OUTWARD_SHAPE = re.compile(r"([A-Z]{1,2})(?:\d{1,2}|\d[A-Z])")
INWARD_LETTERS = set("ABDEFGHJLNPQRSTUWXYZ")
ORDINAL = re.compile(r"1ST|2ND|3RD|[4-9]TH")


def outward_ok(outward: str) -> bool:
    match = OUTWARD_SHAPE.fullmatch(outward.upper())
    return bool(match) and match.group(1) in POSTCODE_AREAS


def personal_phone(raw: str) -> bool:
    """A valid UK mobile or geographic number (not a 03/08/09 helpline)."""
    e164 = normalise_uk_phone(raw)
    return e164 is not None and e164[3] in "127"
