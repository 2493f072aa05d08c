"""The live stream's server side: the watcher sees new and changed cases, streams send only
what the viewer may see, end by themselves, send heartbeats, and are bounded in number."""

from __future__ import annotations

import json
import threading

from flask import Flask
from sqlalchemy import select

from bot.console import live
from bot.console.live import Watcher, stream
from bot.db.engine import session_scope
from bot.db.models import Case
from bot.services.cases import record_event
from tests.console.conftest import add_case, add_staff, login


def events(text: str) -> list[tuple[str, object]]:
    found = []
    for block in text.split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line
                     and not line.startswith(":"))
        if "event" in lines:
            found.append((lines["event"], json.loads(lines["data"])))
    return found


def test_watcher_reports_new_cases_changes_and_events_once(db_url: str) -> None:
    old = add_case(db_url, "c0")
    watcher = Watcher(db_url)
    watcher._prime()
    assert watcher.poll_once() == []
    new = add_case(db_url, "c1", "urgent", council_id="kensington_chelsea")
    changes = watcher.poll_once()
    assert [(c.reference, c.new, c.priority, c.council) for c in changes
            if c.event is None] == [(new, True, "urgent", "kensington_chelsea")]
    assert {c.reference for c in changes if c.event} <= {new}
    assert watcher.poll_once() == []  # seen once, not again
    with session_scope(db_url) as session:
        session.execute(select(Case).where(Case.reference == old)).scalar_one().assigned_to = (
            "sam")
    changes = watcher.poll_once()
    assert [(c.reference, c.new, c.assigned_to) for c in changes] == [(old, False, "sam")]
    with session_scope(db_url) as session:
        case = session.execute(select(Case).where(Case.reference == old)).scalar_one()
        record_event(session, case, "sam", "taken")
    assert [(c.reference, c.event, c.actor) for c in watcher.poll_once()] == [
        (old, "taken", "sam")]


def test_stream_filters_by_scope_beats_and_ends(db_url: str) -> None:
    watcher = Watcher(db_url)
    watcher._prime()
    allows = {"westminster"}.__contains__
    text: list[str] = []
    said_hello = threading.Event()

    def read() -> None:
        for part in stream(watcher, allows, json.dumps, lifetime=1.5, heartbeat=0.2):
            text.append(part)
            said_hello.set()

    reader = threading.Thread(target=read)
    reader.start()
    assert said_hello.wait(5)
    add_case(db_url, "kc", council_id="kensington_chelsea")
    wm = add_case(db_url, "wm", council_id="westminster")
    watcher.poll_once()
    reader.join(5)
    assert not reader.is_alive()
    body = "".join(text)
    assert body.startswith("retry: ")
    assert ": keep-alive" in body
    sent = events(body)
    assert sent[0][0] == "hello" and sent[-1] == ("bye", {"reconnect": True})
    cases = [item for kind, data in sent if kind == "cases" for item in data]
    assert {item["reference"] for item in cases} == {wm}


def test_stream_endpoint_is_bounded_and_scoped(
    app: Flask, db_url: str, monkeypatch
) -> None:
    add_staff(db_url, "wendy", councils=("westminster",))
    theirs = add_case(db_url, "kc", council_id="kensington_chelsea")
    mine = add_case(db_url, "wm", council_id="westminster")
    client = app.test_client()
    login(client, "wendy")
    assert client.get(f"/staff/api/stream?case={theirs}").status_code == 404
    app.config["STREAM_SECONDS"] = 0.1
    monkeypatch.setattr(live, "_watchers", {})
    watcher = live.watcher_for(db_url)
    opened = client.get(f"/staff/api/stream?case={mine}", buffered=True)
    assert opened.status_code == 200 and opened.mimetype == "text/event-stream"
    first = [data for kind, data in events(opened.get_data(as_text=True)) if kind == "cases"]
    assert first[0][0]["viewers"] == ["wendy"]
    assert watcher.viewers(mine) == ()  # closing the stream ends the presence
    for _ in range(live.MAX_STREAMS):
        assert watcher.streams.acquire(blocking=False)
    refused = client.get("/staff/api/stream")
    assert refused.status_code == 503 and refused.headers["Retry-After"] == "60"


def test_a_burst_of_changes_never_hides_the_newest(db_url: str, monkeypatch) -> None:
    monkeypatch.setattr(live, "CHANGED_LIMIT", 2)
    watcher = Watcher(db_url)
    watcher._prime()
    made = [add_case(db_url, f"c{n}") for n in range(4)]
    first = [c.reference for c in watcher.poll_once() if c.event is None]
    assert first == made[-2:]  # the newest two, oldest of them first
    assert [c for c in watcher.poll_once() if c.event is None] == []  # not stuck re-reading
    newest = add_case(db_url, "c-new", "urgent")
    assert [c.reference for c in watcher.poll_once() if c.event is None] == [newest]
