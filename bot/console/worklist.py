"""The staff queue: open submitted cases in the order staff should work them.

Priority first (urgent, high, standard), then the SLA deadline, so a breached case sits above
one that is merely due; cases with no deadline go last. Breach is stated in words, not colour.
Each row also carries the resident's language (when it is not English) and the interpreter they
asked for, so staff can book one before the call back.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import case as sql_case
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from bot.console.labels import about, category_choices, outcome_label, readable
from bot.console.scope import Scope
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


PAGE_SIZE = 25
MAX_PAGE = 10_000
STATUS_CHOICES = (*OPEN_CASE_STATUSES, "resolved", "all")


def _page_number(value: str) -> int:
    """A page number from the query string: anything odd (huge, negative, text) is page 1."""
    value = (value or "").strip()
    if not value.isdigit() or len(value) > 5:
        return 1
    return min(max(int(value), 1), MAX_PAGE)


@dataclass(frozen=True)
class QueueFilters:
    """What staff asked the queue for. Status "" means every open status; "all" adds resolved."""

    council: str = ""
    service: str = ""
    category: str = ""
    status: str = ""
    language: str = ""
    priority: str = ""
    interpreter: bool = False
    mine: bool = False
    q: str = ""
    page: int = 1

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> QueueFilters:
        status = args.get("status", "")
        priority = args.get("priority", "")
        return cls(
            council=args.get("council", "")[:40],
            service=args.get("service", "")[:40],
            category=args.get("category", "")[:60],
            status=status if status in STATUS_CHOICES else "",
            language=args.get("language", "").strip()[:8],
            priority=priority if priority in CASE_PRIORITIES else "",
            interpreter=args.get("interpreter", "") in ("1", "on", "true"),
            mine=args.get("mine", "") in ("1", "on", "true"),
            q=" ".join(args.get("q", "").split())[:80],
            page=_page_number(args.get("page", "")),
        )

    def as_args(self, page: int | None = None) -> dict[str, str]:
        values = {
            "council": self.council, "service": self.service, "category": self.category,
            "status": self.status, "language": self.language, "priority": self.priority,
            "interpreter": "1" if self.interpreter else "", "mine": "1" if self.mine else "",
            "q": self.q,
        }
        number = self.page if page is None else page
        if number > 1:
            values["page"] = str(number)
        return {key: value for key, value in values.items() if value}

    @property
    def includes_resolved(self) -> bool:
        return self.status in ("resolved", "all")


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
    urgent_category: str | None = None
    outcome: str | None = None

    @property
    def about(self) -> str:
        """Urgent category first, in words: 'No heating or water: Housing repairs'."""
        return about(self.category, self.urgent_category, self.service_name)

    @property
    def outcome_text(self) -> str:
        return outcome_label(self.outcome)

    @property
    def language_badge(self) -> LanguageLabel | None:
        """The language to flag in the row: any recorded language other than English."""
        return self.language if self.language and not self.language.is_english else None

    def as_json(self) -> dict[str, object]:
        return {
            "reference": self.reference, "council": self.council_id, "category": self.category,
            "urgent_category": self.urgent_category, "about": self.about,
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


@dataclass
class QueuePage:
    """One page of matching cases, how many match in all, and the open-case counts."""

    rows: list[QueueRow]
    matched: int
    page: int
    counts: QueueCounts

    @property
    def pages(self) -> int:
        return max(1, -(-self.matched // PAGE_SIZE))

    @property
    def first(self) -> int:
        return (self.page - 1) * PAGE_SIZE + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1 if self.rows else 0


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


def _search_clause(text: str) -> ColumnElement:
    """Reference, name, phone (any spacing, 07... or +44...) or postcode (any spacing)."""
    words = text.strip()
    compact = re.sub(r"\s+", "", words).upper()
    options: list[ColumnElement] = [
        Case.reference == compact,
        Case.name.ilike(f"%{_escape_like(words)}%", escape="\\"),
        func.replace(func.upper(Case.postcode), " ", "").like(
            f"{_escape_like(compact)}%", escape="\\"),
    ]
    digits = re.sub(r"\D", "", words)
    if len(digits) >= 4 and not re.search(r"[A-Za-z]", words):
        national = digits[1:] if digits.startswith("0") else digits
        national = national[2:] if digits.startswith("44") else national
        options.append(Case.phone.like(f"%{national}%"))
    return or_(*options)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _filtered(filters: QueueFilters, scope: Scope, username: str) -> list[ColumnElement]:
    clauses: list[ColumnElement] = [Case.submitted.is_(True)]
    if filters.status == "resolved":
        clauses.append(Case.status == "resolved")
    elif filters.status in OPEN_CASE_STATUSES:
        clauses.append(Case.status == filters.status)
    elif filters.status != "all":
        clauses.append(Case.status != "resolved")
    scoped = scope.clause()
    if scoped is not None:
        clauses.append(scoped)
    if filters.council:
        clauses.append(Case.council_id == filters.council)
    if filters.service:
        clauses.append(Case.service_id == filters.service)
    if filters.category.startswith("urgent:"):
        clauses.append(Case.urgent_category == filters.category.removeprefix("urgent:"))
    elif filters.category:
        clauses.append(Case.category == filters.category)
    if filters.priority:
        clauses.append(Case.priority == filters.priority)
    if filters.language:
        clauses.append(Case.language == filters.language)
    if filters.interpreter:
        clauses.append(func.coalesce(Case.interpreter_language, "") != "")
    if filters.mine:
        clauses.append(Case.assigned_to == username)
    if filters.q:
        clauses.append(_search_clause(filters.q))
    return clauses


def _row(case: Case, council_name: str | None, service_name: str | None,
         now: datetime) -> QueueRow:
    breached, text = sla_state(case.sla_due_at, now)
    if case.status == "resolved":
        breached, text = False, "resolved"
    issues = list(case.issues or [])
    return QueueRow(
        id=case.id, reference=case.reference, council_id=case.council_id,
        council_name=council_name or "Council not known", category=case.category,
        service_id=case.service_id, service_name=service_name or "",
        priority=case.priority, status=case.status, assigned_to=case.assigned_to,
        channel=case.channel, created_at=case.created_at, sla_due_at=case.sla_due_at,
        breached=breached, sla_text=text,
        first_issue=(issues[0][:140] if issues else ""), issue_count=len(issues),
        language=describe_language(case.language),
        interpreter_language=case.interpreter_language or None,
        urgent_category=case.urgent_category, outcome=case.outcome,
    )


def find_cases(
    session: Session, filters: QueueFilters, scope: Scope, now: datetime | None = None
) -> QueuePage:
    """The page of cases staff asked for, most urgent first, within what they may see."""
    now = now or utcnow()
    clauses = _filtered(filters, scope, scope.username)
    matched = session.execute(select(func.count(Case.id)).where(*clauses)).scalar_one()
    pages = max(1, -(-matched // PAGE_SIZE))
    page = min(filters.page, pages)
    query = (
        select(Case, Council.short_name, Service.name)
        .outerjoin(Council, Council.id == Case.council_id)
        .outerjoin(Service, Service.id == Case.service_id)
        .where(*clauses)
        .order_by(Case.status == "resolved", _priority_rank(), Case.sla_due_at.is_(None),
                  Case.sla_due_at, Case.id)
        .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    )
    rows = [_row(case, council, service, now) for case, council, service in session.execute(query)]
    counts = open_counts(session, [*clauses, *_open()], now)
    return QueuePage(rows=rows, matched=matched, page=page, counts=counts)


def open_counts(session: Session, clauses: list[ColumnElement], now: datetime) -> QueueCounts:
    """Counts over every open case that matches (not just the page shown)."""
    counts = QueueCounts()
    query = select(
        Case.priority, func.count(Case.id),
        func.sum(sql_case((Case.sla_due_at < now, 1), else_=0)),
        func.sum(sql_case((Case.assigned_to.is_(None), 1), else_=0)),
    ).where(*clauses).group_by(Case.priority)
    for priority, total, breached, unassigned in session.execute(query):
        counts.total += total
        counts.breached += breached or 0
        counts.unassigned += unassigned or 0
        counts.by_priority[priority] = counts.by_priority.get(priority, 0) + total
    return counts


def filter_choices(session: Session, scope: Scope) -> dict[str, list[tuple[str, str]]]:
    council_query = select(Council.id, Council.short_name).order_by(Council.name)
    if not scope.supervisor:
        council_query = council_query.where(Council.id.in_(sorted(scope.councils)))
    services = session.execute(select(Service.id, Service.name).order_by(Service.name))
    categories = list(session.execute(
        select(Case.category).where(Case.submitted.is_(True)).distinct().order_by(Case.category)
    ).scalars())
    languages = [
        label for label in (
            describe_language(code) for code in session.execute(
                select(Case.language).where(*_open(), Case.language.is_not(None)).distinct()
            ).scalars()
        ) if label
    ]
    return {
        "councils": [(row[0], row[1]) for row in session.execute(council_query)],
        "services": [(row[0], row[1]) for row in services],
        "categories": category_choices(categories),
        "priorities": [(value, value.capitalize()) for value in CASE_PRIORITIES],
        "statuses": [(value, readable(value)) for value in OPEN_CASE_STATUSES]
        + [("resolved", "Resolved"), ("all", "Any status, resolved too")],
        # English name first here: staff pick from a list sorted by it.
        "languages": [
            (label.code, f"{label.english} ({label.own})"
             if label.english and label.english != label.own else label.own)
            for label in sorted(languages, key=lambda label: label.sort_key)
        ],
    }
