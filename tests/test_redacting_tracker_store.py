"""The tracker store writes only masks to disk, and the conversation still works after a reload."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from rasa.core.tracker_store import SQLTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.utils.endpoints import read_endpoint_config
from sqlalchemy import create_engine, text

from bot.config import PROJECT_ROOT
from bot.privacy.log_filter import is_installed
from bot.privacy.retention import TRACKER_EVENTS
from bot.privacy.tracker_store import RedactingSQLTrackerStore, redact_event

DOMAIN = Domain.from_yaml("""
version: "3.1"
intents: [data_concern, inform, thanks]
entities: [phone, postcode]
slots:
  phone:
    type: text
    influence_conversation: false
    mappings: [{type: from_entity, entity: phone}]
  postcode:
    type: text
    influence_conversation: false
    mappings: [{type: from_entity, entity: postcode}]
responses:
  utter_ok: [{text: ok}]
""")
MESSAGE = "my card 4111 1111 1111 1111 was used, call 07700 900118, postcode W10 6EL"
RAW_VALUES = ("4111 1111 1111 1111", "4111111111111111", "07700 900118", "7700900118",
              "W10 6EL", "w10 6el", "sw6")


def _user_turn() -> UserUttered:
    start = MESSAGE.index("07700")
    entities = [
        {"entity": "phone", "value": "+447700900118", "start": start, "end": start + 12,
         "extractor": "RegexEntityExtractor"},
        {"entity": "postcode", "value": "W10 6EL", "start": len(MESSAGE) - 7,
         "end": len(MESSAGE), "extractor": "RegexEntityExtractor"},
    ]
    intent = {"name": "data_concern", "confidence": 0.97}
    return UserUttered(
        MESSAGE, intent=intent, entities=entities,
        parse_data={"text": MESSAGE, "intent": intent, "entities": entities,
                    "intent_ranking": [intent]},
        input_channel="rest", metadata={"from": "07700 900118"},
    )


def _first_conversation(store: RedactingSQLTrackerStore) -> Any:
    async def run() -> Any:
        tracker = await store.get_or_create_tracker("resident-1")
        tracker.update(_user_turn())
        tracker.update(SlotSet("phone", "+447700900118"))
        tracker.update(SlotSet("postcode", "sw6"))
        tracker.update(ActionExecuted("utter_ok"))
        tracker.update(BotUttered("Thanks, we will call 07700 900118."))
        tracker.update(ActionExecuted("action_listen"))
        await store.save(tracker)
        return tracker

    return asyncio.run(run())


@pytest.fixture()
def tracker_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'tracker.db'}"


@pytest.fixture()
def store(tracker_url: str) -> RedactingSQLTrackerStore:
    return RedactingSQLTrackerStore(domain=DOMAIN, host=tracker_url)


def _raw_rows(url: str) -> list[str]:
    engine = create_engine(url, future=True)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT data FROM events ORDER BY id")).scalars().all()
    engine.dispose()
    return list(rows)


def test_nothing_raw_reaches_the_database(store: RedactingSQLTrackerStore,
                                          tracker_url: str) -> None:
    tracker = _first_conversation(store)
    assert tracker.latest_message.text == MESSAGE  # this turn keeps the raw text
    rows = _raw_rows(tracker_url)
    assert len(rows) == len(tracker.events)
    for row in rows:
        for value in RAW_VALUES:
            assert value.lower() not in row.lower(), (value, row)
    user_row = next(json.loads(row) for row in rows if json.loads(row)["event"] == "user")
    assert user_row["text"] == "my card [CARD] was used, call [PHONE], postcode [POSTCODE]"
    assert user_row["parse_data"]["text"] == user_row["text"]
    assert user_row["parse_data"]["intent"]["name"] == "data_concern"
    assert [e["value"] for e in user_row["parse_data"]["entities"]] == ["[PHONE]", "[POSTCODE]"]
    assert user_row["metadata"] == {"from": "[PHONE]"}


def test_retrieved_tracker_has_masks_and_takes_the_next_turn(
    store: RedactingSQLTrackerStore, tracker_url: str
) -> None:
    _first_conversation(store)

    async def next_turn() -> tuple[Any, Any]:
        tracker = await store.retrieve("resident-1")
        assert tracker is not None
        tracker.update(UserUttered("thanks", intent={"name": "thanks", "confidence": 1.0}))
        await store.save(tracker)
        await store.save(tracker)  # a second save adds nothing
        return tracker, await store.retrieve("resident-1")

    tracker, again = asyncio.run(next_turn())
    user_turns = [e for e in again.events if isinstance(e, UserUttered)]
    assert [e.text for e in user_turns] == [
        "my card [CARD] was used, call [PHONE], postcode [POSTCODE]", "thanks"]
    assert user_turns[0].intent_name == "data_concern"
    assert again.get_slot("phone") == "[PHONE]"
    assert again.get_slot("postcode") == "[POSTCODE]"
    assert again.latest_message.text == "thanks"
    assert len(again.events) == len(tracker.events) == len(_raw_rows(tracker_url))


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_in_memory_sqlite_url_works(url: str) -> None:
    store = RedactingSQLTrackerStore(domain=DOMAIN, url=url)
    _first_conversation(store)
    retrieved = asyncio.run(store.retrieve("resident-1"))
    assert retrieved.get_slot("phone") == "[PHONE]"
    assert asyncio.run(store.keys()) == ["resident-1"]


def test_event_broker_receives_redacted_events(tracker_url: str) -> None:
    class Collecting:
        def __init__(self) -> None:
            self.published: list[dict] = []

        def publish(self, event: dict) -> None:
            self.published.append(event)

    broker = Collecting()
    store = RedactingSQLTrackerStore(domain=DOMAIN, host=tracker_url, event_broker=broker)
    _first_conversation(store)
    assert broker.published
    body = json.dumps(broker.published)
    assert all(value not in body for value in RAW_VALUES)
    assert "[CARD]" in body


def test_endpoints_yml_selects_this_store(monkeypatch: pytest.MonkeyPatch,
                                          tracker_url: str) -> None:
    monkeypatch.setenv("TRACKER_DB_URL", tracker_url)
    monkeypatch.setenv("ACTION_SERVER_URL", "http://localhost:5055/webhook")
    config = read_endpoint_config(str(PROJECT_ROOT / "endpoints.yml"), "tracker_store")
    store = TrackerStore.create(config, DOMAIN)
    assert isinstance(store, RedactingSQLTrackerStore)
    assert store.db_url == tracker_url
    assert is_installed()  # importing the store installed the log filter


def test_rasa_style_parts_still_work() -> None:
    url = RedactingSQLTrackerStore.resolve_url(None, None, {"dialect": "sqlite", "db": "x.db"})
    assert url == "sqlite:///x.db"
    assert RedactingSQLTrackerStore.resolve_url(None, "postgresql://u:p@h/db", {}) == (
        "postgresql://u:p@h/db")


def test_slot_names_mask_normalised_contact_values_but_keep_markers() -> None:
    assert redact_event({"event": "slot", "name": "contact_email", "value": "a@b.example"}) == (
        {"event": "slot", "name": "contact_email", "value": "[EMAIL]"})
    for kept in ({"event": "slot", "name": "contact_name", "value": "given"},
                 {"event": "slot", "name": "contact_postcode", "value": "skipped"},
                 {"event": "slot", "name": "preferred_contact", "value": "phone"},
                 {"event": "slot", "name": "phone_confirmed", "value": True}):
        assert redact_event(kept) == kept
    person = {"event": "user", "text": "Jo", "parse_data": {
        "text": "Jo", "entities": [{"entity": "person", "value": "Jo", "start": 0, "end": 2}]}}
    assert redact_event(person)["parse_data"]["entities"][0]["value"] == "[NAME]"


@pytest.mark.parametrize(("reply", "stored"), [
    ("Jo Bloggs", "[NAME]"),
    ("my name is Jo, thanks", "my name is [NAME], thanks"),
    ("skip", "skip"),
    ("my partner is threatening me right now and I need help", (
        "my partner is threatening me right now and I need help")),
])
def test_reply_to_the_name_question_is_masked(tracker_url: str, reply: str, stored: str) -> None:
    store = RedactingSQLTrackerStore(domain=DOMAIN, host=tracker_url)

    async def run() -> None:
        tracker = await store.get_or_create_tracker("resident-2")
        tracker.update(SlotSet("requested_slot", "contact_name"))
        tracker.update(ActionExecuted("action_listen"))
        await store.save(tracker)
        tracker.update(UserUttered(reply, intent={"name": "inform", "confidence": 1.0}))
        tracker.update(SlotSet("contact_name", "given"))
        tracker.update(SlotSet("requested_slot", None))
        # a later message is redacted by the rules, not masked whole ("Jo again" is a name now)
        tracker.update(UserUttered("the bins again", intent={"name": "inform", "confidence": 1.0}))
        await store.save(tracker)

    asyncio.run(run())
    users = [json.loads(r) for r in _raw_rows(tracker_url) if json.loads(r)["event"] == "user"]
    assert [u["text"] for u in users] == [stored, "the bins again"]
    slots = [json.loads(r) for r in _raw_rows(tracker_url) if json.loads(r)["event"] == "slot"]
    assert {"event": "slot", "name": "contact_name", "value": "given"}.items() <= slots[1].items()


def test_retention_mirror_matches_rasa_events_table() -> None:
    rasa_columns = {c.name: type(c.type) for c in SQLTrackerStore.SQLEvent.__table__.columns}
    ours = {c.name: type(c.type) for c in TRACKER_EVENTS.columns}
    assert ours == rasa_columns
    assert TRACKER_EVENTS.name == SQLTrackerStore.SQLEvent.__tablename__


class _Unreachable(Exception):
    pass


def _flaky(failures: int) -> tuple[list[int], Any]:
    from sqlalchemy.exc import OperationalError

    calls: list[int] = []

    async def call() -> str:
        calls.append(1)
        if len(calls) <= failures:
            raise OperationalError("SELECT 1", {}, _Unreachable("connection refused"))
        return "stored"

    return calls, call


def test_network_database_outage_is_waited_out(
    store: RedactingSQLTrackerStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store.engine.dialect, "name", "postgresql")
    calls, call = _flaky(failures=3)
    assert asyncio.run(store._waiting_out_outage(call)) == "stored"
    assert len(calls) == 4


def test_outage_longer_than_the_wait_still_fails(
    store: RedactingSQLTrackerStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import OperationalError

    import bot.privacy.tracker_store as module

    monkeypatch.setattr(store.engine.dialect, "name", "postgresql")
    monkeypatch.setattr(module, "OUTAGE_WAIT_SECONDS", 1.0)
    calls, call = _flaky(failures=1000)
    with pytest.raises(OperationalError):
        asyncio.run(store._waiting_out_outage(call))
    assert 2 <= len(calls) <= 5


def test_sqlite_errors_are_not_retried(store: RedactingSQLTrackerStore) -> None:
    from sqlalchemy.exc import OperationalError

    calls, call = _flaky(failures=1)
    with pytest.raises(OperationalError):
        asyncio.run(store._waiting_out_outage(call))
    assert len(calls) == 1


def _two_sessions(store: RedactingSQLTrackerStore) -> Any:
    """A conversation that restarted once: events of an old session, then a new one."""
    from rasa.shared.core.events import SessionStarted

    async def run() -> Any:
        tracker = await store.get_or_create_tracker("resident-2")
        for event in (ActionExecuted("action_session_start"), SessionStarted(timestamp=1.0),
                      ActionExecuted("action_listen", timestamp=1.1),
                      UserUttered("old", timestamp=1.2)):
            tracker.update(event)
        await store.save(tracker)
        for event in (ActionExecuted("action_session_start", timestamp=5.0),
                      SessionStarted(timestamp=5.1),
                      ActionExecuted("action_listen", timestamp=5.2),
                      UserUttered("new", timestamp=5.3)):
            tracker.update(event)
        await store.save(tracker)
        return tracker

    return asyncio.run(run())


def test_reads_match_rasas_own_store_across_sessions(tmp_path: Path,
                                                     store: RedactingSQLTrackerStore) -> None:
    _two_sessions(store)
    reference = SQLTrackerStore(domain=DOMAIN, dialect="sqlite",
                                db=str(tmp_path / "tracker.db"))
    ours = asyncio.run(store.retrieve("resident-2"))
    theirs = asyncio.run(reference.retrieve("resident-2"))
    assert [e.as_dict() for e in ours.events] == [e.as_dict() for e in theirs.events]
    assert [e.text for e in ours.events if isinstance(e, UserUttered)] == ["new"]
    full = asyncio.run(store.retrieve_full_tracker("resident-2"))
    assert [e.text for e in full.events if isinstance(e, UserUttered)] == ["old", "new"]
    # saving the retrieved tracker again writes nothing twice
    stored = len(_raw_rows(store.db_url))
    asyncio.run(store.save(ours))
    assert len(_raw_rows(store.db_url)) == stored
    assert asyncio.run(store.keys()) == ["resident-2"]


def test_database_work_runs_off_the_event_loop(store: RedactingSQLTrackerStore) -> None:
    import threading

    from sqlalchemy import event

    threads: set[str] = set()

    @event.listens_for(store.engine, "before_cursor_execute")
    def _seen(*_args: Any) -> None:
        threads.add(threading.current_thread().name)

    async def run() -> str:
        tracker = await store.get_or_create_tracker("resident-3")
        tracker.update(UserUttered("hello"))
        await store.save(tracker)
        await store.retrieve("resident-3")
        return threading.current_thread().name

    try:
        loop_thread = asyncio.run(run())
    finally:
        event.remove(store.engine, "before_cursor_execute", _seen)
    assert threads and loop_thread not in threads
    assert all(name.startswith("tracker-db") for name in threads)
