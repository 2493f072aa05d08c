"""The supervisor's picture of the day: what is open, what is late, how fast staff answer,
how busy the channels are and what residents ask about most.

Counts come from the console's database (cases, case events) and, for messages and the
services residents asked about, from the tracker store's events table (type, time, intent and
the entities Rasa found; never message text is read). If the tracker database cannot be read,
those two parts say so and the rest of the page still works.
"""

from __future__ import annotations

import json
import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import func, inspect, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.console.labels import category_label, urgent_label
from bot.console.worklist import describe_duration
from bot.db.models import CASE_PRIORITIES, Case, CaseEvent, Council, Service, utcnow
from bot.privacy.retention import TRACKER_EVENTS, tracker_engine

WINDOW = timedelta(hours=24)
FIRST_RESPONSE_KINDS = ("taken", "reply")
MAX_TRACKER_ROWS = 50_000
UK = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class Breach:
    reference: str
    council: str
    priority: str
    late_by: str


@dataclass
class DayPicture:
    """Everything the dashboard shows, computed at `now` over the last 24 hours."""

    now: datetime
    open_total: int = 0
    by_priority: list[tuple[str, int]] = field(default_factory=list)
    by_category: list[tuple[str, int]] = field(default_factory=list)
    by_council: list[tuple[str, int]] = field(default_factory=list)
    breached_open: int = 0
    breaches: list[Breach] = field(default_factory=list)
    resolved_late: int = 0
    median_first_response: str = "no responses yet"
    median_first_response_seconds: float | None = None
    answered: int = 0
    waiting_for_first_response: int = 0
    cases_per_hour: list[tuple[str, int]] = field(default_factory=list)
    messages_per_hour: list[tuple[str, int]] = field(default_factory=list)
    top_services: list[tuple[str, int]] = field(default_factory=list)
    tracker_error: str = ""


def _hours(now: datetime) -> list[datetime]:
    start = (now - WINDOW).replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    return [start + timedelta(hours=step) for step in range(24)]


def _hour_label(moment: datetime) -> str:
    return moment.replace(tzinfo=timezone.utc).astimezone(UK).strftime("%H:00")


def _per_hour(times: list[datetime], now: datetime) -> list[tuple[str, int]]:
    buckets = _hours(now)
    counts = Counter(moment.replace(minute=0, second=0, microsecond=0) for moment in times)
    return [(_hour_label(hour), counts.get(hour, 0)) for hour in buckets]


def _open_counts(session: Session, picture: DayPicture) -> None:
    open_cases = (Case.submitted.is_(True), Case.status != "resolved")
    priorities = dict(session.execute(
        select(Case.priority, func.count(Case.id)).where(*open_cases).group_by(Case.priority)
    ).all())
    picture.by_priority = [(name, priorities.get(name, 0)) for name in CASE_PRIORITIES]
    picture.open_total = sum(priorities.values())
    kinds: Counter[str] = Counter()
    for category, urgent, count in session.execute(
        select(Case.category, Case.urgent_category, func.count(Case.id)).where(*open_cases)
        .group_by(Case.category, Case.urgent_category)
    ):
        kinds[urgent_label(urgent) or category_label(category)] += count
    picture.by_category = kinds.most_common()
    names = dict(session.execute(select(Council.id, Council.short_name)).all())
    councils: Counter[str] = Counter()
    for council_id, count in session.execute(
        select(Case.council_id, func.count(Case.id)).where(*open_cases).group_by(Case.council_id)
    ):
        councils[names.get(council_id, "Council not known")] += count
    picture.by_council = councils.most_common()


def _breaches(session: Session, picture: DayPicture) -> None:
    now = picture.now
    late = session.execute(
        select(Case.reference, Case.council_id, Case.priority, Case.sla_due_at)
        .where(Case.submitted.is_(True), Case.status != "resolved", Case.sla_due_at < now)
        .order_by(Case.sla_due_at)
    ).all()
    names = dict(session.execute(select(Council.id, Council.short_name)).all())
    picture.breached_open = len(late)
    picture.breaches = [
        Breach(reference, names.get(council, "Council not known"), priority,
               describe_duration((now - due).total_seconds()))
        for reference, council, priority, due in late[:10]
    ]
    picture.resolved_late = session.execute(
        select(func.count(Case.id)).where(
            Case.resolved_at >= now - WINDOW, Case.sla_due_at.is_not(None),
            Case.resolved_at > Case.sla_due_at)
    ).scalar_one()


def _first_responses(session: Session, picture: DayPicture) -> list[datetime]:
    since = picture.now - WINDOW
    created = session.execute(
        select(Case.id, Case.created_at).where(Case.submitted.is_(True),
                                               Case.created_at >= since)
    ).all()
    first = dict(session.execute(
        select(CaseEvent.case_id, func.min(CaseEvent.created_at))
        .where(CaseEvent.kind.in_(FIRST_RESPONSE_KINDS),
               CaseEvent.case_id.in_([case_id for case_id, _at in created]))
        .group_by(CaseEvent.case_id)
    ).all()) if created else {}
    waits = [(first[case_id] - at).total_seconds() for case_id, at in created
             if case_id in first]
    picture.answered = len(waits)
    picture.waiting_for_first_response = len(created) - len(waits)
    if waits:
        picture.median_first_response_seconds = statistics.median(waits)
        picture.median_first_response = describe_duration(statistics.median(waits))
    return [at for _case_id, at in created]


def _tracker_counts(picture: DayPicture, tracker_url: str, service_names: dict[str, str]) -> None:
    since = (picture.now - WINDOW).replace(tzinfo=timezone.utc).timestamp()
    try:
        engine = tracker_engine(tracker_url)
        with engine.connect() as connection:
            if not inspect(connection).has_table(TRACKER_EVENTS.name):
                picture.tracker_error = "No conversations have been stored yet."
                picture.messages_per_hour = _per_hour([], picture.now)
                return
            rows = connection.execute(
                select(TRACKER_EVENTS.c.timestamp, TRACKER_EVENTS.c.data)
                .where(TRACKER_EVENTS.c.type_name == "user",
                       TRACKER_EVENTS.c.timestamp >= since)
                .limit(MAX_TRACKER_ROWS)
            ).all()
    except (SQLAlchemyError, OSError) as error:
        picture.tracker_error = (
            f"The conversation store could not be read ({type(error).__name__}).")
        return
    times, services = [], Counter()
    for timestamp, data in rows:
        times.append(datetime.fromtimestamp(timestamp, tz=timezone.utc).replace(tzinfo=None))
        for value in _services_in(data):
            services[service_names.get(value, value.replace("_", " "))] += 1
    picture.messages_per_hour = _per_hour(times, picture.now)
    picture.top_services = services.most_common(8)


def _services_in(data: str | None) -> set[str]:
    """The normalised `service` entity values of one stored user event."""
    try:
        event = json.loads(data or "{}")
    except ValueError:
        return set()
    entities = ((event.get("parse_data") or {}).get("entities") or []) if isinstance(
        event, dict) else []
    return {str(entity.get("value")) for entity in entities
            if isinstance(entity, dict) and entity.get("entity") == "service"
            and entity.get("value")}


def day_picture(session: Session, tracker_url: str, now: datetime | None = None) -> DayPicture:
    picture = DayPicture(now=now or utcnow())
    _open_counts(session, picture)
    _breaches(session, picture)
    created = _first_responses(session, picture)
    picture.cases_per_hour = _per_hour(created, picture.now)
    service_names = dict(session.execute(select(Service.id, Service.name)).all())
    _tracker_counts(picture, tracker_url, service_names)
    return picture
