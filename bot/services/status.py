"""Service status: read the live rows staff keep current and turn them into a resident's answer."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import SERVICE_STATES, Council, Service, ServiceStatus, utcnow
from bot.services.councils import CouncilInfo
from bot.services.subscriptions import record_status_change

SERVICE_IDS = (
    "council_tax",
    "benefits",
    "housing_repairs",
    "homelessness",
    "social_care",
    "planning",
    "parking",
    "waste",
    "registrars",
    "libraries",
    "payments",
    "phone_lines",
    "website",
)

# Words residents use for each service, for free-text answers the NLU did not tag.
SERVICE_KEYWORDS: dict[str, tuple[str, ...]] = {
    "council_tax": ("council tax", "counciltax", "councel tax", "counsil tax", "council-tax",
                    "ctax", "c tax", "business rates", "council tax bill",
                    "single person discount"),
    "benefits": (
        "benefit", "benefits", "benifit", "benifits", "housing benefit", "council tax support",
        "council tax reduction", "council tax suport", "ctr", "dhp", "discretionary housing",
        "hardship fund", "household support fund", "free school meals", "crisis payment",
    ),
    "housing_repairs": (
        "repair", "repairs", "reapir", "repiar", "boiler", "leak", "leaking", "damp", "mould",
        "mold", "broken window", "broken door", "door entry", "lift", "tap", "dripping",
        "gas safety", "fire safety check", "communal", "blocked drain", "blocked toilet",
        "cupboard door",
    ),
    "homelessness": ("homeless", "homelessness", "housing register", "housing regster",
                     "temporary accommodation", "housing options", "emergency accommodation",
                     "eviction", "evicted", "section 21", "nowhere to live", "find a house",
                     "housing list", "housing waiting list"),
    "social_care": (
        "social care", "carer", "carers", "social worker", "children's services",
        "childrens services", "care package", "package of care", "care plan", "direct payments",
        "occupational therapy", "personal alarm", "early help", "meals on wheels",
        "adult social care", "home care", "care home", "respite",
    ),
    "planning": ("planning", "planing", "planning application", "planning permission",
                 "land search", "land charge", "local authority search", "building control",
                 "extension", "permitted development"),
    "parking": ("parking", "permit", "permitt", "pcn", "parking ticket", "parking tiket",
                "visitor voucher", "penalty charge", "traffic warden", "traffic wardens",
                "suspended bay", "car pound", "towed", "dispensation", "blue badge"),
    "waste": ("bin", "bins", "rubbish", "recycling", "waste", "bulky", "fly tipping",
              "fly-tipping", "tip", "bin collection", "bin colection", "collecshun", "bin men",
              "binmen", "food waste", "garden waste", "fridge freezer", "missed collection",
              "mised bin", "missed bin"),
    "registrars": (
        "registrar", "registrars", "register a birth", "register a death", "register the birth",
        "register the death", "certificate", "birth", "death", "marriage", "wedding",
        "civil partnership", "citizenship ceremony", "register office",
    ),
    "libraries": ("library", "libraries", "libary", "librarys", "library card", "library books",
                  "e-books", "ebooks"),
    "payments": ("payment", "payments", "pay online", "card payment", "pay by card",
                 "direct debit", "paypoint", "payment page", "make a payment"),
    "phone_lines": ("phone", "phones", "call centre", "helpline", "phone line", "phone lines",
                    "switchboard", "ring you", "call you", "nobody answers the phone"),
    "website": ("website", "my account", "online form", "portal", "web site", "webpage",
                "online account", "log in", "login", "the app"),
}

# Channels rather than services: named alongside a specific service, the specific one wins.
GENERIC_SERVICES = ("payments", "website", "phone_lines")

STATE_WORDS = {
    "operating": "is working normally",
    "disrupted": "is disrupted",
    "unavailable": "is not available at the moment",
}

OVERVIEW_PATTERN = re.compile(
    r"what('?s| is)? (still )?(working|running|open|down|affected)|which services|"
    r"(everything|anything|all services|all the services) (working|down|running|affected)|"
    r"is anything working|whats working|what works",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class StatusView:
    council_id: str
    service_id: str
    service_name: str
    state: str
    affected: str
    workaround: str
    expected_restoration: str
    updated_at: datetime
    updated_by: str


def service_from_text(text: str) -> str | None:
    """The service a free-text answer names (exact id, keyword), or None if none/ambiguous."""
    lowered = text.lower().strip()
    compact = lowered.replace(" ", "_")
    if compact in SERVICE_IDS:
        return compact
    padded = f" {re.sub(r'[^a-z0-9_]+', ' ', lowered)} "
    hits = [
        sid for sid, words in SERVICE_KEYWORDS.items() if any(f" {w} " in padded for w in words)
    ]
    if "council_tax" in hits and "benefits" in hits:
        hits.remove("council_tax")  # "council tax support" is a benefit
    specific = [sid for sid in hits if sid not in GENERIC_SERVICES]
    if specific:
        hits = specific  # "council tax payment" is about council tax, not payments in general
    return hits[0] if len(hits) == 1 else None


def asks_for_overview(text: str) -> bool:
    return bool(OVERVIEW_PATTERN.search(text or ""))


def _view(row: ServiceStatus) -> StatusView:
    return StatusView(
        council_id=row.council_id,
        service_id=row.service_id,
        service_name=row.service.name,
        state=row.state,
        affected=row.affected,
        workaround=row.workaround,
        expected_restoration=row.expected_restoration,
        updated_at=row.updated_at,
        updated_by=row.updated_by,
    )


def get_status(session: Session, council_id: str, service_id: str) -> StatusView | None:
    row = session.execute(
        select(ServiceStatus).where(
            ServiceStatus.council_id == council_id, ServiceStatus.service_id == service_id
        )
    ).scalar_one_or_none()
    return _view(row) if row else None


def list_statuses(session: Session, council_id: str | None = None) -> list[StatusView]:
    query = select(ServiceStatus).order_by(ServiceStatus.council_id, ServiceStatus.service_id)
    if council_id:
        query = query.where(ServiceStatus.council_id == council_id)
    return [_view(row) for row in session.execute(query).scalars()]


def set_status(
    session: Session,
    council_id: str,
    service_id: str,
    state: str,
    updated_by: str,
    affected: str | None = None,
    workaround: str | None = None,
    expected_restoration: str | None = None,
) -> StatusView:
    """Change a status; fields left as None keep their value. Raises ValueError on bad ids."""
    if state not in SERVICE_STATES:
        raise ValueError(f"state must be one of {', '.join(SERVICE_STATES)}")
    if session.get(Council, council_id) is None:
        raise ValueError(f"unknown council {council_id!r}")
    if session.get(Service, service_id) is None:
        raise ValueError(f"unknown service {service_id!r}")
    row = session.execute(
        select(ServiceStatus).where(
            ServiceStatus.council_id == council_id, ServiceStatus.service_id == service_id
        )
    ).scalar_one_or_none() or ServiceStatus(council_id=council_id, service_id=service_id)
    old_state, old_affected = row.state, row.affected or ""
    row.state = state
    if affected is not None:
        row.affected = affected
    if workaround is not None:
        row.workaround = workaround
    if expected_restoration is not None:
        row.expected_restoration = expected_restoration
    row.updated_at = utcnow()
    row.updated_by = updated_by
    session.add(row)
    session.flush()
    # A restoration queues one text per subscriber, in this transaction. "What works" is the
    # note only if staff rewrote it now: the old one would describe the disruption.
    what_works = affected if affected and affected.strip() != old_affected.strip() else ""
    record_status_change(session, council_id, service_id, old_state, state, updated_by,
                         what_works)
    session.refresh(row)
    return _view(row)


def describe_age(updated_at: datetime, now: datetime | None = None) -> str:
    """'today at 14:05', 'yesterday at 09:30', or '3 Dec at 11:00' (UK time is close enough)."""
    now = now or utcnow()
    days = (now.date() - updated_at.date()).days
    clock = updated_at.strftime("%H:%M")
    if days <= 0:
        return f"today at {clock}"
    if days == 1:
        return f"yesterday at {clock}"
    return f"{updated_at.day} {updated_at.strftime('%b %Y')} at {clock}"


def status_answer(view: StatusView, council: CouncilInfo, now: datetime | None = None) -> str:
    """The full answer about one service: state, what is affected, workaround, a person, age."""
    parts = [
        f"{view.service_name} in {council.short_name} {STATE_WORDS.get(view.state, view.state)}."
    ]
    if view.affected:
        parts.append(view.affected)
    if view.workaround:
        parts.append(f"What you can do: {view.workaround}")
    if view.expected_restoration:
        parts.append(f"Expected back: {view.expected_restoration}.")
    if view.state != "operating":
        parts.append(f"To reach a person: {contact_routes(council)}")
    parts.append(f"(Last updated {describe_age(view.updated_at, now)}.)")
    return " ".join(parts)


def contact_routes(council: CouncilInfo) -> str:
    """The routes that still work, from the council row, in one sentence."""
    routes = []
    if council.incident_helpline:
        routes.append(f"incident helpline {council.incident_helpline}")
    if council.contact_email:
        routes.append(f"email {council.contact_email}")
    if council.customer_service_centre:
        routes.append(council.customer_service_centre.split(",")[0])
    text = ", ".join(routes) if routes else "the council's website"
    if council.out_of_hours_phone:
        text += f". Emergencies at any time: {council.out_of_hours_phone}"
    return text + "."


def overview_answer(
    views: list[StatusView], council: CouncilInfo, now: datetime | None = None
) -> str:
    """A short summary of every service for one council, grouped by state."""
    groups: dict[str, list[str]] = {state: [] for state in SERVICE_STATES}
    for view in views:
        groups.setdefault(view.state, []).append(view.service_name.split(",")[0].lower())
    lines = [f"Services in {council.short_name} right now:"]
    labels = {"operating": "Working", "disrupted": "Disrupted", "unavailable": "Not available"}
    for state in ("unavailable", "disrupted", "operating"):
        if groups.get(state):
            lines.append(f"{labels[state]}: {', '.join(groups[state])}.")
    latest = max((v.updated_at for v in views), default=None)
    if latest:
        lines.append(f"(Last updated {describe_age(latest, now)}.)")
    lines.append("Ask me about any one of them for the details and what to do instead.")
    return " ".join(lines)
