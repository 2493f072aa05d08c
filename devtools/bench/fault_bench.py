"""Fault figures: what a resident experiences, and whether anything is lost, when parts fail.

Against the real single-machine stack (devtools.devstack: Rasa, action server, local fake Twilio
API, SQLite), one scenario at a time:
- Twilio's API down (503) for OUTAGE_S while a resident texts: how long after it is back the
  replies land, and how many texts were sent twice;
- the action server killed while a resident asks for a person: how long the holding reply
  takes, and whether the case lands exactly once when the action server is back;
- the app database (SQLite) write-locked for LOCK_S during an escalation: reply time, cases.
The tests (tests/fuzz/test_faults.py) assert the rules; this prints the figures.
"""

from __future__ import annotations

import sqlite3
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

import requests
from sqlalchemy import func, select

from bot.db.engine import session_scope
from bot.db.models import Case
from devtools.devstack import Servers, start_stack
from devtools.scaled.residents import outbox, phone_number, target_from_stack, text

OUTAGE_S = 10.0
LOCK_S = 3.0
QUESTION = "is the tip open in westminster"
ASK_FOR_PERSON = ("can i talk to a real person please", "w10 6el, 07700 900118 after 6pm")


def _wait(condition: Callable[[], bool], timeout: float) -> float | None:
    """Seconds until `condition` held, or None if it never did within `timeout`."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if condition():
            return time.monotonic() - started
        time.sleep(0.2)
    return None


def _cases(stack: Servers, conversation_id: str) -> int:
    with session_scope(stack.database_url) as session:
        return session.execute(select(func.count()).select_from(Case)
                               .where(Case.conversation_id == conversation_id)).scalar()


def _faults(stack: Servers, **faults: float) -> None:
    requests.post(f"{stack.twilio_url}/_fake/faults", json=faults, timeout=10)


def twilio_outage(stack: Servers) -> dict[str, Any]:
    target = target_from_stack(stack)
    reference = phone_number()
    text(target, reference, QUESTION)
    expected = _wait(lambda: len(outbox(target, reference)) > 0, 60)
    time.sleep(3)
    parts = len(outbox(target, reference))
    phone = phone_number()
    _faults(stack, fail_next=100_000, status=503)
    text(target, phone, QUESTION)
    time.sleep(OUTAGE_S)
    _faults(stack, fail_next=0)
    landed = _wait(lambda: len(outbox(target, phone)) >= parts, 120)
    time.sleep(5)
    bodies = [m["body"] for m in outbox(target, phone)]
    return {"outage_s": OUTAGE_S, "reply_parts": parts, "reference_reply_s": expected,
            "landed_after_back_s": landed,
            "delivered": len(bodies), "sent_twice": len(bodies) - len(set(bodies))}


def action_server_killed(stack: Servers) -> dict[str, Any]:
    sender = f"fault-{uuid.uuid4().hex[:10]}"
    stack.say_text(sender, ASK_FOR_PERSON[0])
    stack.stop("actions")
    started = time.monotonic()
    holding = stack.say_text(sender, ASK_FOR_PERSON[1])
    holding_s = time.monotonic() - started
    stack.start_action_server()
    landed = _wait(lambda: _cases(stack, sender) >= 1, 90)
    time.sleep(3)
    return {"holding_reply_s": holding_s, "holding_reply_mentions_999": "999" in holding,
            "case_landed_after_restart_s": landed, "cases": _cases(stack, sender)}


def database_locked(stack: Servers) -> dict[str, Any]:
    sender = f"fault-{uuid.uuid4().hex[:10]}"
    stack.say_text(sender, ASK_FOR_PERSON[0])
    path = stack.database_url.split("sqlite:///", 1)[-1]
    locked = threading.Event()

    def hold() -> None:
        connection = sqlite3.connect(path, timeout=30, isolation_level=None)
        try:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("UPDATE councils SET name = name")
            locked.set()
            time.sleep(LOCK_S)
            connection.execute("COMMIT")
        finally:
            connection.close()

    worker = threading.Thread(target=hold, daemon=True)
    worker.start()
    locked.wait(10)
    started = time.monotonic()
    reply = stack.say_text(sender, ASK_FOR_PERSON[1])
    reply_s = time.monotonic() - started
    worker.join(LOCK_S + 30)
    landed = _wait(lambda: _cases(stack, sender) >= 1, 60)
    time.sleep(2)
    return {"lock_s": LOCK_S, "reply_s": reply_s, "reply_empty": not reply.strip(),
            "case_landed_s": landed, "cases": _cases(stack, sender)}


def run() -> dict[str, Any]:
    stack = start_stack()
    try:
        return {"twilio_outage": twilio_outage(stack),
                "action_server_killed": action_server_killed(stack),
                "database_locked": database_locked(stack)}
    finally:
        stack.close(remove_files=True)


def _s(value: float | None) -> str:
    return "never" if value is None else f"{value:.1f} s"


def format_results(results: dict[str, Any]) -> str:
    outage = results["twilio_outage"]
    killed = results["action_server_killed"]
    locked = results["database_locked"]
    return "\n".join([
        f"Twilio API down {outage['outage_s']:.0f} s: {outage['delivered']}/"
        f"{outage['reply_parts']} reply parts delivered, "
        f"{_s(outage['landed_after_back_s'])} after it was back, "
        f"{outage['sent_twice']} sent twice",
        f"action server killed: holding reply in {killed['holding_reply_s']:.1f} s "
        f"(999 given: {killed['holding_reply_mentions_999']}); case landed "
        f"{_s(killed['case_landed_after_restart_s'])} after restart; cases {killed['cases']}",
        f"SQLite locked {locked['lock_s']:.0f} s during an escalation: reply in "
        f"{locked['reply_s']:.1f} s (empty: {locked['reply_empty']}); case landed in "
        f"{_s(locked['case_landed_s'])}; cases {locked['cases']}",
    ])


if __name__ == "__main__":
    print(format_results(run()))
