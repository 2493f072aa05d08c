"""Red team: one account could hold every live stream (docs/security-review.md, RT-4).

The console serves at most MAX_STREAMS server-sent-event streams (each holds a waitress
thread). One signed-in agent opened all 24 and every colleague's queue and case pages got
503 and fell back to polling. Now each member of staff holds at most PER_USER_STREAMS; a
colleague still gets a stream, and a closed stream is given back. Real console (waitress).
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import requests

from bot.console.accounts import create_staff
from bot.console.views.live import PER_USER_STREAMS
from bot.db.engine import session_scope
from tests.console.browser_support import running_console

PASSWORD = "correct horse battery staple"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _signed_in(url: str, username: str) -> requests.Session:
    http = requests.Session()
    page = http.get(f"{url}/staff/login", timeout=30).text
    match = CSRF.search(page)
    assert match
    done = http.post(f"{url}/staff/login", timeout=30, data={
        "csrf_token": match.group(1), "username": username, "password": PASSWORD})
    assert done.url.endswith("/staff"), done.url
    return http


def _stream(http: requests.Session, url: str) -> requests.Response:
    return http.get(f"{url}/staff/api/stream", stream=True, timeout=30)


def test_one_account_cannot_take_every_live_stream(db_url: str, tmp_path: Path) -> None:
    with session_scope(db_url) as session:
        create_staff(session, "greedy", PASSWORD, "agent", "Greedy Agent")
        create_staff(session, "colleague", PASSWORD, "agent", "Colleague Agent")
    env = {"DATABASE_URL": db_url, "CONSOLE_SECRET_KEY": "stream-test-secret-key",
           "CONSOLE_INSECURE_COOKIES": "1", "RASA_URL": "http://127.0.0.1:9"}
    with running_console(env, tmp_path / "console.log") as url:
        greedy, colleague = _signed_in(url, "greedy"), _signed_in(url, "colleague")
        held = [_stream(greedy, url) for _ in range(PER_USER_STREAMS)]
        try:
            assert [r.status_code for r in held] == [200] * PER_USER_STREAMS
            extra = _stream(greedy, url)
            assert extra.status_code == 503 and extra.headers["Retry-After"] == "60"
            extra.close()
            theirs = _stream(colleague, url)
            assert theirs.status_code == 200
            theirs.close()
            held.pop().close()  # given back once the server notices (next heartbeat, ~10 s)
            deadline, again = time.monotonic() + 45, None
            while time.monotonic() < deadline:
                again = _stream(greedy, url)
                if again.status_code == 200:
                    break
                again.close()
                time.sleep(1)
            assert again is not None and again.status_code == 200
            held.append(again)
        finally:
            for response in held:
                response.close()
