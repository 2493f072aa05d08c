"""The web-chat unsubscribe link: the confirmation on web chat carries it, the token is signed
and names one subscription only, the public page asks first (GET changes nothing) and the
CSRF-protected POST ends that one subscription; the same page in real chromium has no axe
violations."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from bot.db.engine import session_scope
from bot.db.models import Subscription
from bot.services import unsubscribe_link
from bot.services.advice_turns import affirm_turn
from bot.services.status_turns import inform_turn
from bot.services.subscriptions import subscribe
from bot.services.turn import TurnContext
from tests.console.browser_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    CSP_RECORDER,
    axe_violations,
    missing_prerequisites,
    running_console,
)

PHONE = "+447700900456"
KEY = "unsubscribe-test-key-0123456789abcdef"


@pytest.fixture(autouse=True)
def link_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONVERSATION_ID_KEY", KEY)
    monkeypatch.setenv("CONSOLE_URL", "https://help.example.gov.uk")


def two_subscriptions(db_url: str) -> tuple[str, int, int]:
    """(token of the bins subscription, its id, the libraries subscription's id)."""
    with session_scope(db_url) as session:
        bins = subscribe(session, "westminster", "waste", PHONE, "socketio")
        libraries = subscribe(session, "westminster", "libraries", PHONE, "socketio")
        return unsubscribe_link.token_for(bins), bins.id, libraries.id


def active(db_url: str) -> dict[int, bool]:
    with session_scope(db_url) as session:
        return dict(session.execute(select(Subscription.id, Subscription.active)).all())


# --- the token -----------------------------------------------------------------------------------


def test_the_token_is_signed_and_names_one_subscription(db_url: str) -> None:
    token, bins, libraries = two_subscriptions(db_url)
    ident, _, tag = token.partition(".")
    assert ident == str(bins) and len(tag) == 32 and PHONE[3:] not in token
    with session_scope(db_url) as session:
        assert unsubscribe_link.find(session, token).id == bins
        assert unsubscribe_link.find(session, f"{libraries}.{tag}") is None  # tag of another
        forged = tag[:-1] + ("A" if tag[-1] != "A" else "B")
        assert unsubscribe_link.find(session, f"{bins}.{forged}") is None
        for junk in ("", "1", "abc.def", f"{bins}.{tag}x", f"0.{tag}", "../etc/passwd"):
            assert unsubscribe_link.find(session, junk) is None


def test_another_key_makes_other_tokens(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    token, _bins, _ = two_subscriptions(db_url)
    monkeypatch.setenv("CONVERSATION_ID_KEY", "a-rotated-key-0123456789abcdefghij")
    with session_scope(db_url) as session:
        assert unsubscribe_link.find(session, token) is None


# --- the confirmation in conversation ------------------------------------------------------------


def test_web_chat_confirmation_has_the_link_and_sms_has_not(session) -> None:
    from bot.db.models import SmsConversation
    from bot.services.status import set_status

    set_status(session, "westminster", "waste", "disrupted", "test")
    offered = {"subscribe_offer": "westminster:waste", "pending": "subscribe_phone"}
    web = inform_turn(session, TurnContext(conversation_id="web-1", text="07700 900456",
                                           intent="inform", channel="socketio", slots=offered))
    text = web.messages[0].text
    match = re.search(r"https://help\.example\.gov\.uk/unsubscribe/(\S+)$", text)
    assert match, text
    assert unsubscribe_link.find(session, match.group(1)).phone == PHONE

    session.add(SmsConversation(conversation_id="sms-1", phone="+447700900123"))
    session.flush()
    sms = affirm_turn(session, TurnContext(conversation_id="sms-1", text="yes", intent="affirm",
                                           channel="twilio_sms",
                                           slots={"subscribe_offer": "westminster:waste"}))
    assert "one text" in sms.messages[0].text and "http" not in sms.messages[0].text


# --- the page ------------------------------------------------------------------------------------


def test_get_asks_and_changes_nothing(client: FlaskClient, db_url: str) -> None:
    token, bins, libraries = two_subscriptions(db_url)
    page = client.get(f"/unsubscribe/{token}")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Stop texts about Bins, recycling and bulky waste?" in body and "Westminster" in body
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["Referrer-Policy"] in ("same-origin", "no-referrer")
    assert active(db_url) == {bins: True, libraries: True}


def test_post_needs_the_csrf_token(client: FlaskClient, db_url: str) -> None:
    token, bins, libraries = two_subscriptions(db_url)
    refused = client.post(f"/unsubscribe/{token}", data={"csrf_token": "forged"})
    assert refused.status_code == 400
    assert active(db_url) == {bins: True, libraries: True}


def test_post_ends_that_one_subscription(client: FlaskClient, db_url: str) -> None:
    token, bins, libraries = two_subscriptions(db_url)
    form = client.get(f"/unsubscribe/{token}").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    done = client.post(f"/unsubscribe/{token}", data={"csrf_token": csrf})
    assert done.status_code == 200 and "Texts stopped" in done.get_data(as_text=True)
    assert active(db_url) == {bins: False, libraries: True}
    again = client.get(f"/unsubscribe/{token}").get_data(as_text=True)
    assert "No texts to stop" in again and 'method="post"' not in again


def test_a_bad_link_is_a_clear_404(client: FlaskClient, db_url: str) -> None:
    token, bins, libraries = two_subscriptions(db_url)
    page = client.get(f"/unsubscribe/{token[:-2]}zz")
    assert page.status_code == 404 and "This link does not work" in page.get_data(as_text=True)
    assert active(db_url) == {bins: True, libraries: True}


# --- in a real browser ---------------------------------------------------------------------------


@pytest.fixture()
def browser() -> Iterator[Any]:
    reason = missing_prerequisites()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.mark.browser
def test_in_a_browser_ask_confirm_done_without_axe_violations(
    browser: Any, db_url: str, tmp_path: Path,
) -> None:
    token, bins, libraries = two_subscriptions(db_url)
    env = {"DATABASE_URL": db_url, "CONVERSATION_ID_KEY": KEY, "RASA_URL": "http://127.0.0.1:9",
           "CONSOLE_INSECURE_COOKIES": "1", "CONSOLE_SECRET_KEY": "browser-test-secret"}
    with running_console(env, tmp_path / "console.log") as url:
        context = browser.new_context()
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.add_init_script(CSP_RECORDER)
        page.goto(f"{url}/unsubscribe/{token}")
        heading = page.locator("h1").inner_text()
        assert heading == "Stop texts about Bins, recycling and bulky waste?"
        assert axe_violations(page, serious_only=False) == []
        assert active(db_url) == {bins: True, libraries: True}
        page.get_by_role("button", name="Yes, stop these texts").click()
        page.wait_for_selector("h1:has-text('Texts stopped')")
        assert axe_violations(page, serious_only=False) == []
        assert page.evaluate("window.__cspViolations") == []
        assert active(db_url) == {bins: False, libraries: True}
        page.goto(f"{url}/unsubscribe/{token}x")
        assert page.locator("h1").inner_text() == "This link does not work"
        assert axe_violations(page, serious_only=False) == []
        context.close()
