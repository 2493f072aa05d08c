"""Load the seed councils, services, statuses and incident updates from seed.yml.

Idempotent: councils and services are upserted; a status or incident update that staff
already changed is never overwritten unless `reset=True`.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Council, IncidentUpdate, Service, ServiceStatus, utcnow

SEED_FILE = Path(__file__).resolve().parent / "seed.yml"
COUNCIL_FIELDS = (
    "name",
    "short_name",
    "case_prefix",
    "postcode_districts",
    "customer_service_centre",
    "out_of_hours_phone",
    "incident_helpline",
    "contact_email",
    "complaints_route",
    "website",
)


def load_seed(path: Path = SEED_FILE) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def seed(
    session: Session, reset: bool = False, data: dict[str, Any] | None = None
) -> dict[str, int]:
    """Write the seed into the database; return counts of what was written."""
    data = data or load_seed()
    counts = {"councils": 0, "services": 0, "statuses": 0, "updates": 0}
    for service_id, name in data["services"].items():
        service = session.get(Service, service_id) or Service(id=service_id)
        service.name = name
        session.add(service)
        counts["services"] += 1
    session.flush()
    now = utcnow()
    for council_id, spec in data["councils"].items():
        council = session.get(Council, council_id) or Council(id=council_id)
        for field in COUNCIL_FIELDS:
            setattr(council, field, spec[field])
        session.add(council)
        counts["councils"] += 1
        session.flush()
        counts["statuses"] += _seed_statuses(session, council_id, spec["statuses"], reset, now)
        counts["updates"] += _seed_updates(session, council_id, spec["updates"], reset, now)
    return counts


def _seed_statuses(session: Session, council_id: str, statuses: dict, reset: bool, now) -> int:
    written = 0
    for service_id, (state, affected, workaround, restoration) in statuses.items():
        row = session.execute(
            select(ServiceStatus).where(
                ServiceStatus.council_id == council_id, ServiceStatus.service_id == service_id
            )
        ).scalar_one_or_none()
        if row is not None and not reset:
            continue
        row = row or ServiceStatus(council_id=council_id, service_id=service_id)
        row.state, row.affected, row.workaround = state, affected, workaround
        row.expected_restoration, row.updated_at, row.updated_by = restoration, now, "seed"
        session.add(row)
        written += 1
    return written


def _seed_updates(session: Session, council_id: str, updates: list, reset: bool, now) -> int:
    existing = (
        session.execute(select(IncidentUpdate).where(IncidentUpdate.council_id == council_id))
        .scalars()
        .all()
    )
    if existing and not reset:
        return 0
    for row in existing:
        session.delete(row)
    for spec in updates:
        session.add(
            IncidentUpdate(
                council_id=council_id,
                kind=spec["kind"],
                title=spec["title"],
                body=" ".join(spec["body"].split()),
                approved=True,
                published_at=now - timedelta(days=spec["days_ago"]),
                published_by="seed",
            )
        )
    return len(updates)
