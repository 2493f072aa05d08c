"""The whole story in a real browser against the real servers: resident web chat -> Rasa ->
case -> staff console (take, reply) -> the reply in the resident's widget -> hand back.

The story itself is tests/console/test_e2e_browser.py (runnable against `make run` too); here
it runs against this session's servers plus a console started for it.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from bot.config import PROJECT_ROOT

pytestmark = [pytest.mark.integration, pytest.mark.browser]


def test_resident_to_staff_and_back_in_chromium(servers) -> None:
    console_url = servers.start_console()
    env = {**servers.env, "E2E_RASA_URL": servers.rasa_url, "E2E_CONSOLE_URL": console_url,
           "E2E_RASA_TOKEN": servers.token}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "tests/console/test_e2e_browser.py"],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=600,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    assert " passed" in output and "skipped" not in output.split("\n")[-2], output[-2000:]
    servers.stop("console")
