"""Rasa's SQL tracker store, persisting only redacted events.

Why: the tracker store keeps every conversation verbatim; during the incident residents type the
very card numbers and phone numbers they fear were stolen. Only masks ("[CARD]") may reach disk.

How: `SQLTrackerStore.save()` writes `event.type_name` and `event.as_dict()` for each event that
`_additional_events()` yields, one row per event, and next time compares the stored count with
the tracker's. Overriding `_additional_events()` to yield redacted stand-ins keeps Rasa's own
save and count logic and changes only what is written. Event-broker publishing is redacted the
same way. Redacted per event: every string (user text, parse_data text, entity values, bot
text, metadata); entities of contact types and slots named like contact details are masked
outright (their normalised values, such as "+447700900118" or "sw6", are masked even where the
text rules would need context); and the resident's reply to the form's name question becomes
"[NAME]" (the redactor has no name model, but here the question tells us what the reply is).

The in-memory tracker of the current turn keeps the raw text, so this turn's actions (and the
form validation that stores contact details on the case) see it. A tracker read back from the
store has masks instead: slots stay filled ("[PHONE]"), forms keep moving, intents and entity
types are unchanged. Actions must therefore write contact details to the case when they first
receive them, never read them back from a slot in a later turn (models.Case already requires
that contact details live only in its columns).

Configured in endpoints.yml:
    tracker_store:
      type: bot.privacy.tracker_store.RedactingSQLTrackerStore
      url: "${TRACKER_DB_URL}"
Any SQLAlchemy URL works (sqlite:///var/tracker.db, postgresql://..., sqlite:// in tests); the
engine comes from `bot.privacy.retention.tracker_engine` (WAL + busy timeout on SQLite).
Rasa's dialect/host/db/username/password keys are also accepted. Importing this module installs
the log filter, so the Rasa server process logs no personal data either.

A network database that cannot be reached (PostgreSQL restarting) is waited for, up to
TRACKER_DB_WAIT_SECONDS (default 20), before a read or write fails: Rasa wraps every tracker
store in its FailSafeTrackerStore, which on a failed read starts a brand-new conversation and on
a failed write keeps it in process memory only, so without the wait a message sent during a
restart is answered out of context and is missing from the stored conversation (and contact
details given in it never reach the case). Longer outages still end in that fallback.

Every query, commit and tracker rebuild runs in a small thread pool (TRACKER_DB_THREADS,
default 4), not on the event loop as in Rasa's SQLTrackerStore: one conversation's fsync or
lock wait no longer stalls every other conversation's turn.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import re
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore, TrackerStore
from rasa.shared.core.constants import REQUESTED_SLOT
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, SessionStarted, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import Table, and_, bindparam, func, insert, or_, select
from sqlalchemy.exc import InterfaceError, OperationalError, ProgrammingError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql import Select

from bot.config import get_settings
from bot.parsing.contact import NAME_PHRASE, is_skip
from bot.privacy.log_filter import install_log_filter
from bot.privacy.pii_types import (
    BANK,
    CARD,
    DOB,
    EMAIL_TYPE,
    LICENCE,
    NI,
    PASSPORT,
    PHONE,
    POSTCODE,
    mask,
)
from bot.privacy.redactor import (
    might_contain_pii,
    redact_data,
)
from bot.privacy.retention import is_sqlite_memory, tracker_engine
from bot.threads import run_sync

install_log_filter()
logger = logging.getLogger(__name__)

# Structure, not content: never redacted (intent, action and slot names, ids, times).
KEEP_KEYS = frozenset({
    "event", "timestamp", "name", "input_channel", "message_id", "policy", "confidence",
    "entity", "extractor", "role", "group", "processors", "start", "end",
    "intent_ranking", "model_id", "assistant_id",
})
NAME_MASK = "[NAME]"
_NAME_ONLY = re.compile(r"\s*[A-Za-z][A-Za-z'.-]*(?:\s+[A-Za-z][A-Za-z'.-]*){0,3}\s*[.!]?\s*")
PERSON_NAMES = frozenset({
    "name", "full_name", "contact_name", "resident_name", "first_name", "last_name",
    "person", "person_name", "surname",
})
# A slot or entity whose name contains one of these holds that kind of detail.
CONTACT_HINTS = (
    ("phone", PHONE), ("mobile", PHONE), ("landline", PHONE), ("email", EMAIL_TYPE),
    ("postcode", POSTCODE), ("post_code", POSTCODE), ("dob", DOB), ("birth", DOB),
    ("card", CARD), ("cvv", CARD), ("sort_code", BANK), ("account_number", BANK),
    ("iban", BANK), ("ni_number", NI), ("national_insurance", NI), ("passport", PASSPORT),
    ("licence", LICENCE), ("license", LICENCE),
)
CREATE_ATTEMPTS = 12
CREATE_RETRY_SECONDS = 5.0
# How long a turn waits for an unreachable tracker database before Rasa's fallback takes over.
# TRACKER_DB_WAIT_SECONDS, read once: every tracker read and write on PostgreSQL checks it.
OUTAGE_WAIT_SECONDS = get_settings().tracker_db_wait_seconds
OUTAGE_RETRY_SECONDS = (0.25, 0.5, 1.0, 2.0)  # then every 2 s


def contact_mask(name: str | None, value: Any, *, person_names: bool = False) -> str | None:
    """The mask for a slot or entity value if its name says it is a contact detail.

    Person names are masked for entities only (`person_names=True`): slots of this project
    hold markers such as "given", which must survive a reload; the name itself is in the
    resident's answer, masked by `mask_name_answer`.
    """
    if not isinstance(value, str) or not value or not name:
        return None
    lowered = name.lower()
    if person_names and lowered in PERSON_NAMES:
        return NAME_MASK
    for hint, kind in CONTACT_HINTS:
        if hint in lowered and might_contain_pii(value):
            return mask(kind)
    return None


def _mask_entities(entities: Any) -> None:
    if not isinstance(entities, list):
        return
    for entity in entities:
        if not isinstance(entity, dict):
            continue
        masked = contact_mask(entity.get("entity"), entity.get("value"), person_names=True)
        if masked:
            entity["value"] = masked
            if "text" in entity:
                entity["text"] = masked


def redact_event(data: dict[str, Any]) -> dict[str, Any]:
    """A redacted copy of one serialised Rasa event (the original is not touched)."""
    redacted: dict[str, Any] = redact_data(data, KEEP_KEYS)
    if redacted.get("event") == "slot":
        masked = contact_mask(redacted.get("name"), data.get("value"))
        if masked:
            redacted["value"] = masked
    _mask_entities(redacted.get("entities"))
    parse_data = redacted.get("parse_data")
    if isinstance(parse_data, dict):
        _mask_entities(parse_data.get("entities"))
    return redacted


def mask_name_answer(text: str) -> str:
    """The resident's reply to "what name should we use?": a short all-letters reply is the
    name itself (as bot.services.escalation_turns reads it), otherwise only the name after
    "my name is ..." is masked, so an unrelated message (an urgent one) stays readable."""
    if not text or is_skip(text):
        return text
    if _NAME_ONLY.fullmatch(text):
        return NAME_MASK
    match = NAME_PHRASE.search(text)
    if match:
        return text[: match.start(1)] + NAME_MASK + text[match.end(1):]
    return text


def _mask_answer(data: dict[str, Any], answering: str | None) -> None:
    if data.get("event") != "user" or (answering or "").lower() not in PERSON_NAMES:
        return
    data["text"] = mask_name_answer(data.get("text") or "")
    parse_data = data.get("parse_data")
    if isinstance(parse_data, dict) and "text" in parse_data:
        parse_data["text"] = data["text"]


def requested_slot_before(tracker: DialogueStateTracker, index: int) -> str | None:
    """The slot the form was asking for just before event number `index`."""
    requested = None
    for event in itertools.islice(tracker.events, 0, index):
        if isinstance(event, SlotSet) and event.key == REQUESTED_SLOT:
            requested = event.value
    return requested


class RedactedEvent:
    """What `SQLTrackerStore.save` and the event broker read from an event, redacted.

    `answering` is the slot the form had asked for when a user event came in.
    """

    def __init__(self, event: Event, answering: str | None = None) -> None:
        self.type_name = event.type_name
        self._data = redact_event(event.as_dict())
        _mask_answer(self._data, answering)

    def as_dict(self) -> dict[str, Any]:
        return self._data


def latest_session_queries(events: Table) -> tuple[Select, Select]:
    """The data of a conversation's events since its latest session start, in order, and their
    count: Rasa's `_event_query` for one session, built once with a bound sender.

    Why not Rasa's: it builds a new ORM query (a subquery, an OR) for every read and save, and
    SQLAlchemy then spends more time computing that query's cache key than the database spends
    answering it. The same WHERE clause, built once, is compiled once.
    """
    sender = bindparam("sender")
    session_start = (
        select(func.max(events.c.timestamp))
        .where(events.c.sender_id == sender, events.c.type_name == SessionStarted.type_name)
        .scalar_subquery()
    )
    in_latest_session = and_(
        events.c.sender_id == sender,
        or_(events.c.timestamp >= session_start, session_start.is_(None)),
    )
    data = select(events.c.data).where(in_latest_session).order_by(events.c.id)
    count = select(func.count()).select_from(events).where(in_latest_session)
    return data, count


# Called as observer(tracker, stored, domain) after every successful save, in the store's
# database thread; `stored` is how many of the tracker's events were stored before (the rest
# are this save's). The Rasa server's per-turn metrics use it (bot/ops/counters.py).
SaveObserver = Callable[[DialogueStateTracker, int, Domain | None], None]
_save_observers: list[SaveObserver] = []


def add_save_observer(observer: SaveObserver) -> None:
    """Register `observer` (once) for every tracker store of this process; its errors are
    logged, never raised into the turn."""
    if observer not in _save_observers:
        _save_observers.append(observer)


class RedactingSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore that writes (and streams) redacted events only."""

    def __init__(
        self,
        domain: Domain | None = None,
        host: str | None = None,
        url: str | None = None,
        event_broker: EventBroker | None = None,
        **kwargs: Any,
    ) -> None:
        # SQLTrackerStore.__init__ is skipped on purpose: it builds its own engine from
        # dialect/host/db parts; this store takes one SQLAlchemy URL (endpoints.yml `url`).
        self.db_url = self.resolve_url(url, host, kwargs)
        self.engine = tracker_engine(self.db_url)
        self._create_tables()
        self.sessionmaker = sessionmaker(bind=self.engine, future=True)
        self._latest_session_data, self._latest_session_count = latest_session_queries(
            self.SQLEvent.__table__)
        # Threads for the store's blocking database calls (reads, writes, commits), from
        # TRACKER_DB_THREADS. One in-memory SQLite connection (tests) must not be shared by
        # concurrent threads.
        threads = 1 if is_sqlite_memory(self.db_url) else get_settings().tracker_db_threads
        self._db_threads = ThreadPoolExecutor(threads, thread_name_prefix="tracker-db")
        TrackerStore.__init__(self, domain, event_broker, **kwargs)
        logger.debug("Redacting tracker store on %s", self.engine.url.render_as_string())

    @staticmethod
    def resolve_url(url: str | None, host: str | None, kwargs: dict[str, Any]) -> str:
        """`url`, else a URL passed as `host` (how Rasa passes endpoints.yml `url`), else
        Rasa-style parts (dialect, host, db...), else TRACKER_DB_URL's default."""
        if url:
            return url
        if host and "://" in host:
            return host
        if host or kwargs.get("dialect"):
            built = SQLTrackerStore.get_db_url(
                dialect=kwargs.get("dialect", "sqlite"), host=host, port=kwargs.get("port"),
                db=kwargs.get("db", "rasa.db"), username=kwargs.get("username"),
                password=kwargs.get("password"), query=kwargs.get("query"),
            )
            return built if isinstance(built, str) else built.render_as_string(False)
        return get_settings().tracker_db_url

    def _create_tables(self) -> None:
        """Create the events table, waiting for a database that is still starting up."""
        for attempt in range(1, CREATE_ATTEMPTS + 1):
            try:
                self.Base.metadata.create_all(self.engine)
                return
            except (OperationalError, ProgrammingError) as error:
                if attempt == CREATE_ATTEMPTS:
                    raise
                logger.warning("Tracker database not ready (%s); retrying", error)
                time.sleep(CREATE_RETRY_SECONDS)

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        return await self._waiting_out_outage(
            lambda: run_sync(self._retrieve_blocking, sender_id, False, pool=self._db_threads))

    async def retrieve_full_tracker(self, conversation_id: str) -> DialogueStateTracker | None:
        return await self._waiting_out_outage(
            lambda: run_sync(self._retrieve_blocking, conversation_id, True,
                             pool=self._db_threads))

    async def keys(self) -> Iterable[str]:
        return await run_sync(self._keys_blocking, pool=self._db_threads)

    async def save(self, tracker: DialogueStateTracker) -> None:
        # A retried save writes only what is not stored yet (Rasa compares counts); it would
        # stream the new events to an event broker again, but none is configured here.
        await self.stream_events(tracker)
        await self._waiting_out_outage(
            lambda: run_sync(self._save_blocking, tracker, pool=self._db_threads))

    def _retrieve_blocking(self, sender_id: str, all_sessions: bool) -> DialogueStateTracker | None:
        """Rasa's `SQLTrackerStore._retrieve`, minus its async wrapper."""
        with self.session_scope() as session:
            if all_sessions:
                rows = self._event_query(session, sender_id, fetch_events_from_all_sessions=True
                                         ).with_entities(self.SQLEvent.data).all()
            else:
                rows = session.execute(self._latest_session_data, {"sender": sender_id}).all()
            events = [json.loads(data) for (data,) in rows]
        if self.domain and events:
            return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        return None

    def _keys_blocking(self) -> list[str]:
        with self.session_scope() as session:
            return [sender for (sender,) in
                    session.query(self.SQLEvent.sender_id).distinct().all()]

    def _save_blocking(self, tracker: DialogueStateTracker) -> None:
        """Rasa's `SQLTrackerStore.save` after streaming: one row per event not yet stored;
        then the save observers (add_save_observer), once the rows are committed."""
        with self.session_scope() as session:
            stored = self._stored_count(session, tracker)
            rows = []
            for event in self._redacted_new_events(tracker, stored):
                data = event.as_dict()
                rows.append({
                    "sender_id": tracker.sender_id,
                    "type_name": event.type_name,
                    "timestamp": data.get("timestamp"),
                    "intent_name": data.get("parse_data", {}).get("intent", {}).get("name"),
                    "action_name": data.get("name"),
                    "data": json.dumps(data),
                })
            if rows:  # one batched INSERT, not an ORM unit of work per event
                session.execute(insert(self.SQLEvent.__table__), rows)
            session.commit()
        for observer in list(_save_observers):
            try:
                observer(tracker, stored, self.domain)
            except Exception:  # noqa: BLE001 - metrics must never fail a resident's turn
                logger.warning("tracker save observer %r failed", observer, exc_info=True)

    async def _waiting_out_outage(self, call: Callable[[], Awaitable[Any]]) -> Any:
        """`call()`, retried while a network database cannot be reached, for a bounded time.

        Not on SQLite: there an OperationalError is a lock held past the busy timeout or a
        broken file, and waiting longer only delays the resident's reply.
        """
        if self.engine.dialect.name == "sqlite":
            return await call()
        deadline = time.monotonic() + OUTAGE_WAIT_SECONDS
        attempt = 0
        while True:
            try:
                return await call()
            except (OperationalError, InterfaceError) as error:
                delay = OUTAGE_RETRY_SECONDS[min(attempt, len(OUTAGE_RETRY_SECONDS) - 1)]
                if time.monotonic() + delay > deadline:
                    raise
                if attempt == 0:
                    logger.warning("Tracker database unreachable (%s); waiting up to %.0f s",
                                   type(error.orig).__name__, OUTAGE_WAIT_SECONDS)
                attempt += 1
                await asyncio.sleep(delay)

    def _additional_events(
        self, session: Session, tracker: DialogueStateTracker
    ) -> Iterator[RedactedEvent]:
        return self._redacted_new_events(tracker, self._stored_count(session, tracker))

    def _stored_count(self, session: Session, tracker: DialogueStateTracker) -> int:
        """How many of the conversation's latest-session events are stored already."""
        return session.execute(
            self._latest_session_count, {"sender": tracker.sender_id}).scalar_one()

    def _redacted_new_events(
        self, tracker: DialogueStateTracker, stored: int
    ) -> Iterator[RedactedEvent]:
        new_events = list(itertools.islice(tracker.events, stored, None))
        requested = requested_slot_before(tracker, stored)
        for event in new_events:
            yield RedactedEvent(event, answering=requested)
            if isinstance(event, SlotSet) and event.key == REQUESTED_SLOT:
                requested = event.value

    async def _stream_new_events(
        self, event_broker: EventBroker, new_events: list[Event], sender_id: str
    ) -> None:
        redacted: list[Any] = [RedactedEvent(event) for event in new_events]
        await super()._stream_new_events(event_broker, redacted, sender_id)
