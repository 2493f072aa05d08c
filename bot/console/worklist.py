"""The staff queue: open submitted cases in the order staff should work them.

Priority first (urgent, high, standard), then the SLA deadline, so a breached case sits above
one that is merely due; cases with no deadline go last. Breach is stated in words, not colour.
Each row also carries the resident's language (when it is not English) and the interpreter they
asked for, so staff can book one before the call back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import case as sql_case
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from bot.db.models import (
    CASE_PRIORITIES,
    OPEN_CASE_STATUSES,
    Case,
    Council,
    Service,
    utcnow,
)
from bot.language.names import english_name, normalise_code, own_name
from bot.services.cases import PRIORITY_ORDER

QUEUE_LIMIT = 500
ENGLISH = "en"


@dataclass(frozen=True)
class LanguageLabel:
    """How the console names a case's language: own name, English name, and the HTML lang tag."""

    code: str  # as stored on the case
    own: str  # "Polski", or the stored code when the language is not one we know
    english: str | None  # "Polish"
    tag: str | None  # "pl" for the lang attribute; None when the code is not well formed

    @property
    def is_english(self) -> bool:
        return self.tag == ENGLISH

    @property
    def text(self) -> str:
        """'Polski (Polish)'; just 'English' when the two names are the same."""
        if self.english and self.english != self.own:
            return f"{self.own} ({self.english})"
        return self.own

    @property
    def sort_key(self) -> tuple[str, str]:
        return ((self.english or self.own).casefold(), self.code)


def describe_language(code: str | None) -> LanguageLabel | None:
    """The label for a stored language code; None when no language was recorded."""
    if not code or not code.strip():
        return None
    tag = normalise_code(code)
    return LanguageLabel(code=code, own=own_name(code) or code, english=english_name(code),
                         tag=tag)


@dataclass(frozen=True)
class QueueFilters:
    council: str = ""
    service: str = ""
    category: str = ""
    status: str = ""
    language: str = ""
    mine: bool = False

    @classmethod
    def from_args(cls, args: dict[str, str]) -> QueueFilters:
        status = args.get("status", "")
        return cls(
            council=args.get("council", "")[:40],
            service=args.get("service", "")[:40],
            category=args.get("category", "")[:40],
            status=status if status in OPEN_CASE_STATUSES else "",
            language=args.get("language", "").strip()[:8],
            mine=args.get("mine", "") in ("1", "on", "true"),
        )

    def as_args(self) -> dict[str, str]:
        values = {
            "council": self.council, "service": self.service, "category": self.category,
            "status": self.status, "language": self.language, "mine": "1" if self.mine else "",
        }
        return {key: value for key, value in values.items() if value}


@dataclass(frozen=True)
class QueueRow:
    id: int
    reference: str
    council_id: str | None
    council_name: str
    category: str
    service_id: str | None
    service_name: str
    priority: str
    status: str
    assigned_to: str | None
    channel: str
    created_at: datetime
    sla_due_at: datetime | None
    breached: bool
    sla_text: str
    first_issue: str
    issue_count: int
    language: LanguageLabel | None = None
    interpreter_language: str | None = None

    @property
    def language_badge(self) -> LanguageLabel | None:
        """The language to flag in the row: any recorded language other than English."""
        return self.language if self.language and not self.language.is_english else None

    def as_json(self) -> dict[str, object]:
        return {
            "reference": self.reference, "council": self.council_id, "category": self.category,
            "service": self.service_id, "priority": self.priority, "status": self.status,
            "assigned_to": self.assigned_to, "channel": self.channel,
            "created_at": self.created_at.isoformat() + "Z",
            "sla_due_at": self.sla_due_at.isoformat() + "Z" if self.sla_due_at else None,
            "breached": self.breached, "sla": self.sla_text, "issue_count": self.issue_count,
            "language": self.language.code if self.language else None,
            "language_name": self.language.text if self.language else None,
            "interpreter_language": self.interpreter_language,
        }


