"""Which council a resident belongs to: from an entity value, a name typed freely, or a postcode."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Council

# Free-text names residents use, mapped to council ids (the NLU synonyms do the same job
# for the model; this covers form answers and button-less SMS replies).
COUNCIL_ALIASES: dict[str, tuple[str, ...]] = {
    "kensington_chelsea": (
        "kensington and chelsea",
        "kensington & chelsea",
        "kensington",
        "chelsea",
        "rbkc",
        "k&c",
        "k and c",
        "kandc",
        "royal borough",
    ),
    "hammersmith_fulham": (
        "hammersmith and fulham",
        "hammersmith & fulham",
        "hammersmith",
        "fulham",
        "lbhf",
        "h&f",
        "h and f",
        "hf",
    ),
    "westminster": ("westminster", "wcc", "city of westminster", "westminister", "westminser"),
}


@dataclass(frozen=True)
class CouncilInfo:
    """A detached copy of a council row, safe to use after the session closes."""

    id: str
    name: str
    short_name: str
    case_prefix: str
    customer_service_centre: str
    out_of_hours_phone: str
    incident_helpline: str
    contact_email: str
    complaints_route: str
    website: str
    retention_days: int


def to_info(council: Council) -> CouncilInfo:
    return CouncilInfo(
        id=council.id,
        name=council.name,
        short_name=council.short_name,
        case_prefix=council.case_prefix,
        customer_service_centre=council.customer_service_centre,
        out_of_hours_phone=council.out_of_hours_phone,
        incident_helpline=council.incident_helpline,
        contact_email=council.contact_email,
        complaints_route=council.complaints_route,
        website=council.website,
        retention_days=council.retention_days,
    )


def council_from_text(text: str) -> str | None:
    """Council id named anywhere in `text`, longest alias first; None if none or ambiguous."""
    lowered = f" {re.sub(r'[^a-z&]+', ' ', text.lower())} "
    found: set[str] = set()
    for council_id, aliases in COUNCIL_ALIASES.items():
        for alias in aliases:
            if f" {alias} " in lowered:
                found.add(council_id)
                break
    return found.pop() if len(found) == 1 else None


def postcode_district(postcode: str) -> str | None:
    """'SW1A 1AA' -> 'SW1', 'w106el' -> 'W10', 'sw6' -> 'SW6'; None when not a postcode."""
    compact = re.sub(r"\s+", "", postcode.upper())
    match = re.fullmatch(r"([A-Z]{1,2})(\d{1,2})([A-Z])?(\d[A-Z]{2})?", compact)
    if not match:
        return None
    letters, digits, letter, _inward = match.groups()
    if letter and len(digits) == 2:
        return None  # A99A is not a valid outward code
    return f"{letters}{digits}"


def council_for_postcode(session: Session, postcode: str) -> str | None:
    district = postcode_district(postcode)
    if district is None:
        return None
    for council in session.execute(select(Council)).scalars():
        if district in (council.postcode_districts or []):
            return council.id
    return None


def our_districts(session: Session) -> set[str]:
    """Every postcode district one of the configured councils covers."""
    return {
        district
        for districts in session.execute(select(Council.postcode_districts)).scalars()
        for district in districts or []
    }


def get_council(session: Session, council_id: str) -> CouncilInfo | None:
    council = session.get(Council, council_id)
    return to_info(council) if council else None


def list_councils(session: Session) -> list[CouncilInfo]:
    return [to_info(c) for c in session.execute(select(Council).order_by(Council.name)).scalars()]


def resolve_council(session: Session, candidate: str | None) -> str | None:
    """Turn an entity value, alias, or postcode into a configured council id."""
    if not candidate:
        return None
    if session.get(Council, candidate) is not None:
        return candidate
    by_name = council_from_text(candidate)
    if by_name:
        return by_name
    return council_for_postcode(session, candidate)
