"""Sign-in with a second factor in real Chromium (#15.6): every step accessible (axe-core, CSP
on), the code typed as a person would, sign-out ending the session."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from bot.console import totp
from tests.console.browser_support import axe_violations
from tests.console.conftest import PASSWORD, add_staff
from tests.console.test_browser import browser, console, csp_violations, new_page  # noqa: F401

pytestmark = pytest.mark.browser


def check_page(page: Any, label: str) -> None:
    problems = axe_violations(page)
    assert problems == [], (label, problems)
    assert csp_violations(page) == [], label


def password_step(page: Any, base: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/staff/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_supervisor_two_factor_sign_in_is_accessible(
    new_page: Callable[..., Any], console: str, db_url: str  # noqa: F811
) -> None:
    add_staff(db_url, "sam", "supervisor", "Sam Taylor")
    page = new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{console}/staff/login")
    check_page(page, "login")
    password_step(page, console, "sam", "not the password at all")
    page.locator("#login-error").wait_for()
    check_page(page, "login with error")

    password_step(page, console, "sam")
    page.wait_for_url(f"{console}/staff/login/set-up")
    check_page(page, "set-up")
    assert page.locator("#totp-uri").inner_text().startswith("otpauth://totp/")
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    page.get_by_label("6-digit code").fill("000000")
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    page.locator("#code-error").wait_for()
    check_page(page, "set-up with error")
    enrolled_step = totp.step_at()
    page.get_by_label("6-digit code").fill(totp.hotp(secret, enrolled_step))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    page.wait_for_url(f"{console}/staff")

    for path in ("/staff/account", "/staff/admin/two-factor"):
        page.goto(f"{console}{path}")
        check_page(page, path)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{console}/staff/login")
    page.goto(f"{console}/staff")
    assert "/staff/login" in page.url  # signed out

    password_step(page, console, "sam")
    page.wait_for_url(f"{console}/staff/login/code")
    check_page(page, "code")
    code = page.get_by_label("6-digit code")
    code.fill(totp.hotp(secret, enrolled_step))  # already used: refused
    page.get_by_role("button", name="Sign in").click()
    page.locator("#code-error").wait_for()
    check_page(page, "code with error")
    page.get_by_label("6-digit code").fill(totp.hotp(secret, max(totp.step_at(),
                                                                   enrolled_step + 1)))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{console}/staff")
    assert page.errors == []
