"""Keep residents' data only as long as needed, and show them all of it when they ask.

Why: UK GDPR's storage limitation and right of access. During the incident residents give us
contact details and worries; once a case is closed and the retention period is over, they go.

`purge(older_than)` - the limit is shortened per council by `Council.retention_days`:
- tracker DB (TRACKER_DB_URL): deletes Rasa events older than the limit. A conversation whose
  case belongs to a council with a shorter period uses that council's limit.
- app DB: resolved cases whose resolution (`resolved_at`, else `updated_at`) is older than the
  limit lose their contact details (name, phone, email, postcode, contact preferences and
  times, interpreter language) and get their notes, event details, issues and `details`
  redacted. The case itself (reference, category, dates, status) stays for statistics.
- SMS: conversations (pseudonym -> phone) whose last inbound message is older than the limit
  and whose resident has no open case (by conversation or phone) are deleted, with that
  number's SMS delivery records older than the limit. Opt-outs are kept: STOP is forever.
- "Text me when it's back" subscriptions that ended (expired, or unsubscribed) longer ago than
  the limit are deleted with the notifications owed to them; live ones stay until they end.
- Postcodes held for a case that never opened (bot.services.held_postcode) go after a day.
`dry_run=True` does the same work inside transactions that are rolled back, so the counts are
exactly what a real run would remove.

`export_resident(phone=... | reference=...)` returns everything held about a resident as JSON-ready
data: cases with notes and events, SMS conversations, delivery records and opt-out, service
subscriptions (with the notifications sent under them), postcodes held for a case, and the
tracker events of their conversations (stored redacted; redacted again in case an older store
wrote them raw). By phone it finds every case and SMS conversation with that number; by case
reference only that case and its own conversation, so a shared phone does not widen it.

The tracker tables are described here (mirroring Rasa's `SQLTrackerStore.SQLEvent`, checked by a
test) so the CLI does not import Rasa.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import (
    Column,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    func,
    inspect,
    or_,
    select,
)
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

from bot.config import get_settings
from bot.db.engine import checkpoint, get_engine, session_factory
from bot.db.models import (
    OPEN_CASE_STATUSES,
    AuditLog,
    Case,
    Council,
    HeldPostcode,
    SmsConversation,
    SmsInboxItem,
    SmsMessage,
    SmsNotification,
    SmsOptOut,
    SmsOutboxItem,
    utcnow,
)
from bot.parsing.contact import normalise_uk_phone
from bot.parsing.references import normalise_reference
from bot.privacy.redactor import redact, redact_data
from bot.services.held_postcode import purge_held_postcodes
from bot.services.subscriptions import export_rows as subscription_rows
from bot.services.subscriptions import purge_subscriptions

CONTACT_FIELDS = (
    "name", "phone", "email", "postcode", "preferred_contact", "contact_time", "safe_to_call",
    "landline_only", "interpreter_language",
)
_CHUNK = 500  # stay under SQLite's bound-parameter limit

tracker_metadata = MetaData()
TRACKER_EVENTS = Table(
    "events", tracker_metadata,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("type_name", String(255), nullable=False),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)


# --- the tracker database ------------------------------------------------------------------

def is_sqlite_memory(url: str) -> bool:
    parsed = make_url(url)
    return parsed.get_backend_name() == "sqlite" and parsed.database in (None, "", ":memory:")


def tracker_engine(url: str | None = None) -> Engine:
    """The engine for the tracker DB: the shared per-URL engine (WAL and busy timeout on
    SQLite, a pool on PostgreSQL), or one private in-memory database for `sqlite://` tests."""
    url = url or get_settings().tracker_db_url
    if is_sqlite_memory(url):
        return create_engine(
            url, future=True, poolclass=StaticPool, connect_args={"check_same_thread": False}
        )
    return get_engine(url)


def _has_events_table(connection: Connection) -> bool:
    return inspect(connection).has_table(TRACKER_EVENTS.name)


def _epoch(moment: datetime) -> float:
    return moment.replace(tzinfo=timezone.utc).timestamp()


def _chunks(items: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start:start + _CHUNK]


# --- limits --------------------------------------------------------------------------------

_AGE = re.compile(r"\s*(\d+)\s*([dh])\s*", re.IGNORECASE)


def parse_age(text: str) -> timedelta:
    """'90d' -> 90 days, '12h' -> 12 hours."""
    match = _AGE.fullmatch(text or "")
    if not match or int(match.group(1)) == 0:
        raise ValueError(f"age must look like 90d or 12h, not {text!r}")
    amount = int(match.group(1))
    return timedelta(days=amount) if match.group(2).lower() == "d" else timedelta(hours=amount)


def council_limits(session: Session, limit: timedelta) -> dict[str, timedelta]:
    """Councils whose own retention period is shorter than `limit`."""
    shorter = {}
    for council in session.scalars(select(Council)):
        days = council.retention_days or 0
        if 0 < days and timedelta(days=days) < limit:
            shorter[council.id] = timedelta(days=days)
    return shorter


def _conversation_councils(session: Session) -> dict[str, set[str]]:
    rows = session.execute(
        select(Case.conversation_id, Case.council_id).where(Case.council_id.is_not(None))
    )
    councils: dict[str, set[str]] = {}
    for conversation_id, council_id in rows:
        councils.setdefault(conversation_id, set()).add(council_id)
    return councils


def _limit_for(councils: Iterable[str | None], limit: timedelta,
               shorter: dict[str, timedelta]) -> timedelta:
    return min([limit, *(shorter[c] for c in councils if c in shorter)])


# --- purge ---------------------------------------------------------------------------------

@dataclass
class PurgeReport:
    """What a purge removed (or, in a dry run, would remove)."""

    tracker_events: int = 0
    cases_cleared: int = 0
    sms_conversations: int = 0
    subscriptions: int = 0
    sms_messages: int = 0
    held_postcodes: int = 0
    dry_run: bool = False

    def summary(self) -> str:
        verb = "would remove" if self.dry_run else "removed"
        return (f"{verb}: {self.tracker_events} tracker events; contact details of "
                f"{self.cases_cleared} resolved cases; {self.sms_conversations} SMS "
                f"conversations; {self.sms_messages} SMS delivery records; "
                f"{self.subscriptions} ended subscriptions; {self.held_postcodes} unused held "
                "postcodes")


def purge(
    older_than: timedelta,
    *,
    app_url: str | None = None,
    tracker_url: str | None = None,
    dry_run: bool = False,
    now: datetime | None = None,
    actor: str = "retention",
) -> PurgeReport:
    """Apply the retention rules (see the module docstring); `now` is naive UTC."""
    now = now or utcnow()
    report = PurgeReport(dry_run=dry_run)
    session: Session = session_factory(app_url)()
    try:
        shorter = council_limits(session, older_than)
        conversations = _conversation_councils(session)
        report.tracker_events = _purge_tracker(
            tracker_engine(tracker_url), older_than, shorter, conversations, now, dry_run
        )
        report.cases_cleared = _clear_resolved_cases(session, older_than, shorter, now)
        report.sms_conversations, report.sms_messages = _purge_sms(
            session, older_than, shorter, conversations, now
        )
        report.subscriptions = purge_subscriptions(session, now - older_than)
        report.held_postcodes = purge_held_postcodes(session, now)
        if dry_run:
            session.rollback()
        else:
            session.add(AuditLog(actor=actor, action="privacy.purge",
                                 target=f"older than {older_than}", detail=report.summary()))
            session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
    if not dry_run:
        _checkpoint_both(app_url, tracker_url)
    return report


def _checkpoint_both(app_url: str | None, tracker_url: str | None) -> None:
    """Truncate both WALs, so purged and blanked rows do not live on in old page images."""
    checkpoint(app_url)
    tracker_url = tracker_url or get_settings().tracker_db_url
    if not is_sqlite_memory(tracker_url):
        checkpoint(tracker_url)


def _purge_tracker(engine: Engine, limit: timedelta, shorter: dict[str, timedelta],
                   conversations: dict[str, set[str]], now: datetime, dry_run: bool) -> int:
    with engine.connect() as connection:
        transaction = connection.begin()
        if not _has_events_table(connection):
            transaction.rollback()
            return 0
        removed = _delete_events(connection, now - limit)
        for council_id, council_limit in shorter.items():
            senders = [sender for sender, councils in conversations.items()
                       if council_id in councils]
            removed += _delete_events(connection, now - council_limit, senders)
        if dry_run:
            transaction.rollback()
        else:
            transaction.commit()
    return removed


def _delete_events(connection: Connection, cutoff: datetime,
                   senders: list[str] | None = None) -> int:
    events = TRACKER_EVENTS.c
    condition = events.timestamp < _epoch(cutoff)
    if senders is None:
        return connection.execute(delete(TRACKER_EVENTS).where(condition)).rowcount or 0
    removed = 0
    for chunk in _chunks(senders):
        statement = delete(TRACKER_EVENTS).where(condition, events.sender_id.in_(chunk))
        removed += connection.execute(statement).rowcount or 0
    return removed


def _clear_resolved_cases(session: Session, limit: timedelta,
                          shorter: dict[str, timedelta], now: datetime) -> int:
    earliest = now - min([limit, *shorter.values()])
    resolved_on = func.coalesce(Case.resolved_at, Case.updated_at)
    candidates = session.scalars(
        select(Case).where(Case.status == "resolved", resolved_on < earliest)
    ).all()
    cleared = 0
    for case in candidates:
        resolved = case.resolved_at or case.updated_at
        if resolved < now - _limit_for([case.council_id], limit, shorter):
            cleared += _clear_case(case)
    session.flush()
    return cleared


def _clear_case(case: Case) -> int:
    """Blank contact fields and redact free text; 1 if the case held contact details."""
    had_contact = any(getattr(case, field) is not None for field in CONTACT_FIELDS)
    for field in CONTACT_FIELDS:
        setattr(case, field, None)
    case.details = redact_data(case.details or {})
    case.issues = redact_data(case.issues or [])
    for note in case.notes:
        note.body = redact(note.body)
    for event in case.events:
        event.detail = redact(event.detail or "")
    return int(had_contact)


def _has_open_case(session: Session, conversation_id: str, phone: str) -> bool:
    return session.scalar(
        select(func.count(Case.id)).where(
            Case.status.in_(OPEN_CASE_STATUSES),
            or_(Case.conversation_id == conversation_id, Case.phone == phone),
        )
    ) > 0


def _purge_sms(session: Session, limit: timedelta, shorter: dict[str, timedelta],
               conversations: dict[str, set[str]], now: datetime) -> tuple[int, int]:
    removed_conversations = removed_messages = 0
    for conversation in session.scalars(select(SmsConversation)).all():
        councils = conversations.get(conversation.conversation_id, set())
        cutoff = now - _limit_for(councils, limit, shorter)
        last_seen = conversation.last_inbound_at or conversation.created_at
        if last_seen >= cutoff or _has_open_case(
            session, conversation.conversation_id, conversation.phone
        ):
            continue
        removed_messages += session.execute(
            delete(SmsMessage).where(SmsMessage.phone == conversation.phone,
                                     SmsMessage.created_at < cutoff)
        ).rowcount or 0
        for queue in (SmsOutboxItem, SmsInboxItem):
            removed_messages += session.execute(
                delete(queue).where(queue.conversation_id == conversation.conversation_id,
                                    queue.created_at < cutoff)
            ).rowcount or 0
        session.delete(conversation)
        removed_conversations += 1
    session.flush()
    return removed_conversations, removed_messages


# --- export --------------------------------------------------------------------------------

def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _row(obj: Any, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    return {column.name: _jsonable(getattr(obj, column.name))
            for column in obj.__table__.columns if column.name not in skip}


def _case_export(case: Case) -> dict[str, Any]:
    data = _row(case)
    data["notes"] = [_row(note, skip=("id", "case_id")) for note in case.notes]
    data["events"] = [_row(event, skip=("id", "case_id")) for event in case.events]
    return data


def _find_cases_and_sms(session: Session, phone: str | None,
                        reference: str | None) -> tuple[list[Case], list[SmsConversation]]:
    if reference:
        ref = normalise_reference(reference) or reference.strip().upper()
        case = session.scalar(select(Case).where(Case.reference == ref))
        if case is None:
            raise ValueError(f"no case with reference {ref}")
        sms = session.scalars(select(SmsConversation).where(
            SmsConversation.conversation_id == case.conversation_id)).all()
        return [case], list(sms)
    e164 = normalise_uk_phone(phone or "")
    if e164 is None:
        raise ValueError("give a UK phone number (e.g. +447700900123) or a case reference")
    sms = list(session.scalars(select(SmsConversation).where(SmsConversation.phone == e164)))
    conversation_ids = [conversation.conversation_id for conversation in sms]
    cases = session.scalars(
        select(Case).where(or_(Case.phone == e164, Case.conversation_id.in_(conversation_ids)))
        .order_by(Case.id)
    ).all()
    return list(cases), sms


def _tracker_events(engine: Engine, conversation_ids: list[str]) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {sender: [] for sender in conversation_ids}
    with engine.connect() as connection:
        if not conversation_ids or not _has_events_table(connection):
            return found
        for chunk in _chunks(conversation_ids):
            rows = connection.execute(
                select(TRACKER_EVENTS).where(TRACKER_EVENTS.c.sender_id.in_(chunk))
                .order_by(TRACKER_EVENTS.c.id)
            )
            for row in rows:
                found[row.sender_id].append({
                    "type": row.type_name,
                    "at": datetime.fromtimestamp(row.timestamp or 0, timezone.utc).isoformat(),
                    "data": redact_data(json.loads(row.data or "{}")),
                })
    return found


def export_resident(
    *,
    phone: str | None = None,
    reference: str | None = None,
    app_url: str | None = None,
    tracker_url: str | None = None,
    actor: str = "privacy-export",
) -> dict[str, Any]:
    """Everything held about one resident (see the module docstring); the export is audited."""
    if bool(phone) == bool(reference):
        raise ValueError("give exactly one of a phone number or a case reference")
    session: Session = session_factory(app_url)()
    try:
        cases, sms = _find_cases_and_sms(session, phone, reference)
        phones = sorted({c.phone for c in cases if c.phone} | {s.phone for s in sms})
        conversation_ids = sorted({c.conversation_id for c in cases}
                                  | {s.conversation_id for s in sms})
        result = {
            "generated_at": utcnow().isoformat(),
            "query": {"phone": phone, "case": reference},
            "cases": [_case_export(case) for case in cases],
            "sms_conversations": [_row(conversation) for conversation in sms],
            "sms_messages": _sms_messages(session, phones),
            "sms_opt_outs": [_row(o) for o in session.scalars(
                select(SmsOptOut).where(SmsOptOut.phone.in_(phones)))],
            "subscriptions": _subscriptions(session, phones, phone),
            "held_postcodes": [_row(held) for held in session.scalars(select(HeldPostcode).where(
                HeldPostcode.conversation_id.in_(conversation_ids)))],
            "tracker_events": _tracker_events(tracker_engine(tracker_url), conversation_ids),
        }
        session.add(AuditLog(actor=actor, action="privacy.export",
                             target=_audit_target(phone, reference),
                             detail=f"{len(cases)} cases, {len(conversation_ids)} conversations"))
        session.commit()
    finally:
        session.close()
    return result


def _subscriptions(session: Session, phones: list[str],
                   phone: str | None) -> list[dict[str, Any]]:
    """Subscriptions of the resident's numbers (by phone: that number even without a case or
    SMS conversation, as on web chat), each with the notifications sent under it."""
    wanted = set(phones) | ({normalise_uk_phone(phone)} if phone else set())
    result = []
    for row in subscription_rows(session, sorted(n for n in wanted if n)):
        data = _row(row)
        data["notifications"] = [
            _row(n, skip=("subscription_id", "batch")) for n in session.scalars(
                select(SmsNotification).where(SmsNotification.subscription_id == row.id)
                .order_by(SmsNotification.id))
        ]
        result.append(data)
    return result


def _sms_messages(session: Session, phones: list[str]) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(SmsMessage).where(SmsMessage.phone.in_(phones)).order_by(SmsMessage.id)
    )
    return [_row(message, skip=("id",)) for message in rows]


def _audit_target(phone: str | None, reference: str | None) -> str:
    """Who was exported, without writing a full phone number into the audit log."""
    if reference:
        return normalise_reference(reference) or reference
    return f"phone ending {(normalise_uk_phone(phone or '') or '')[-3:]}"