@dataclass
class QueueCounts:
    total: int = 0
    breached: int = 0
    unassigned: int = 0
    by_priority: dict[str, int] = field(
        default_factory=lambda: {priority: 0 for priority in CASE_PRIORITIES}
    )

    def as_json(self) -> dict[str, object]:
        return {
            "total": self.total, "breached": self.breached, "unassigned": self.unassigned,
            "by_priority": dict(self.by_priority),
        }


def describe_duration(seconds: float) -> str:
    minutes = int(abs(seconds) // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min"


def sla_state(due: datetime | None, now: datetime) -> tuple[bool, str]:
    """(breached, words): 'BREACHED 2 h 5 min ago' or 'due in 3 h 10 min'."""
    if due is None:
        return False, "no deadline"
    remaining = (due - now).total_seconds()
    if remaining < 0:
        return True, f"BREACHED {describe_duration(remaining)} ago"
    return False, f"due in {describe_duration(remaining)}"


def _priority_rank() -> ColumnElement:
    return sql_case(PRIORITY_ORDER, value=Case.priority, else_=len(PRIORITY_ORDER))


def _open() -> tuple[ColumnElement, ...]:
    return (Case.submitted.is_(True), Case.status != "resolved")


def open_cases(
    session: Session, filters: QueueFilters, username: str, now: datetime | None = None
) -> list[QueueRow]:
    now = now or utcnow()
    query = (
        select(Case, Council.short_name, Service.name)
        .outerjoin(Council, Council.id == Case.council_id)
        .outerjoin(Service, Service.id == Case.service_id)
        .where(*_open())
        .order_by(_priority_rank(), Case.sla_due_at.is_(None), Case.sla_due_at, Case.id)
        .limit(QUEUE_LIMIT)
    )
    if filters.council:
        query = query.where(Case.council_id == filters.council)
    if filters.service:
        query = query.where(Case.service_id == filters.service)
    if filters.category:
        query = query.where(Case.category == filters.category)
    if filters.status:
        query = query.where(Case.status == filters.status)
    if filters.language:
        query = query.where(Case.language == filters.language)
    if filters.mine:
        query = query.where(Case.assigned_to == username)
    rows = []
    for case, council_name, service_name in session.execute(query):
        breached, text = sla_state(case.sla_due_at, now)
        issues = list(case.issues or [])
        rows.append(QueueRow(
            id=case.id, reference=case.reference, council_id=case.council_id,
            council_name=council_name or "Council not known", category=case.category,
            service_id=case.service_id, service_name=service_name or "",
            priority=case.priority, status=case.status, assigned_to=case.assigned_to,
            channel=case.channel, created_at=case.created_at, sla_due_at=case.sla_due_at,
            breached=breached, sla_text=text,
            first_issue=(issues[0][:140] if issues else ""), issue_count=len(issues),
            language=describe_language(case.language),
            interpreter_language=case.interpreter_language or None,
        ))
    return rows


def count_rows(rows: list[QueueRow]) -> QueueCounts:
    counts = QueueCounts()
    for row in rows:
        counts.total += 1
        counts.breached += row.breached
        counts.unassigned += row.assigned_to is None
        counts.by_priority[row.priority] = counts.by_priority.get(row.priority, 0) + 1
    return counts


def filter_choices(session: Session) -> dict[str, list[tuple[str, str]]]:
    councils = session.execute(select(Council.id, Council.short_name).order_by(Council.name))
    services = session.execute(select(Service.id, Service.name).order_by(Service.name))
    categories = session.execute(
        select(Case.category).where(Case.submitted.is_(True)).distinct().order_by(Case.category)
    ).scalars()
    languages = [
        label for label in (
            describe_language(code) for code in session.execute(
                select(Case.language).where(*_open(), Case.language.is_not(None)).distinct()
            ).scalars()
        ) if label
    ]
    return {
        "councils": [(row[0], row[1]) for row in councils],
        "services": [(row[0], row[1]) for row in services],
        "categories": [(value, value.replace("_", " ")) for value in categories],
        "statuses": [(value, value.replace("_", " ")) for value in OPEN_CASE_STATUSES],
        # English name first here: staff pick from a list sorted by it.
        "languages": [
            (label.code, f"{label.english} ({label.own})"
             if label.english and label.english != label.own else label.own)
            for label in sorted(languages, key=lambda label: label.sort_key)
        ],
    }
