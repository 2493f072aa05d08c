"""Red team: the account page's "current password" box was a password oracle with no limit
(docs/security-review.md, RT-2).

Sign-in is throttled per account and address (bot/console/throttle.py), but /staff/account
checked the current password on every POST with no limit: anyone at a signed-in console (an
unattended desk, a borrowed session) could try 25 guesses in 12 s and learn the password,
which outlives the session. Now a wrong current password counts as a failed sign-in and the
same backoff applies. Against the real console (waitress, `python -m bot.console`).
"""

from __future__ import annotations

import re
from pathlib import Path

import requests

from bot.console.accounts import authenticate, create_staff
from bot.db.engine import session_scope
from tests.console.browser_support import running_console

PASSWORD = "correct horse battery staple"
NEW = "a different long passphrase 42"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _csrf(http: requests.Session, url: str) -> str:
    match = CSRF.search(http.get(url, timeout=30).text)
    assert match, url
    return match.group(1)


def _change(http: requests.Session, url: str, current: str) -> requests.Response:
    return http.post(f"{url}/staff/account", timeout=30, data={
        "csrf_token": _csrf(http, f"{url}/staff/account"), "current_password": current,
        "new_password": NEW, "confirm_password": NEW})


def test_wrong_current_passwords_are_throttled_like_sign_ins(db_url: str,
                                                             tmp_path: Path) -> None:
    with session_scope(db_url) as session:
        create_staff(session, "desk", PASSWORD, "agent", "Desk Agent")
    env = {"DATABASE_URL": db_url, "CONSOLE_SECRET_KEY": "throttle-test-secret-key",
           "CONSOLE_INSECURE_COOKIES": "1", "RASA_URL": "http://127.0.0.1:9"}
    with running_console(env, tmp_path / "console.log") as url:
        http = requests.Session()
        signed_in = http.post(f"{url}/staff/login", timeout=30, data={
            "csrf_token": _csrf(http, f"{url}/staff/login"), "username": "desk",
            "password": PASSWORD})
        assert signed_in.url.endswith("/staff"), signed_in.url
        codes = [_change(http, url, f"guess-{n}").status_code for n in range(5)]
        assert codes == [400] * 5
        # Now even the right password is refused until the backoff ends: no oracle.
        throttled = _change(http, url, PASSWORD)
        assert throttled.status_code == 429, throttled.status_code
        assert "Try again in" in throttled.text
        with session_scope(db_url) as session:  # the password did not change
            assert authenticate(session, "desk", PASSWORD).identity is not None
