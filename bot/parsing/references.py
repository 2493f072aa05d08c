"""Case references: how they are issued and how they are found again in what residents type.

A reference is a council prefix and eight Crockford base32 characters (40 random bits), shown
as KC-7KQ2-M9XD. Residents type them in any case, without dashes, with O/0 and I/1 slips.
"""

from __future__ import annotations

import re
import secrets

# Crockford base32: no I, L, O or U, so a reference read aloud or typed cannot be confused.
# Eight characters carry 40 bits of randomness.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
REF_RANDOM_CHARS = 8
_TYPO_FIXES = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})


def _known_prefixes() -> tuple[str, ...]:
    """Council case prefixes from the seed (KC, HF, WM) plus RC for a case with no council."""
    from bot.db.seed import load_seed

    seeded = (c["case_prefix"] for c in load_seed()["councils"].values())
    return tuple(sorted({*seeded, "RC"}))


_REF_SHAPE = re.compile(
    r"\b(" + "|".join(_known_prefixes()) + r")[\s-]*([0-9A-Z]{4})[\s-]*([0-9A-Z]{4})\b",
    re.IGNORECASE,
)

def new_reference(prefix: str) -> str:
    chars = "".join(secrets.choice(ALPHABET) for _ in range(REF_RANDOM_CHARS))
    return f"{prefix.upper()}-{chars[:4]}-{chars[4:]}"


def find_references(text: str) -> list[tuple[int, int, str]]:
    """Every case reference in free text as (start, end, normalised), tolerating case,
    missing dashes and O/0, I/1 slips.

    One reference in twenty has no digit (22 of the 32 characters are letters), so a digit is
    not required of a reference written as one token ("KC-ABCD-EFGH", "kcabcdefgh") or in
    capitals exactly as issued. Split by spaces, a candidate must have a digit as typed, so
    that ordinary words ("hf what when", "kc need help") never match.
    """
    found = []
    for match in _REF_SHAPE.finditer(text or ""):
        prefix, first, second = (part.upper() for part in match.groups())
        typed = first + second
        body = typed.translate(_TYPO_FIXES)
        if all(ch in ALPHABET for ch in body) and _plausibly_a_reference(match, typed, body):
            found.append((match.start(), match.end(), f"{prefix}-{body[:4]}-{body[4:]}"))
    return found


def _plausibly_a_reference(match: re.Match[str], typed: str, body: str) -> bool:
    if not any(ch.isspace() for ch in match.group(0)):
        return True
    if any(ch.isdigit() for ch in typed):
        return True
    in_capitals = match.group(2).isupper() and match.group(3).isupper()
    return in_capitals and body == typed


def normalise_reference(text: str) -> str | None:
    """The first reference in `text`, normalised, or None."""
    found = find_references(text)
    return found[0][2] if found else None
