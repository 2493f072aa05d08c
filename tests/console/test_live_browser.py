"""Live queue (#16.3), collisions (#16.4) and inline replies (#16.6) in a real browser.

Two or three browser contexts (own cookies and storage each) against the console under
waitress, as two agents and a supervisor would use it. New cases are written straight to the
database, as the assistant's action server does; the console learns of them only through its
live stream. Every wait is on a condition, with the 5-second promise as the timeout.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from bot.db.engine import session_scope
from bot.services.cases import ensure_case
from tests.console.browser_support import axe_violations
from tests.console.conftest import add_case, add_staff
from tests.console.fake_rasa import FakeRasa
from tests.console.test_browser import browser, console, new_page, sign_in  # noqa: F401

pytestmark = pytest.mark.browser
ALERT_WITHIN_MS = 5_000


def open_queue(new_page: Callable[..., Any], console: str, username: str,  # noqa: F811
               **options: Any) -> Any:
    page = new_page(viewport={"width": 1280, "height": 900}, **options)
    sign_in(page, console, username)
    page.locator('#queue-table[data-live="1"]').wait_for()
    return page


def test_new_urgent_case_alerts_open_consoles_within_5_seconds(
    new_page: Callable[..., Any], console: str, db_url: str  # noqa: F811
) -> None:
    add_staff(db_url, "wendy", councils=("westminster",))
    add_staff(db_url, "boss", "supervisor")
    add_case(db_url, "old-1", "standard")
    agent = open_queue(new_page, console, "wendy", permissions=["notifications"])
    supervisor = open_queue(new_page, console, "boss", permissions=["notifications"])
    supervisor.get_by_role("button", name="Sound for new urgent cases: on").click()
    assert supervisor.get_by_role("button", name="Sound for new urgent cases: off"
                                  ).get_attribute("aria-pressed") == "true"

    started = time.monotonic()
    elsewhere = add_case(db_url, "new-kc", "urgent", council_id="kensington_chelsea",
                         category="urgent_help", service_id="social_care")
    with session_scope(db_url) as session:  # as the action server opens an urgent case
        urgent = ensure_case(
            session, "new-wm", "socketio", "urgent_help", priority="urgent",
            council_id="westminster", service_id="homelessness",
            issue="Evicted today, nowhere to sleep", urgent_category="homeless_tonight",
            submit=True,
        ).reference

    for page in (agent, supervisor):
        page.locator(f'tr.row--new[data-reference="{urgent}"]').wait_for(
            timeout=ALERT_WITHIN_MS)
    elapsed = time.monotonic() - started
    print(f"urgent-case alert seen in both consoles after {elapsed:.2f} s")
    assert elapsed < ALERT_WITHIN_MS / 1000, elapsed
    supervisor.locator(f'tr.row--new[data-reference="{elsewhere}"]').wait_for(
        timeout=ALERT_WITHIN_MS)

    # the agent works for Westminster only: one alert, and the other council's case unseen
    assert agent.title().startswith("(1 urgent) ")
    assert agent.locator(f'tr[data-reference="{elsewhere}"]').count() == 0
    assert "New urgent case: " + urgent in agent.locator("#live-status").inner_text()
    assert agent.locator(f'tr[data-reference="{urgent}"]').inner_text().count(
        "Homeless tonight") == 1
    agent_alerts = agent.evaluate("window.consoleAlerts")
    assert agent_alerts["sounds"] == 1 and agent_alerts["notifications"] == 1
    boss_alerts = supervisor.evaluate("window.consoleAlerts")
    assert boss_alerts["sounds"] == 0  # muted
    assert boss_alerts["notifications"] == 2
    assert supervisor.title().startswith("(2 urgent) ")

    # a click or key press on the page means it has been seen: the badge goes
    agent.locator("h1").click()
    assert not agent.title().startswith("(")
    problems = axe_violations(agent)
    assert problems == [], problems
    assert agent.errors == [] and supervisor.errors == []


def test_presence_takeover_confirmation_and_the_draft_kept(
    new_page: Callable[..., Any], console: str, db_url: str, fake_rasa: FakeRasa  # noqa: F811
) -> None:
    add_staff(db_url, "sam", name="Sam Taylor")
    add_staff(db_url, "kim", name="Kim Lee")
    reference = add_case(db_url, "conv-1", "high")
    fake_rasa.conversation("conv-1")
    case_url = f"{console}/staff/cases/{reference}"

    sam = new_page(viewport={"width": 1280, "height": 900})
    sign_in(sam, console, "sam")
    sam.goto(case_url)
    sam.get_by_role("button", name="Take case").click()
    sam.locator(".notice--success", has_text="assistant is paused").wait_for()
    sam.get_by_label("Message to the resident").fill("Half-written reply about your boiler")

    kim = new_page(viewport={"width": 1280, "height": 900})
    sign_in(kim, console, "kim")
    kim.goto(case_url)
    kim.locator("#presence", has_text="Also viewing this case now: sam").wait_for(
        timeout=ALERT_WITHIN_MS)
    sam.locator("#presence", has_text="Also viewing this case now: kim").wait_for(
        timeout=ALERT_WITHIN_MS)
    assert "sam is in this conversation" in kim.locator("#holder").inner_text()

    take_over = kim.get_by_role("button", name="Take over from sam")
    take_over.click()  # the confirmation box is required: the browser stops the form
    assert kim.evaluate("document.getElementById('confirm-takeover').validity.valueMissing")
    assert kim.url == case_url
    kim.get_by_label("I have checked with sam").check()
    take_over.click()
    kim.locator(".notice--success", has_text="You have the case").wait_for()

    sam.locator("#takeover-alert", has_text="kim has taken over this case from you").wait_for(
        timeout=ALERT_WITHIN_MS)
    assert sam.get_by_label("Message to the resident").is_disabled()
    sam.reload()
    sam.locator("#take-form", has_text="You have an unsent draft").wait_for()
    sam.get_by_label("I have checked with kim").check()
    sam.get_by_role("button", name="Take over from kim").click()
    box = sam.get_by_label("Message to the resident")
    box.wait_for()
    assert box.input_value() == "Half-written reply about your boiler"
    for page in (sam, kim):
        problems = axe_violations(page)
        assert problems == [], problems
    assert sam.errors == [] and kim.errors == []


def test_reply_inline_without_reload_and_a_refused_reply_keeps_its_text(
    new_page: Callable[..., Any], console: str, db_url: str, fake_rasa: FakeRasa  # noqa: F811
) -> None:
    add_staff(db_url, "sam")
    reference = add_case(db_url, "conv-1", "high")
    fake_rasa.conversation("conv-1")
    page = new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, console, "sam")
    page.goto(f"{console}/staff/cases/{reference}")
    page.get_by_role("button", name="Take case").click()
    page.locator(".notice--success", has_text="assistant is paused").wait_for()
    page.evaluate("window.__sameDocument = true")

    box = page.get_by_label("Message to the resident")
    box.fill("Hello, this is Sam from the council")
    page.get_by_role("button", name="Send message").click()
    page.locator("#reply-status", has_text="Message sent to the resident").wait_for()
    assert box.input_value() == ""
    assert page.evaluate("window.__sameDocument") is True  # no reload
    page.locator("#transcript", has_text="Hello, this is Sam from the council").wait_for(
        timeout=ALERT_WITHIN_MS)

    # the server refuses an over-long message (the box's own limit lifted to get it there)
    page.evaluate("document.getElementById('reply-message').removeAttribute('maxlength')")
    long_text = "Please ring the helpline. " * 45
    box.fill(long_text)
    page.get_by_role("button", name="Send message").click()
    page.locator("#reply-status", has_text="Your text is still in the box").wait_for()
    assert box.input_value() == long_text
    assert page.evaluate("window.__sameDocument") is True

    # a reload (or a crash of the tab's page) does not lose the draft either
    box.fill("A draft that must survive")
    page.reload()
    assert page.get_by_label("Message to the resident").input_value() == (
        "A draft that must survive")
    assert page.errors == []
