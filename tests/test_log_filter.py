"""Log lines never carry what residents typed, whichever logger or handler writes them."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest
import structlog

from bot.privacy.log_filter import (
    RedactingFilter,
    install_log_filter,
    is_installed,
    redact_structlog_event,
)


@pytest.fixture()
def stream_handler() -> Iterator[tuple[logging.Handler, io.StringIO]]:
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(logging.Formatter("%(name)s %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    previous = root.level
    root.setLevel(logging.DEBUG)
    install_log_filter()
    yield handler, buffer
    root.removeHandler(handler)
    root.setLevel(previous)


def test_rasa_received_message_line_is_masked(stream_handler, caplog) -> None:
    _, buffer = stream_handler
    caplog.set_level(logging.DEBUG, logger="rasa")
    logging.getLogger("rasa.core.processor").debug(
        "Received user message '%s' with intent '%s'", "call me on 07700 900118", "inform"
    )
    assert caplog.records[-1].getMessage() == (
        "Received user message 'call me on [PHONE]' with intent 'inform'")
    assert "07700 900118" not in buffer.getvalue()
    assert "[PHONE]" in buffer.getvalue()


def test_child_logger_propagating_to_root_handler_is_masked(stream_handler) -> None:
    _, buffer = stream_handler
    logging.getLogger("sanic.error.deep.child").warning("payload jo@example.com, W10 6EL")
    assert buffer.getvalue().splitlines()[-1].endswith("payload [EMAIL], [POSTCODE]")


def test_records_built_without_the_factory_are_masked_by_the_handler_filter(
    stream_handler,
) -> None:
    handler, buffer = stream_handler
    assert any(isinstance(f, RedactingFilter) for f in handler.filters)
    record = logging.makeLogRecord({"name": "bot", "msg": "card %s", "args": ("4111111111111111",),
                                    "levelno": logging.INFO, "levelname": "INFO"})
    handler.handle(record)
    assert "card [CARD]" in buffer.getvalue()
    assert "4111111111111111" not in buffer.getvalue()


def test_exception_text_is_masked(stream_handler) -> None:
    _, buffer = stream_handler
    try:
        raise ValueError("could not parse 'NI AB 12 34 56 C'")
    except ValueError:
        logging.getLogger("bot.actions").exception("turn failed")
    output = buffer.getvalue()
    assert "AB 12 34 56 C" not in output
    assert "could not parse 'NI [NI]'" in output


def test_extra_fields_are_masked(stream_handler) -> None:
    handler, buffer = stream_handler
    handler.setFormatter(logging.Formatter("%(request)s %(message)s"))
    logging.getLogger("sanic.access").info("", extra={"request": "GET /x?phone=07700900118"})
    assert buffer.getvalue().splitlines()[-1].strip() == "GET /x?phone=[PHONE]"


def test_clean_lines_are_untouched(stream_handler) -> None:
    _, buffer = stream_handler
    logging.getLogger("rasa.core.processor").debug("tracker now has %d events", 7)
    assert buffer.getvalue().splitlines()[-1] == "rasa.core.processor tracker now has 7 events"


def test_structlog_rendered_through_stdlib_like_rasa_is_masked(stream_handler) -> None:
    _, buffer = stream_handler
    structured = structlog.wrap_logger(
        logging.getLogger("rasa.core.processor"),
        processors=[structlog.processors.JSONRenderer()],
        wrapper_class=structlog.stdlib.BoundLogger,
    )
    structured.debug("processor.message.parse", parse_data_text="dob 12/03/1985, 07700 900118")
    output = buffer.getvalue()
    assert "12/03/1985" not in output and "07700 900118" not in output
    assert "dob [DOB], [PHONE]" in output


def test_structlog_processor_masks_values() -> None:
    event = redact_structlog_event(None, "debug", {
        "event": "processor.slots.log",
        "slot_values": "\tphone: +447700900118",
        "rasa_events": [{"value": "sw6 1aa"}],
        "len_extraction_events": 2,
    })
    assert event["slot_values"] == "\tphone: [PHONE]"
    assert "[POSTCODE]" in event["rasa_events"]
    assert event["len_extraction_events"] == 2
    install_log_filter()
    assert redact_structlog_event in structlog.get_config()["processors"]


def test_install_is_idempotent(stream_handler) -> None:
    handler, _ = stream_handler
    factory = logging.getLogRecordFactory()
    install_log_filter()
    install_log_filter()
    assert logging.getLogRecordFactory() is factory
    assert is_installed()
    assert sum(isinstance(f, RedactingFilter) for f in handler.filters) == 1
    assert structlog.get_config()["processors"].count(redact_structlog_event) == 1
