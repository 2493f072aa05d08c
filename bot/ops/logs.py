"""Log output of the Rasa server, the action server and the console: readable lines by
default, one JSON object per line with LOG_FORMAT=json; and a start-up without warning floods.

Plain (default): `2026-11-26 10:00:00 INFO     bot.console  - console on ...` (the format
Rasa and rasa-sdk already use); Rasa's own structured events render as `event key=value`
lines instead of JSON when the output is not a terminal (under honcho, say).

JSON (`LOG_FORMAT=json`): every line is an object with `time` (UTC, ISO 8601), `level`,
`logger`, `process` (rasa, actions or console) and `message`, plus the fields Rasa's
structured events and `extra=` carry, and `exception` for a traceback. Every handler of the
process (root, Sanic's, a `--log-file`) gets the JSON formatter, and structlog's events (Rasa
logs through it) are rendered by it too, so a line is never JSON inside JSON. Personal data is
masked before any of this (bot.privacy.log_filter), in both formats.

Log levels: the root level is the framework's (rasa's `--debug`/`-v`, rasa-sdk's LOG_LEVEL); the
library loggers that only chatter at start-up are raised to WARNING in one table,
`QUIET_LOGGERS`, applied by `configure_logging` (not at DEBUG).

Quiet start-up (`quiet_startup()`, called first thing by each server's entry point):
TF_CPP_MIN_LOG_LEVEL=2 and SQLALCHEMY_SILENCE_UBER_WARNING=1 unless set (bot.config), and
DeprecationWarning / PendingDeprecationWarning ignored, which is what rasa's dependencies
(pkg_resources, pyparsing, click, sanic-cors, matplotlib, SQLAlchemy 2.0 moves) print by the
screenful. Sanic's import turns DeprecationWarnings back on ("once"), so `sanic=True` imports
it first. Warnings stay visible for anyone who asks: `PYTHONWARNINGS=default` (or `python -W`)
leaves Python's filters alone.
"""

from __future__ import annotations

import logging
import sys
import warnings
from collections.abc import MutableMapping
from datetime import datetime, timezone
from typing import Any, TextIO

import structlog
from structlog.stdlib import ProcessorFormatter

from bot.config import Settings, get_settings, quiet_library_environment

PLAIN_FORMAT = "%(asctime)s %(levelname)-8s %(name)s  - %(message)s"
PLAIN_DATE_FORMAT = "%Y-%m-%d %H:%M:%S"
NOISY_WARNINGS = (DeprecationWarning, PendingDeprecationWarning)
# Library loggers whose INFO lines are start-up chatter, not operations (one place for them).
# rasa-sdk logs one line per registered action (~17) and three "starting" lines; the action
# server logs its own one-line address instead (bot/action_server.py). waitress repeats the
# console's own "console on ..." line. Left alone when the process logs at DEBUG.
QUIET_LOGGERS: dict[str, int] = {
    "rasa_sdk.executor": logging.WARNING,
    "rasa_sdk.endpoint": logging.WARNING,
    "waitress": logging.WARNING,
}
_STANDARD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message", "asctime",
}


# --- quiet start-up ---------------------------------------------------------------------------


def silence_warnings() -> None:
    """Ignore deprecation warnings from here on, unless the operator asked for warnings.

    Filters alone do not hold: a later `filterwarnings("once", UserWarning)` (Rasa's CLI) goes
    in front of them and pyparsing's deprecation warnings are UserWarnings too. So the
    function that shows warnings also drops deprecations, whatever the filters say.
    """
    if sys.warnoptions:  # python -W ... or PYTHONWARNINGS: their choice wins
        return
    for category in NOISY_WARNINGS:
        warnings.filterwarnings("ignore", category=category)
    if not getattr(warnings.showwarning, "drops_deprecations", False):
        warnings.showwarning = _without_deprecations(warnings.showwarning)


def _without_deprecations(show: Any) -> Any:
    def showwarning(message: Any, category: type[Warning], *args: Any, **kwargs: Any) -> None:
        if not issubclass(category, NOISY_WARNINGS):
            show(message, category, *args, **kwargs)

    showwarning.drops_deprecations = True  # type: ignore[attr-defined]
    return showwarning


def quiet_startup(*, sanic: bool = False) -> None:
    """Before the heavy imports of a server process (see the module docstring)."""
    quiet_library_environment()
    if sanic:
        import sanic.app  # noqa: F401 - sets filterwarnings("once", DeprecationWarning)
    silence_warnings()


# --- JSON ---------------------------------------------------------------------------------------


def _common_fields(process: str) -> Any:
    def add(_logger: Any, _method: str, event: MutableMapping[str, Any]) -> Any:
        record = event.get("_record")
        created = record.created if record is not None else datetime.now(timezone.utc).timestamp()
        event["time"] = (datetime.fromtimestamp(created, timezone.utc)
                         .isoformat(timespec="milliseconds").replace("+00:00", "Z"))
        if record is not None:
            event.setdefault("logger", record.name)
        event["process"] = process
        return event

    return add


