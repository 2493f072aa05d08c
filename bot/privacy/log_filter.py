"""Redact personal data from every log record the process writes.

Why: Rasa logs each user message at DEBUG (`processor.message.parse ... parse_data_text=...`,
the successor of "Received user message '...'"), slot values and events; sanic and rasa_sdk log
payloads on errors; and our own code may log a number by mistake. Logs are copied, shipped and
kept longer than anything else, so they must never hold what residents typed.

How - three layers, because a filter attached to a logger does not see records that child
loggers propagate to its handlers, and handlers are often added after start-up:
1. a LogRecordFactory wrapper redacts every record when it is created, whichever logger,
   handler or level. Rasa configures structlog to render through stdlib logging, so its
   structured DEBUG lines become records and are covered here too.
2. `RedactingFilter` on every handler that exists at install time (root, rasa, sanic, rasa_sdk,
   bot, ... and any other configured logger), for records built without the factory
   (`logging.makeLogRecord`, a factory someone installs after ours).
3. a structlog processor at the front of the configured chain, for structlog set up to print
   directly instead of through stdlib logging.
A record is redacted once per message (a marker attribute). The message is formatted eagerly, and
rewritten (msg = redacted text, args = None) only when the redactor's pre-check sees something
that could be personal data; exception text and string `extra=` fields are redacted the same
way.

Install with `install_log_filter()` (idempotent) as early as possible in each process: importing
`bot.privacy.tracker_store` does it for the Rasa server.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, MutableMapping
from typing import Any

from bot.privacy.redactor import get_pipeline, might_contain_pii, redact

LOGGER_NAMES = (
    "rasa", "rasa_sdk", "sanic", "sanic.root", "sanic.error", "sanic.access", "bot", "actions",
    "uvicorn", "uvicorn.error", "uvicorn.access", "apscheduler", "py.warnings",
)
_MARK = "_pii_redacted"
# Attributes every record has; anything else was passed as `extra=` (sanic's access log puts
# the request line there) and is redacted too when it is a string.
_STANDARD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message", "asctime", _MARK,
}
_guard = threading.local()
_install_lock = threading.Lock()


def _redacted_or_none(text: str) -> str | None:
    """The redacted text, or None when there was nothing to redact (the common case)."""
    if not might_contain_pii(text):
        return None
    redacted = redact(text)
    return redacted if redacted != text else None


def redact_record(record: logging.LogRecord) -> None:
    """Redact `record` in place, once per message; a log call made while redacting is left
    alone. The marker remembers which msg/args were checked, because `logging.makeLogRecord`
    creates a record through the factory and only then fills in its message."""
    if getattr(_guard, "busy", False):
        return
    _guard.busy = True
    try:
        checked = getattr(record, _MARK, None)
        if not (checked and checked[0] is record.msg and checked[1] is record.args):
            _redact_message(record)
            _redact_exception(record)
            setattr(record, _MARK, (record.msg, record.args))
        _redact_extras(record)  # `extra=` fields are set after the factory has run
    finally:
        _guard.busy = False


def _redact_message(record: logging.LogRecord) -> None:
    try:
        message = record.getMessage()
    except Exception:  # noqa: BLE001 - a malformed record is reported by logging itself
        return
    redacted = _redacted_or_none(message)
    if redacted is not None:
        record.msg, record.args = redacted, None


def _redact_exception(record: logging.LogRecord) -> None:
    if record.exc_info and not record.exc_text:
        redacted = _redacted_or_none(logging.Formatter().formatException(record.exc_info))
        if redacted is not None:
            record.exc_text = redacted
    if record.stack_info:
        redacted = _redacted_or_none(record.stack_info)
        if redacted is not None:
            record.stack_info = redacted


def _redact_extras(record: logging.LogRecord) -> None:
    for key, value in list(vars(record).items()):
        if key not in _STANDARD_ATTRIBUTES and isinstance(value, str):
            redacted = _redacted_or_none(value)
            if redacted is not None:
                setattr(record, key, redacted)


class RedactingFilter(logging.Filter):
    """Never drops a record; only masks the personal data in it."""

    def filter(self, record: logging.LogRecord) -> bool:
        redact_record(record)
        return True


_FILTER = RedactingFilter()


def _add_filter(filterer: logging.Filterer) -> None:
    if _FILTER not in filterer.filters:
        filterer.addFilter(_FILTER)


def _install_record_factory() -> None:
    current = logging.getLogRecordFactory()
    if getattr(current, "redacts_pii", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = current(*args, **kwargs)
        redact_record(record)
        return record

    factory.redacts_pii = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)


def redact_structlog_event(
    _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """structlog processor: strings redacted; other values replaced by their redacted repr
    only when it held something (Rasa passes event objects and parse data)."""
    for key, value in list(event_dict.items()):
        if value is None or isinstance(value, bool | int | float):
            continue
        text = value if isinstance(value, str) else repr(value)
        redacted = _redacted_or_none(text)
        if redacted is not None:
            event_dict[key] = redacted
    return event_dict


def _install_structlog_processor() -> None:
    try:
        import structlog
    except ImportError:
        return
    processors = structlog.get_config()["processors"]
    if redact_structlog_event in processors:
        return
    if isinstance(processors, list):
        # In place: loggers that are already bound (and cached) share this very list.
        processors.insert(0, redact_structlog_event)
    else:
        structlog.configure(processors=[redact_structlog_event, *processors])


def _configured_loggers(names: Iterable[str]) -> list[logging.Logger]:
    existing = [
        logger for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    return [logging.getLogger(), *(logging.getLogger(name) for name in names), *existing]


def install_log_filter(logger_names: Iterable[str] = LOGGER_NAMES) -> RedactingFilter:
    """Cover every log record of this process from now on; safe to call again after handlers
    were added (it attaches the filter to the new ones)."""
    with _install_lock:
        get_pipeline()  # build now, not inside the first log call that needs it
        _install_record_factory()
        _install_structlog_processor()
        for logger in _configured_loggers(logger_names):
            _add_filter(logger)
            for handler in logger.handlers:
                _add_filter(handler)
    return _FILTER


def is_installed() -> bool:
    factory: Callable[..., logging.LogRecord] = logging.getLogRecordFactory()
    return bool(getattr(factory, "redacts_pii", False))
