"""End to end with the real servers: resident web chat -> Rasa -> case -> staff console -> resident.

Skipped unless E2E_RASA_URL and E2E_CONSOLE_URL point at running servers (`make run` style:
Rasa with a trained model and the socketio channel, the action server, the console), sharing
the database in DATABASE_URL, which this test also uses to create its staff account with
`bot staff add --password-stdin`. Optional: E2E_RASA_TOKEN (else RASA_AUTH_TOKEN or
var/rasa_token) to check the tracker really is paused; E2E_STAFF_USER/E2E_STAFF_PASSWORD to
use an existing account. Needs a socketio channel whose session_request awaits
`enter_room` (python-socketio >= 5.10), or the bot's replies never reach the widget.

The conversation is driven by what the bot asks, not by fixed turn numbers, so wording changes
in the domain do not break it: each contact question is answered from a table of patterns.
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from bot.config import get_settings
from tests.console.browser_support import CHROMIUM, CHROMIUM_ARGS, PROJECT_ROOT

RASA_URL = os.environ.get("E2E_RASA_URL", "").rstrip("/")
CONSOLE_URL = os.environ.get("E2E_CONSOLE_URL", "").rstrip("/")
RASA_TOKEN = os.environ.get("E2E_RASA_TOKEN") or get_settings().rasa_auth_token
STAFF_REPLY = "Hello, this is Sam from the council"
REFERENCE = re.compile(r"\b[A-Z]{2}-[0-9A-Z]{4}-[0-9A-Z]{4}\b")
BOT = "#chat-log .msg--bot .msg__text"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.integration,
    pytest.mark.skipif(not (RASA_URL and CONSOLE_URL),
                       reason="set E2E_RASA_URL and E2E_CONSOLE_URL to run against live servers"),
]

# (pattern in the bot's question, answer to type, quick reply titles to prefer)
ANSWERS: list[tuple[re.Pattern[str], str, tuple[str, ...]]] = [
    (re.compile(r"phone number|e-?mail address|safe way|how (can|should) we (contact|reach)",
                re.I), "07700 900123", ()),
    (re.compile(r"is it safe|safe to (call|phone|ring|text)", re.I), "yes", ("yes",)),
    (re.compile(r"landline|mobile", re.I), "no", ("no", "mobile")),
    (re.compile(r"interpreter|language", re.I), "no", ("no", "english")),
    (re.compile(r"prefer", re.I), "phone", ("phone", "call")),
    (re.compile(r"post ?code", re.I), "SW1A 2AA", ()),
    (re.compile(r"\bname\b", re.I), "Sam Resident", ()),
    (re.compile(r"best time|\bwhen\b", re.I), "weekday mornings", ()),
    (re.compile(r"e-?mail", re.I), "sam.resident@example.com", ()),
    (re.compile(r"phone|number", re.I), "07700 900123", ()),
    (re.compile(r"correct|confirm|right\?|is that ok|shall i", re.I), "yes", ("yes", "confirm")),
    (re.compile(r"which council|your council", re.I), "Westminster", ("westminster",)),
    (re.compile(r"what.*(about|help)|describe|tell me more", re.I),
     "I cannot pay my council tax online and my direct debit failed", ()),
]


@pytest.fixture(scope="module")
def staff_account() -> Iterator[tuple[str, str]]:
    existing = os.environ.get("E2E_STAFF_USER"), os.environ.get("E2E_STAFF_PASSWORD")
    if existing[0] and existing[1]:
        yield existing[0], existing[1]
        return
    username = f"e2e-sam-{secrets.token_hex(3)}"
    password = secrets.token_urlsafe(18)
    bot = [sys.executable, "-m", "bot.cli.main", "staff"]
    subprocess.run([*bot, "add", username, "--role", "agent", "--name", "Sam (e2e)",
                    "--council", "westminster", "--password-stdin"],
                   input=password + "\n", text=True, check=True, cwd=PROJECT_ROOT)
    yield username, password
    subprocess.run([*bot, "disable", username], check=False, cwd=PROJECT_ROOT)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    requests.get(f"{RASA_URL}/", timeout=5).raise_for_status()
    requests.get(f"{CONSOLE_URL}/healthz", timeout=5).raise_for_status()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def settled_bot_count(page: Any, before: int, timeout: float = 30.0, quiet: float = 2.0) -> int:
    """Wait for at least one new bot message, then until no more arrive for `quiet` seconds."""
    # a locator wait, not wait_for_function: the page's CSP forbids eval, rightly
    page.locator(BOT).nth(before).wait_for(timeout=timeout * 1000)
    count = page.locator(BOT).count()
    while True:
        time.sleep(quiet)
        now = page.locator(BOT).count()
        if now == count:
            return count
        count = now


def say(page: Any, text: str) -> int:
    before = page.locator(BOT).count()
    page.get_by_label("Your message").fill(text)
    page.get_by_label("Your message").press("Enter")
    return settled_bot_count(page, before)


def answer_question(page: Any) -> int:
    """Answer the bot's latest question from ANSWERS, preferring a matching quick reply."""
    question = page.locator(BOT).last.inner_text()
    buttons = page.locator("#chat-log .quick-replies button")
    titles = [title.strip().lower() for title in buttons.all_inner_texts()]
    for pattern, typed, preferred in ANSWERS:
        if pattern.search(question):
            for wanted in preferred:
                for index, title in enumerate(titles):
                    if title.startswith(wanted):
                        before = page.locator(BOT).count()
                        buttons.nth(index).click()
                        return settled_bot_count(page, before)
            return say(page, typed)
    if titles:
        before = page.locator(BOT).count()
        buttons.first.click()
        return settled_bot_count(page, before)
    return say(page, "yes")


