""""Are you a bot?" and "is this chat really the council?" get one honest answer (#12)."""

from __future__ import annotations

import yaml

from bot.config import PROJECT_ROOT


def _reply() -> str:
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    variants = domain["responses"]["utter_bot_challenge"]
    assert len(variants) == 1  # never a random variant that leaves the checks out
    return variants[0]["text"]


def test_says_it_is_automated_not_a_person() -> None:
    reply = _reply().lower()
    assert "automated" in reply and "not a person" in reply
    assert "speak to a person" in reply  # and how to reach one


def test_says_how_to_check_the_chat_is_the_councils() -> None:
    reply = _reply()
    assert "council's own website" in reply and ".gov.uk" in reply  # where the chat lives
    assert "texts" in reply.lower()  # texts come from the published number
    for never_asked in ("bank details", "PIN", "password", "card number"):
        assert never_asked in reply, never_asked
    assert "call the council on the number on its own website" in reply


def test_is_short_enough_to_read_and_has_no_jargon() -> None:
    reply = _reply()
    assert len(reply) < 520
    for jargon in ("authenticate", "domain", "URL", "SSL", "verify the certificate"):
        assert jargon not in reply
