"""The two web surfaces in a real browser: headless chromium against the console under waitress.

Rasa is the in-process fake (tests/console/fake_rasa.py), which speaks the same socket.io
events and HTTP API, so these tests check the widget, the console and the hand-over plumbing
without a trained model. axe-core checks accessibility with the page's CSP left on.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.console.browser_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    CSP_RECORDER,
    SCREENSHOTS,
    assert_focus_visible,
    axe_violations,
    missing_prerequisites,
    running_console,
    tab_until,
)
from tests.console.conftest import PASSWORD, add_case, add_staff
from tests.console.fake_rasa import FakeRasa

pytestmark = pytest.mark.browser

SESSION_KEY = "council-chat:westminster:session"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    reason = missing_prerequisites()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture()
def console(db_url: str, fake_rasa: FakeRasa, tmp_path: Path) -> Iterator[str]:
    env = {"DATABASE_URL": db_url, "RASA_URL": fake_rasa.url, "RASA_AUTH_TOKEN": "test-token",
           "CONSOLE_INSECURE_COOKIES": "1", "CONSOLE_SECRET_KEY": "browser-test-secret",
           "TRACKER_DB_URL": f"sqlite:///{tmp_path / 'tracker.db'}"}
    with running_console(env, tmp_path / "console.log") as url:
        yield url


@pytest.fixture()
def new_page(browser: Any, console: str) -> Iterator[Callable[..., Any]]:
    """Open a page in a fresh browser context (own storage); all closed when the test ends."""
    contexts: list[Any] = []

    def open_page(**options: Any) -> Any:
        context = browser.new_context(**options)
        contexts.append(context)
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.add_init_script(CSP_RECORDER)
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        return page

    yield open_page
    for context in contexts:
        context.close()


def csp_violations(page: Any) -> list[str]:
    return page.evaluate("window.__cspViolations")


def sign_in(page: Any, console: str, username: str) -> None:
    page.goto(f"{console}/staff")
    assert "/staff/login" in page.url
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: url.endswith(("/staff", "/staff/login/set-up")))
    if page.url.endswith("/set-up"):  # supervisors set up the second factor first (#15.6)
        from bot.console import totp

        secret = page.locator("#totp-secret").inner_text().replace(" ", "")
        page.get_by_label("6-digit code").fill(totp.code_at(secret))
        page.get_by_role("button", name="Turn on two-factor sign-in").click()
    page.wait_for_url(f"{console}/staff")


def wait_connected(page: Any) -> None:
    page.locator("#chat-status", has_text="Connected").wait_for()


def bot_messages(page: Any) -> Any:
    return page.locator("#chat-log .msg--bot .msg__text")


def test_chat_widget_keyboard_quick_replies_and_reload(
    new_page: Callable[..., Any], console: str, fake_rasa: FakeRasa
) -> None:
    page = new_page(viewport={"width": 1100, "height": 900})
    page.goto(f"{console}/c/westminster")
    wait_connected(page)

    # keyboard only: Tab to the message box; the focus ring must be visible
    assert_focus_visible(tab_until(page, "el.id === 'chat-input'"))
    page.keyboard.type("Is council tax working?")
    page.keyboard.press("Enter")
    bot_messages(page).first.wait_for()
    assert "Council tax in Westminster is disrupted" in bot_messages(page).first.inner_text()

    # the quick replies are buttons; reach one with Tab and press it with Enter
    ring = tab_until(page, "el.textContent.trim() === 'Speak to a person'")
    assert_focus_visible(ring)
    page.keyboard.press("Enter")
    page.locator("#chat-log .msg--user .msg__text", has_text="Speak to a person").wait_for()
    bot_messages(page).nth(1).wait_for()
    assert page.locator(".quick-replies").count() == 0
    assert [item["message"] for item in fake_rasa.received] == [
        "Is council tax working?", "/human_request"]  # the payload, not the title

    # the council travels in the message metadata under the key Rasa reads
    session_id = page.evaluate(f"sessionStorage.getItem('{SESSION_KEY}')")
    assert session_id.startswith("web-")  # issued by the server
    for item in fake_rasa.received:
        assert item["metadata"] == {"council": "westminster"}
        assert item["session_id"] == session_id

    page.locator("#chat-log").evaluate("el => el.scrollTop = el.scrollHeight")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "chat.png"), full_page=True)

    # a reload rejoins the same conversation and re-renders the history
    page.reload()
    wait_connected(page)
    assert fake_rasa.session_requests[-1] == session_id
    assert page.locator("#chat-log .msg").count() == 4

    problems = axe_violations(page)
    assert problems == [], problems
    assert csp_violations(page) == []
    assert page.errors == []


def test_chat_page_reflows_on_a_phone_and_at_400_percent(
    new_page: Callable[..., Any], console: str
) -> None:
    # 320 CSS px wide is a small phone, and also a 1280 px window zoomed to 400%.
    page = new_page(viewport={"width": 320, "height": 640}, device_scale_factor=2)
    page.goto(f"{console}/c/westminster")
    wait_connected(page)
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"horizontal scrolling needed: {width}"
    send = page.get_by_role("button", name="Send")
    box = send.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 320
    page.locator("#chat").screenshot(path=str(SCREENSHOTS / "chat-mobile.png"))
    assert axe_violations(page) == []


def test_console_pages_are_accessible(
    new_page: Callable[..., Any], console: str, db_url: str, fake_rasa: FakeRasa
) -> None:
    add_staff(db_url, "sam", "supervisor", "Sam Taylor")
    refs = [
        add_case(db_url, "conv-u", "urgent", category="urgent_help", service_id="homelessness",
                 issue="Being evicted today, nowhere to stay tonight", name="Alex",
                 phone="07700900001"),
        add_case(db_url, "conv-h", "high", council_id="kensington_chelsea",
                 service_id="benefits", issue="Housing benefit not paid this month"),
        add_case(db_url, "conv-b", "standard", breached=True, service_id="council_tax",
                 issue="Direct Debit taken twice"),
        add_case(db_url, "conv-s", "standard", council_id="hammersmith_fulham",
                 service_id="parking", issue="Paid for a permit through My Account"),
    ]
    now = time.time()
    fake_rasa.conversation("conv-u").events += [
        {"event": "user", "text": "We are being evicted today and have nowhere to stay tonight",
         "timestamp": now - 120},
        {"event": "bot", "text": "I'm sorry. This is urgent, so I'm passing it to a member of "
                                 "staff now. If you are in danger, call 999.",
         "timestamp": now - 118},
        {"event": "user", "text": "[name redacted], 07700 900 [redacted]", "timestamp": now - 60},
    ]
    page = new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{console}/staff/login")
    assert axe_violations(page) == []
    sign_in(page, console, "sam")
    rows = page.locator("#queue-table tbody tr th a")
    assert rows.all_inner_texts() == refs
    assert "BREACHED" in page.locator("#queue-table").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "console.png"), full_page=True)

    for path in ("/staff", f"/staff/cases/{refs[0]}", "/staff/admin/statuses",
                 "/staff/admin/incidents", "/staff/admin/staff", "/staff/admin/audit",
                 "/staff/admin/canned", "/staff?status=all&q=nobody", "/staff?priority=high",
                 "/staff/dashboard"):
        page.goto(f"{console}{path}")
        problems = axe_violations(page)
        assert problems == [], (path, problems)
        assert csp_violations(page) == [], path
    page.goto(f"{console}/staff/cases/{refs[0]}")
    page.screenshot(path=str(SCREENSHOTS / "case.png"), full_page=True)
    page.goto(f"{console}/staff/dashboard")
    page.screenshot(path=str(SCREENSHOTS / "dashboard.png"), full_page=True)
    assert page.errors == []


def test_staff_reply_reaches_the_widget_and_bot_waits(
    new_page: Callable[..., Any], console: str, db_url: str, fake_rasa: FakeRasa
) -> None:
    add_staff(db_url, "sam", "agent", "Sam Taylor")
    resident = new_page()
    resident.goto(f"{console}/c/westminster")
    wait_connected(resident)
    resident.get_by_label("Your message").fill("Is council tax working?")
    resident.get_by_label("Your message").press("Enter")
    bot_messages(resident).first.wait_for()
    session_id = resident.evaluate(f"sessionStorage.getItem('{SESSION_KEY}')")
    reference = add_case(db_url, session_id, "high", issue="Cannot pay council tax")

    staff = new_page()
    sign_in(staff, console, "sam")
    staff.get_by_role("link", name=reference).click()
    staff.get_by_role("button", name="Take case").click()
    staff.locator(".notice--success", has_text="assistant is paused").wait_for()
    resident.locator("#chat-log .msg--bot", has_text="member of staff has joined").wait_for()

    staff.get_by_label("Message to the resident").fill("Hello, this is Sam from the council")
    staff.get_by_role("button", name="Send message").click()
    resident.locator("#chat-log .msg--bot", has_text="Hello, this is Sam from the council"
                     ).wait_for()

    before = bot_messages(resident).count()
    resident.get_by_label("Your message").fill("Thank you, it is about my direct debit")
    resident.get_by_label("Your message").press("Enter")
    # the staff page picks the message up by itself (5 s poll) ...
    staff.locator("#transcript", has_text="it is about my direct debit").wait_for(
        timeout=12_000)
    # ... and the bot stayed quiet while paused
    assert bot_messages(resident).count() == before

    staff.get_by_role("button", name="Hand back to the assistant").first.click()
    resident.locator("#chat-log .msg--bot", has_text="assistant will answer").wait_for()
    resident.get_by_label("Your message").fill("hello again")
    resident.get_by_label("Your message").press("Enter")
    resident.locator("#chat-log .msg--bot", has_text="Ask me about any council service"
                     ).wait_for()
    assert resident.errors == [] and staff.errors == []