def bot_texts(page: Any) -> str:
    return "\n".join(page.locator(BOT).all_inner_texts())


def rasa_tracker(conversation_id: str) -> dict[str, Any] | None:
    if not RASA_TOKEN:
        return None
    response = requests.get(f"{RASA_URL}/conversations/{conversation_id}/tracker",
                            params={"token": RASA_TOKEN}, timeout=10)
    response.raise_for_status()
    return response.json()


def test_resident_escalates_and_staff_take_over(
    browser: Any, staff_account: tuple[str, str]
) -> None:
    resident = browser.new_context().new_page()
    resident.set_default_timeout(30_000)
    resident.goto(f"{CONSOLE_URL}/c/westminster")
    resident.locator("#chat-status", has_text="Connected").wait_for()
    session_id = resident.evaluate("sessionStorage.getItem('council-chat:westminster:session')")

    say(resident, "Is council tax working?")
    assert "council tax" in bot_texts(resident).lower()

    say(resident, "Can I speak to a person please?")
    reference = None
    for _turn in range(14):
        found = REFERENCE.search(bot_texts(resident))
        if found:
            reference = found.group(0)
            break
        answer_question(resident)
    assert reference, f"no case reference given; the bot said:\n{bot_texts(resident)}"

    username, password = staff_account
    staff = browser.new_context().new_page()
    staff.set_default_timeout(30_000)
    staff.goto(f"{CONSOLE_URL}/staff/login")
    staff.get_by_label("Username").fill(username)
    staff.get_by_label("Password").fill(password)
    staff.get_by_role("button", name="Sign in").click()
    staff.wait_for_url(f"{CONSOLE_URL}/staff")
    staff.get_by_role("link", name=reference).click()

    before = resident.locator(BOT).count()
    staff.get_by_role("button", name="Take case").click()
    staff.locator(".notice--success").wait_for()
    settled_bot_count(resident, before)  # "a person has joined"
    tracker = rasa_tracker(session_id)
    if tracker is not None:
        assert tracker["paused"] is True

    before = resident.locator(BOT).count()
    staff.get_by_label("Message to the resident").fill(STAFF_REPLY)
    staff.get_by_role("button", name="Send message").click()
    resident.locator(BOT, has_text=STAFF_REPLY).wait_for()

    before = resident.locator(BOT).count()
    resident.get_by_label("Your message").fill("Thanks Sam, the direct debit failed twice")
    resident.get_by_label("Your message").press("Enter")
    staff.locator("#transcript", has_text="the direct debit failed twice").wait_for(
        timeout=20_000)
    time.sleep(3)
    assert resident.locator(BOT).count() == before, "the bot answered while paused"

    staff.get_by_role("button", name="Hand back to the assistant").first.click()
    staff.locator(".notice--success").wait_for()
    settled_bot_count(resident, before)  # "the assistant is back"
    tracker = rasa_tracker(session_id)
    if tracker is not None:
        assert tracker["paused"] is False
    say(resident, "Is the library open?")  # the bot answers again
    resident.context.close()
    staff.context.close()
