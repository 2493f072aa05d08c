"""The resident chat as a resident uses it, in headless chromium: quick exit and the phone layout.

Rasa is the in-process fake (tests/console/fake_rasa.py); replies the fake cannot script
(a three-part urgent answer, staff messages) are pushed into the resident's socket.io room
exactly as Rasa's socketio channel emits them: one `bot_uttered` per paragraph.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.console.browser_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    CSP_RECORDER,
    PROJECT_ROOT,
    SCREENSHOTS,
    assert_focus_visible,
    axe_violations,
    focus_ring,
    missing_prerequisites,
    running_console,
)
from tests.console.fake_rasa import FakeRasa

pytestmark = pytest.mark.browser

EXIT_URL = "https://www.bbc.co.uk/weather"
SESSION_KEY = "council-chat:westminster:session"
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3,
         "is_mobile": True, "has_touch": True}
URGENT_PARTS = [
    "I'm sorry you're going through this. If you or anyone else is in danger now, call 999.",
    "You can talk to the National Domestic Abuse Helpline free at any time on 0808 2000 247, "
    "or Samaritans on 116 123. Your reference is WM-TEST-0001.",
    "I've passed this to council staff as urgent. Our incident helpline is 020 7946 0100 and "
    "the housing team is on 0300 123 2040, 9am to 5pm. Rent arrears over £1,000 can wait: "
    "<b>nothing</b> will be taken today.",
]
EXPECTED_TEL = ["tel:999", "tel:08082000247", "tel:116123", "tel:02079460100",
                "tel:03001232040"]


def domain_text(name: str) -> str:
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    return domain["responses"][name][0]["text"]


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
           "CONSOLE_INSECURE_COOKIES": "1", "CONSOLE_SECRET_KEY": "browser-test-secret"}
    with running_console(env, tmp_path / "console.log") as url:
        yield url


@pytest.fixture()
def new_page(browser: Any, console: str) -> Iterator[Callable[..., Any]]:
    """A page in a fresh context; the neutral exit site is served locally (no network)."""
    contexts: list[Any] = []

    def open_page(**options: Any) -> Any:
        context = browser.new_context(**options)
        contexts.append(context)
        context.set_default_timeout(15_000)
        context.route("https://www.bbc.co.uk/**", lambda route: route.fulfill(
            status=200, content_type="text/html",
            body="<!doctype html><title>Weather</title><h1>Weather</h1>"))
        page = context.new_page()
        page.add_init_script(CSP_RECORDER)
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        return page

    yield open_page
    for context in contexts:
        context.close()


def rasa_says(fake_rasa: FakeRasa, session_id: str, *messages: dict[str, Any]) -> None:
    """Emit bot_uttered events into the resident's room, as Rasa's socketio channel does."""
    for message in messages:
        asyncio.run_coroutine_threadsafe(
            fake_rasa.sio.emit("bot_uttered", message, room=session_id), fake_rasa.loop
        ).result(5)


def open_chat_from_index(page: Any, console: str) -> None:
    """Index page first, then the chat: so history holds an entry before the chat."""
    page.goto(f"{console}/")
    page.get_by_role("link", name="Westminster City Council").click()
    page.wait_for_url(f"{console}/c/westminster")
    page.locator("#chat-status", has_text="Connected").wait_for()


def say(page: Any, text: str) -> None:
    before = page.locator("#chat-log .msg--bot").count()
    page.get_by_label("Your message").fill(text)
    page.get_by_label("Your message").press("Enter")
    page.locator("#chat-log .msg--bot").nth(before).wait_for()


def chat_keys(page: Any) -> dict[str, list[str]]:
    return page.evaluate("""() => {
        const keys = store => Object.keys(store).filter(k => k.startsWith('council-chat'));
        return {local: keys(localStorage), session: keys(sessionStorage)};
    }""")


def assert_left_without_trace(page: Any, console: str, history_before: int) -> None:
    page.wait_for_url(f"{EXIT_URL}**")
    # replace, not assign: no new history entry, and Back skips the chat
    assert page.evaluate("history.length") == history_before
    page.go_back()
    page.wait_for_url(f"{console}/")
    assert "/c/" not in page.url
    assert chat_keys(page) == {"local": [], "session": []}
    assert page.evaluate("localStorage.getItem('unrelated')") == "kept"


def test_quick_exit_is_first_by_keyboard_and_leaves_no_trace(
    new_page: Callable[..., Any], console: str, fake_rasa: FakeRasa
) -> None:
    page = new_page(viewport={"width": 1100, "height": 900})
    open_chat_from_index(page, console)
    say(page, "Is council tax working?")
    page.evaluate("""() => {
        sessionStorage.setItem('council-chat:westminster:draft', 'x');
        localStorage.setItem('unrelated', 'kept');
    }""")
    assert chat_keys(page)["session"] and not chat_keys(page)["local"]

    control = page.get_by_role("link", name="Leave this site")
    assert control.is_visible()
    assert control.get_attribute("href") == EXIT_URL
    described = page.evaluate(
        "document.getElementById(document.getElementById('quick-exit-link')"
        ".getAttribute('aria-describedby')).textContent")
    assert "Escape twice" in described
    # fixed: still on screen after scrolling to the bottom of the page
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    box = control.bounding_box()
    assert box is not None and 0 <= box["y"] and box["y"] + box["height"] <= 900
    assert box["height"] >= 44 and box["width"] >= 44
    assert axe_violations(page) == []

    # first in the tab order, before the skip link (a reload adds no history entry)
    page.reload()
    page.locator("#chat-status", has_text="Connected").wait_for()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "quick-exit-link"
    assert_focus_visible(focus_ring(page))
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"

    history_before = page.evaluate("history.length")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    assert_left_without_trace(page, console, history_before)
    assert page.errors == []


def test_escape_twice_leaves_quickly(
    new_page: Callable[..., Any], console: str, fake_rasa: FakeRasa
) -> None:
    page = new_page(**PHONE)
    open_chat_from_index(page, console)
    say(page, "hello")
    page.evaluate("localStorage.setItem('unrelated', 'kept')")
    history_before = page.evaluate("history.length")

    # one Escape (e.g. closing something) does nothing
    page.get_by_label("Your message").press("Escape")
    page.keyboard.press("a")
    page.wait_for_timeout(200)
    assert page.url.endswith("/c/westminster")

    page.get_by_label("Your message").press("Escape")
    page.get_by_label("Your message").press("Escape")
    assert_left_without_trace(page, console, history_before)
    assert page.errors == []


def test_phone_layout_follows_replies_and_links_numbers(
    new_page: Callable[..., Any], console: str, fake_rasa: FakeRasa
) -> None:
    page = new_page(**PHONE)
    page.goto(f"{console}/c/westminster")
    page.locator("#chat-status", has_text="Connected").wait_for()

    # emergency help is above the chat, with tap-to-call
    emergency = page.locator("#emergency-line")
    assert emergency.is_visible()
    assert "Get help now" in emergency.inner_text() and "999" in emergency.inner_text()
    line, chat = emergency.bounding_box(), page.locator("#chat").bounding_box()
    assert line is not None and chat is not None
    assert line["y"] + line["height"] <= min(chat["y"], 844)  # on the first screen
    assert emergency.locator("a[href='tel:999']").count() == 1

    # 44 px touch targets before the conversation starts ...
    targets = ["#quick-exit-link", "#chat-input", "#chat-send", "#chat-reset",
               "#chat-suggestions button", "#emergency-line a"]
    for selector in targets:
        for box in [item.bounding_box() for item in page.locator(selector).all()]:
            assert box is not None and box["height"] >= 44 and box["width"] >= 44, selector

    # ... and the quick replies
    say(page, "Is council tax working?")
    buttons = page.locator("#chat-log .quick-replies button")
    assert buttons.count() == 2
    for box in [item.bounding_box() for item in buttons.all()]:
        assert box is not None and box["height"] >= 44 and box["width"] >= 44
    for number in range(5):
        say(page, f"question {number}")

    # the bot is slow (paused here): the typing indicator shows while a reply is awaited
    session_id = page.evaluate(f"sessionStorage.getItem('{SESSION_KEY}')")
    fake_rasa.conversation(session_id).paused = True
    page.get_by_label("Your message").fill("We are being evicted today")
    page.get_by_label("Your message").press("Enter")
    page.locator("#chat-typing").wait_for(state="visible")
    assert "replying" in page.locator("#chat-typing").inner_text()

    # a three-part reply, as Rasa's socketio channel splits one response on blank lines
    rasa_says(fake_rasa, session_id, *({"text": part} for part in URGENT_PARTS))
    page.locator("#chat-log .msg--bot", has_text="housing team").wait_for()
    page.locator("#chat-typing").wait_for(state="hidden")
    page.wait_for_timeout(100)

    newest = page.locator("#chat-log .msg").last
    assert "housing team" in newest.inner_text()
    box = newest.bounding_box()
    exit_box = page.locator("#quick-exit").bounding_box()
    log_box = page.locator("#chat-log").bounding_box()
    assert box is not None and exit_box is not None and log_box is not None
    # within the screen (below the fixed exit button) and within the log's visible area
    assert box["y"] >= exit_box["y"] + exit_box["height"] - 1, (box, exit_box)
    assert box["y"] + box["height"] <= 844, box
    assert log_box["y"] - 1 <= box["y"] and box["y"] + box["height"] <= log_box["y"] + log_box[
        "height"] + 1
    # the message box is on screen too
    input_box = page.locator("#chat-input").bounding_box()
    assert input_box is not None and input_box["y"] + input_box["height"] <= 844

    # every number is a tel: link; text stays text
    links = page.locator("#chat-log .msg--bot .msg__text a")
    assert links.evaluate_all("els => els.map(a => a.getAttribute('href'))")[-5:] == EXPECTED_TEL
    assert links.all_inner_texts()[-5:] == ["999", "0808 2000 247", "116 123", "020 7946 0100",
                                            "0300 123 2040"]
    assert page.locator("#chat-log b").count() == 0
    assert "<b>nothing</b>" in newest.inner_text()
    assert newest.locator("a", has_text=re.compile("1,000|TEST|9am")).count() == 0

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "chat-phone.png"))  # what the resident sees

    # the on-screen keyboard takes the bottom 344 px: the log shrinks (visualViewport) and
    # the message box stays above the keyboard, with the newest message still in view
    page.get_by_label("Your message").focus()
    page.set_viewport_size({"width": 390, "height": 500})
    page.wait_for_timeout(500)
    input_box = page.locator("#chat-input").bounding_box()
    assert input_box is not None and 0 <= input_box["y"]
    assert input_box["y"] + input_box["height"] <= 500, input_box
    log_box = page.locator("#chat-log").bounding_box()
    assert log_box is not None and log_box["height"] <= 500 - 200, log_box
    rasa_says(fake_rasa, session_id, {"text": "One more thing: keep your rent receipts."})
    newest = page.locator("#chat-log .msg", has_text="rent receipts")
    newest.wait_for()
    page.wait_for_timeout(100)
    box = newest.bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 500, box
    page.set_viewport_size({"width": 390, "height": 844})
    problems = axe_violations(page)
    assert problems == [], problems
    assert page.evaluate("window.__cspViolations") == []
    assert page.errors == []


def test_emergency_line_is_only_above_the_chat_on_small_screens(
    new_page: Callable[..., Any], console: str
) -> None:
    page = new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{console}/c/westminster")
    assert not page.locator("#emergency-line").is_visible()
    help_box = page.locator(".help-box")
    assert help_box.locator("a[href='tel:999']").count() == 1
    assert help_box.locator("a[href^='tel:0']").count() >= 1
    for link in help_box.locator("a[href^='tel:0']").all():  # the council's own numbers
        assert link.get_attribute("href") == "tel:" + link.inner_text().replace(" ", "")
    for box in [link.bounding_box() for link in help_box.locator("a[href^='tel:']").all()]:
        assert box is not None and box["height"] >= 44 and box["width"] >= 44, box


def test_staff_messages_are_labelled_council_officer(
    new_page: Callable[..., Any], console: str, fake_rasa: FakeRasa
) -> None:
    page = new_page(**PHONE)
    page.goto(f"{console}/c/westminster")
    page.locator("#chat-status", has_text="Connected").wait_for()
    say(page, "hello")
    session_id = page.evaluate(f"sessionStorage.getItem('{SESSION_KEY}')")
    fake_rasa.conversation(session_id).paused = True

    # today's Rasa sends the domain's texts only: staff are known by the join/leave notices
    rasa_says(fake_rasa, session_id,
              {"text": domain_text("utter_staff_joined")},
              {"text": "Hello, I'm looking at your council tax now. Call me on 020 7946 0100."})
    staff = page.locator("#chat-log .msg--staff")
    staff.first.wait_for()
    assert staff.count() == 1
    assert staff.first.locator(".msg__who").inner_text() == "Council officer"
    assert staff.first.locator("a[href='tel:02079460100']").count() == 1
    joined = page.locator("#chat-log .msg", has_text="has joined")
    assert joined.locator(".msg__who").inner_text() == "Council assistant"

    # waiting for a person: no "assistant is replying" indicator
    page.get_by_label("Your message").fill("Thanks")
    page.get_by_label("Your message").press("Enter")
    page.wait_for_timeout(200)
    assert not page.locator("#chat-typing").is_visible()

    # a message that carries the officer's name shows the first name
    rasa_says(fake_rasa, session_id, {"text": "The Direct Debit will be refunded.",
                                      "metadata": {"sender": "staff",
                                                   "staff_name": "Sam Taylor"}})
    staff.nth(1).wait_for()
    assert staff.nth(1).locator(".msg__who").inner_text() == "Council officer Sam"

    # labels survive a reload (kept with the history on this device)
    page.reload()
    page.locator("#chat-status", has_text="Connected").wait_for()
    assert [who.inner_text() for who in staff.locator(".msg__who").all()] == [
        "Council officer", "Council officer Sam"]

    rasa_says(fake_rasa, session_id, {"text": domain_text("utter_staff_left")},
              {"text": "Parking permits can be bought at the library."})
    page.locator("#chat-log .msg", has_text="Parking permits").wait_for()
    assert page.locator("#chat-log .msg").last.locator(".msg__who").inner_text() == (
        "Council assistant")
    assert staff.count() == 2
    assert axe_violations(page) == []
    assert page.errors == []


def test_chat_is_kept_per_tab_expires_when_idle_and_ending_it_ends_it_on_the_server(
    new_page: Callable[..., Any], console: str, fake_rasa: FakeRasa
) -> None:
    """Shared computers (issue #15): nothing in localStorage, another tab starts afresh, 30
    idle minutes forget the chat, and "Clear this conversation" ends it on the server."""
    page = new_page()
    page.goto(f"{console}/c/westminster")
    page.locator("#chat-status", has_text="Connected").wait_for()
    say(page, "hello")
    first = page.evaluate(f"sessionStorage.getItem('{SESSION_KEY}')")
    assert first.startswith("web-")  # issued by the server
    assert chat_keys(page)["local"] == [] and chat_keys(page)["session"]

    other = page.context.new_page()  # same browser profile, another tab
    other.goto(f"{console}/c/westminster")
    other.locator("#chat-status", has_text="Connected").wait_for()
    assert other.locator("#chat-log .msg").count() == 0
    assert other.evaluate(f"sessionStorage.getItem('{SESSION_KEY}')") not in (None, first)
    other.close()

    page.evaluate("sessionStorage.setItem('council-chat:westminster:active', "
                  "String(Date.now() - 31 * 60 * 1000))")  # last used 31 minutes ago
    page.reload()
    page.locator("#chat-status", has_text="Connected").wait_for()
    assert page.locator("#chat-log .msg").count() == 0
    second = page.evaluate(f"sessionStorage.getItem('{SESSION_KEY}')")
    assert second not in (None, first) and fake_rasa.session_requests[-1] == second

    say(page, "hello again")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#chat-reset").click()
    page.wait_for_function(
        f"() => (sessionStorage.getItem('{SESSION_KEY}') || '') !== '{second}'"
        f" && (sessionStorage.getItem('{SESSION_KEY}') || '').startsWith('web-')")
    assert fake_rasa.session_ends == [second]
    assert page.errors == []


def test_only_this_sites_unsubscribe_links_become_links(
    new_page: Callable[..., Any], console: str, fake_rasa: FakeRasa
) -> None:
    page = new_page()
    page.goto(f"{console}/c/westminster")
    page.locator("#chat-status", has_text="Connected").wait_for()
    say(page, "hello")
    session_id = page.evaluate(f"sessionStorage.getItem('{SESSION_KEY}')")
    own = f"{console}/unsubscribe/AbC_12-x.y"
    foreign = "https://evil.example/unsubscribe/AbC12"
    rasa_says(fake_rasa, session_id,
              {"text": f"Done. To stop these texts: {own}. Or call 020 7946 0100."},
              {"text": f"Not ours: {foreign}"})
    page.locator("#chat-log .msg", has_text="Not ours").wait_for()
    links = page.locator("#chat-log a.msg__link")
    assert links.count() == 1
    assert links.first.get_attribute("href") == own  # the full stop after it is not part of it
    assert page.locator("#chat-log a[href^='tel:']", has_text="020 7946 0100").count() == 1
    assert page.locator(f"#chat-log a[href='{foreign}']").count() == 0
