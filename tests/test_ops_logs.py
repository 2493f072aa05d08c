"""Log lines: JSON objects with LOG_FORMAT=json (standard-library and Rasa's structlog records
alike), readable lines by default, personal data masked in both; deprecation warnings silenced
at start-up unless PYTHONWARNINGS asks for them. Each case runs in a fresh Python process, as
a server starts, so this process's logging is left alone."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from bot.config import PROJECT_ROOT

# Configured like `rasa run` configures logging (rasa's own structlog set-up), then ours.
SCRIPT = """
import logging, warnings
from bot.ops.logs import configure_logging, quiet_startup
quiet_startup(sanic=True)
warnings.warn("an old API", DeprecationWarning)
import structlog
from rasa.utils.log_utils import configure_structlog
logging.basicConfig(level=logging.INFO)
configure_structlog(logging.INFO)
configure_logging("rasa")
log = logging.getLogger("bot.example")
log.info("hello %s", "world", extra={"case_count": 3})
structlog.get_logger().info("rasa.example.event", intent="greet")
log.info("call me on 07700 900123 please")
try:
    1 / 0
except ZeroDivisionError:
    log.exception("it failed")
warnings.warn("deprecated at run time", DeprecationWarning)
"""


def run_script(**env: str) -> list[str]:
    environment = {k: v for k, v in os.environ.items()
                   if k not in ("LOG_FORMAT", "PYTHONWARNINGS")}
    environment.update(env)
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=PROJECT_ROOT, env=environment,
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-3000:]
    return [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]


@pytest.fixture(scope="module")
def json_lines() -> list[str]:
    return run_script(LOG_FORMAT="json")


def test_every_line_is_a_json_object_of_one_shape(json_lines: list[str]) -> None:
    records = [json.loads(line) for line in json_lines]  # raises on any other line
    assert len(records) == 4
    for record in records:
        assert list(record)[:5] == ["time", "level", "logger", "process", "message"]
        assert record["process"] == "rasa"
        assert record["time"].endswith("Z") and "T" in record["time"]
    hello, event, phone, failure = records
    assert hello == {**hello, "level": "info", "logger": "bot.example",
                     "message": "hello world", "case_count": 3}
    assert event["message"] == "rasa.example.event" and event["intent"] == "greet"
    assert event["level"] == "info"
    assert "07700 900123" not in phone["message"] and "call me on" in phone["message"]
    assert failure["level"] == "error" and "ZeroDivisionError" in failure["exception"]


def test_no_warning_flood(json_lines: list[str]) -> None:
    assert not any("DeprecationWarning" in line for line in json_lines)


def test_plain_lines_by_default() -> None:
    lines = run_script()
    assert not any(line.startswith("{") for line in lines), lines
    assert any(line.endswith("hello world") and "INFO" in line for line in lines), lines
    assert any("rasa.example.event" in line and "intent=greet" in line for line in lines), lines
    assert not any("07700 900123" in line for line in lines)
    assert not any("DeprecationWarning" in line for line in lines)


def test_pythonwarnings_brings_the_warnings_back() -> None:
    lines = run_script(PYTHONWARNINGS="default")
    assert any("DeprecationWarning: an old API" in line for line in lines), lines


def test_chatty_library_loggers_are_quietened_in_one_place() -> None:
    import logging

    from bot.ops.logs import QUIET_LOGGERS, quiet_library_loggers

    assert "rasa_sdk.executor" in QUIET_LOGGERS
    root, chatty = logging.getLogger(), logging.getLogger("ops.test.chatty")
    before = root.level
    try:
        root.setLevel(logging.DEBUG)
        quiet_library_loggers({"ops.test.chatty": logging.WARNING})
        assert chatty.level == logging.NOTSET  # someone asked for DEBUG: every line stays
        root.setLevel(logging.INFO)
        quiet_library_loggers({"ops.test.chatty": logging.WARNING})
        assert not chatty.isEnabledFor(logging.INFO) and chatty.isEnabledFor(logging.WARNING)
    finally:
        root.setLevel(before)
        chatty.setLevel(logging.NOTSET)
