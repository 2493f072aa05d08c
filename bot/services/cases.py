"""Escalation cases: unguessable references, priorities with SLA targets, idempotent creation.

A conversation has at most one open case; every further worry in it is added to that case's
list of issues, so staff see everything the resident raised in one place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db.models import (
    OPEN_CASE_STATUSES,
    Case,
    CaseEvent,
    CaseLookupAttempt,
    Council,
    utcnow,
)
from bot.parsing.references import new_reference, normalise_reference
from bot.services.councils import council_for_postcode
from bot.services.held_postcode import take_held_postcode

PRIORITY_ORDER = {"urgent": 0, "high": 1, "standard": 2}
SLA = {
    "urgent": timedelta(hours=1),
    "high": timedelta(hours=24),
    "standard": timedelta(days=5),
}
EXPECTATION = {
    "urgent": "A member of staff has been alerted now and will try to reach you as soon as "
    "they can, usually within the hour.",
    "high": "A member of staff aims to contact you within one working day.",
    "standard": "Because of the incident, replies are slower than usual: a member of staff aims "
    "to contact you within five working days.",
}
MAX_LOOKUPS_PER_HOUR = 5


@dataclass(frozen=True)
class CaseSummary:
    """Detached view of a case for replies and the console."""

    id: int
    reference: str
    council_id: str | None
    category: str
    service_id: str | None
    priority: str
    status: str
    issues: list[str]
    channel: str
    conversation_id: str
    sla_due_at: datetime | None
    submitted: bool
    has_phone: bool
    has_email: bool
    has_postcode: bool


def summarise(case: Case) -> CaseSummary:
    return CaseSummary(
        id=case.id,
        reference=case.reference,
        council_id=case.council_id,
        category=case.category,
        service_id=case.service_id,
        priority=case.priority,
        status=case.status,
        issues=list(case.issues or []),
        channel=case.channel,
        conversation_id=case.conversation_id,
        sla_due_at=case.sla_due_at,
        submitted=case.submitted,
        has_phone=bool(case.phone),
        has_email=bool(case.email),
        has_postcode=bool(case.postcode),
    )


def open_case_for(session: Session, conversation_id: str) -> Case | None:
    return (
        session.execute(
            select(Case)
            .where(Case.conversation_id == conversation_id, Case.status.in_(OPEN_CASE_STATUSES))
            .order_by(Case.id.desc())
        )
        .scalars()
        .first()
    )


def _prefix_for(session: Session, council_id: str | None) -> str:
    council = session.get(Council, council_id) if council_id else None
    return council.case_prefix if council else "RC"


def record_event(session: Session, case: Case, actor: str, kind: str, detail: str = "") -> None:
    session.add(CaseEvent(case_id=case.id, actor=actor, kind=kind, detail=detail))


def ensure_case(
    session: Session,
    conversation_id: str,
    channel: str,
    category: str,
    priority: str = "standard",
    council_id: str | None = None,
    service_id: str | None = None,
    issue: str | None = None,
    urgent_category: str | None = None,
    submit: bool = False,
) -> Case:
    """Return the conversation's open case, creating it once; raise priority, never lower it.

    Safe under concurrent calls for the same conversation: the unique conversation key makes
    the second insert fail, and the loser re-reads the winner's row.
    """
    case = open_case_for(session, conversation_id)
    if case is None:
        case = _insert_case(session, conversation_id, channel, category, priority, council_id)
    _merge_into(case, category, priority, council_id, service_id, issue, urgent_category)
    if not case.postcode:  # given before the case opened, so the form does not ask again
        case.postcode = take_held_postcode(session, conversation_id)
        if case.postcode and not case.council_id:
            case.council_id = council_for_postcode(session, case.postcode)
    if submit and not case.submitted:
        prefix = _prefix_for(session, case.council_id)
        if not case.reference.startswith(f"{prefix}-"):
            case.reference = new_reference(prefix)  # never shown before submission
        case.submitted = True
        case.created_at = utcnow()
        case.sla_due_at = case.created_at + SLA[case.priority]
        session.flush()
        record_event(session, case, "assistant", "submitted", f"{case.priority} {case.category}")
    follow_council(session, case)
    session.flush()
    return case


def follow_council(session: Session, case: Case) -> bool:
    """Once the council is known, the reference carries its prefix (RC-7KQ2-M9XD becomes
    KC-7KQ2-M9XD). The random part is kept, so the reference already given still finds the
    case (`get_case_by_reference` matches on it). Returns True when the reference changed."""
    prefix = _prefix_for(session, case.council_id)
    if not case.council_id or case.reference.startswith(f"{prefix}-"):
        return False
    old = case.reference
    new = f"{prefix}-{old.split('-', 1)[1]}"
    taken = session.execute(select(Case.id).where(Case.reference == new)).first()
    if taken is not None:
        return False
    case.reference = new
    details = dict(case.details or {})
    details["previous_reference"] = old
    case.details = details
    session.flush()
    if case.submitted:
        record_event(session, case, "assistant", "reference", f"{old} -> {new}")
    return True


def _insert_case(
    session: Session,
    conversation_id: str,
    channel: str,
    category: str,
    priority: str,
    council_id: str | None,
) -> Case:
    sequence = session.execute(
        select(func.count(Case.id)).where(Case.conversation_id == conversation_id)
    ).scalar_one()
    for _attempt in range(5):
        case = Case(
            reference=new_reference(_prefix_for(session, council_id)),
            conversation_key=f"{conversation_id}#{sequence + 1}",
            conversation_id=conversation_id,
            channel=channel,
            category=category,
            priority=priority,
            council_id=council_id,
            issues=[],
            details={},
        )
        try:
            with session.begin_nested():
                session.add(case)
                session.flush()
            return case
        except IntegrityError:
            existing = open_case_for(session, conversation_id)
            if existing is not None:
                return existing
    raise RuntimeError("could not allocate a case reference")


def _merge_into(
    case: Case,
    category: str,
    priority: str,
    council_id: str | None,
    service_id: str | None,
    issue: str | None,
    urgent_category: str | None,
) -> None:
    if PRIORITY_ORDER[priority] < PRIORITY_ORDER[case.priority]:
        case.priority = priority
        case.category = category
        if case.submitted:
            case.sla_due_at = min(case.sla_due_at or utcnow(), utcnow() + SLA[priority])
    if urgent_category:
        case.urgent_category = urgent_category
    if council_id and not case.council_id:
        case.council_id = council_id
    if service_id and not case.service_id:
        case.service_id = service_id
    if issue:
        issues = list(case.issues or [])
        if issue not in issues:
            issues.append(issue)
            case.issues = issues


def update_contact(session: Session, case: Case, **fields: object) -> list[str]:
    """Write contact fields straight into the case row; returns the names that changed."""
    allowed = {
        "name",
        "phone",
        "email",
        "postcode",
        "preferred_contact",
        "contact_time",
        "safe_to_call",
        "landline_only",
        "interpreter_language",
    }
    changed = []
    for key, value in fields.items():
        if key in allowed and value is not None and getattr(case, key) != value:
            setattr(case, key, value)
            changed.append(key)
    session.flush()
    return changed


def get_case_by_reference(session: Session, reference: str) -> Case | None:
    normalised = normalise_reference(reference)
    if normalised is None:
        return None
    case = session.execute(select(Case).where(Case.reference == normalised)).scalar_one_or_none()
    if case is None:  # given before the council was known: same random part, other prefix
        body = normalised.split("-", 1)[1]
        matches = session.execute(
            select(Case).where(Case.reference.like(f"%-{body}"))
        ).scalars().all()
        case = next((c for c in matches if (c.details or {}).get("previous_reference")
                     == normalised), None)
    return case


def lookups_remaining(session: Session, conversation_id: str) -> int:
    since = utcnow() - timedelta(hours=1)
    used = session.execute(
        select(func.count(CaseLookupAttempt.id)).where(
            CaseLookupAttempt.conversation_id == conversation_id,
            CaseLookupAttempt.created_at >= since,
            CaseLookupAttempt.succeeded.is_(False),
        )
    ).scalar_one()
    return max(0, MAX_LOOKUPS_PER_HOUR - used)


def verify_identity(case: Case, answer: str) -> bool:
    """True when `answer` holds the case's postcode or the last four digits of its phone."""
    from bot.parsing.contact import normalise_postcode

    compact = re.sub(r"\s+", "", answer or "").upper()
    if case.postcode and normalise_postcode(compact) == case.postcode:
        return True
    digits = re.sub(r"\D", "", answer or "")
    return (
        bool(case.phone)
        and len(digits) >= 4
        and case.phone.endswith(digits[-4:])
        and (len(digits) == 4 or (case.phone or "").endswith(digits))
    )


def record_lookup(session: Session, conversation_id: str, succeeded: bool,
                  client: str | None = None) -> None:
    """Count a lookup per conversation (and per client when `client` is given: an identity
    guess, bot/services/case_status_guard)."""
    session.add(CaseLookupAttempt(conversation_id=conversation_id, succeeded=succeeded,
                                  client_key=client))
    session.flush()


STATUS_WORDS = {
    "new": "has been received and is waiting for a member of staff",
    "in_progress": "is being worked on by a member of staff",
    "waiting_for_resident": "is waiting for a reply from you",
    "resolved": "has been resolved",
}