FIRST_KEYS = ("time", "level", "logger", "process", "message")


def _ordered(_logger: Any, _method: str, event: MutableMapping[str, Any]) -> Any:
    """time, level, logger, process, message first: what a person scans a line for."""
    first = {key: event[key] for key in FIRST_KEYS if key in event}
    return {**first, **{k: v for k, v in event.items() if k not in first}}


def _record_fields(_logger: Any, _method: str, event: MutableMapping[str, Any]) -> Any:
    """A standard-library record's `extra=` fields, and its redacted traceback if it has one
    (bot.privacy.log_filter puts the masked text in `exc_text`)."""
    record = event.get("_record")
    if record is None:
        return event
    for key, value in vars(record).items():
        if key not in _STANDARD_ATTRIBUTES and not key.startswith("_"):
            event.setdefault(key, value)
    if record.exc_text and "exc_info" in event:
        event.pop("exc_info")
        event["exception"] = record.exc_text
    return event


class JsonFormatter(ProcessorFormatter):
    """One JSON object per record, standard-library and structlog records alike."""

    def __init__(self, process: str) -> None:
        super().__init__(
            foreign_pre_chain=[structlog.stdlib.add_log_level, _record_fields],
            processors=[
                _common_fields(process),
                ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                structlog.processors.EventRenamer("message"),
                _ordered,
                structlog.processors.JSONRenderer(default=str),
            ],
        )
        self.process = process

    def format(self, record: logging.LogRecord) -> str:
        if getattr(record, "_logger", None) is not None and not isinstance(record.msg, dict):
            # A structlog event the redacting filter rewrote as text: format it as plain text.
            fields = {k: v for k, v in vars(record).items() if k not in ("_logger", "_name")}
            record = logging.makeLogRecord(fields)
        return super().format(record)


# --- applying a format --------------------------------------------------------------------------


def _handlers() -> list[logging.Handler]:
    loggers = [logging.getLogger()] + [
        logger for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    seen: dict[int, logging.Handler] = {}
    for logger in loggers:
        for handler in logger.handlers:
            seen.setdefault(id(handler), handler)
    return list(seen.values())


def _is_renderer(processor: Any) -> bool:
    return isinstance(processor, structlog.dev.ConsoleRenderer | structlog.processors.JSONRenderer)


def _set_structlog_renderer(json_lines: bool) -> None:
    """Rasa renders its structlog events itself (JSON when not on a terminal); hand them to the
    handlers' formatter (JSON) or render them as readable text (plain). Changed in place, as
    loggers bound already share the list (cache_logger_on_first_use)."""
    if not structlog.is_configured():
        return
    processors = structlog.get_config()["processors"]
    if not isinstance(processors, list) or not processors:
        return
    last = processors[-1]
    if json_lines:
        if last is ProcessorFormatter.wrap_for_formatter or not _is_renderer(last):
            return
        processors[-1] = ProcessorFormatter.wrap_for_formatter
        return
    if isinstance(last, structlog.processors.JSONRenderer) or (
        last is ProcessorFormatter.wrap_for_formatter
    ):
        if len(processors) > 1 and processors[-2] is structlog.processors.dict_tracebacks:
            processors.pop(-2)
        processors[-1] = structlog.dev.ConsoleRenderer(colors=False)


def quiet_library_loggers(levels: dict[str, int] | None = None) -> None:
    """Raise the chatty library loggers of QUIET_LOGGERS to their level, unless this process
    logs at DEBUG (someone is looking for detail: then every line stays)."""
    if logging.getLogger().getEffectiveLevel() <= logging.DEBUG:
        return
    for name, level in (QUIET_LOGGERS if levels is None else levels).items():
        logger = logging.getLogger(name)
        if logger.level < level:
            logger.setLevel(level)


def configure_logging(process: str, *, stream: TextIO | None = None,
                      settings: Settings | None = None) -> None:
    """Apply LOG_FORMAT to every handler of this process (idempotent; call again once a
    framework has added its own handlers). Adds a handler at INFO when there is none."""
    settings = settings or get_settings()
    json_lines = settings.log_format == "json"
    silence_warnings()
    root = logging.getLogger()
    if not root.handlers:
        root.addHandler(logging.StreamHandler(stream or sys.stderr))
        if root.level == logging.WARNING:  # Python's default, i.e. never configured
            root.setLevel(logging.INFO)
        if not json_lines:
            root.handlers[0].setFormatter(logging.Formatter(PLAIN_FORMAT, PLAIN_DATE_FORMAT))
    if json_lines:
        for handler in _handlers():
            formatter = handler.formatter
            if not (isinstance(formatter, JsonFormatter) and formatter.process == process):
                handler.setFormatter(JsonFormatter(process))
    _set_structlog_renderer(json_lines)
    quiet_library_loggers()
    from bot.privacy.log_filter import install_log_filter  # spaCy: after quiet_startup()

    install_log_filter()  # the redacting filter on every handler added since
