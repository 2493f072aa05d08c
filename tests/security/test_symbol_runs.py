"""Red team: a run of symbols cost the urgent rules quadratic time (docs/security-review.md,
RT-6).

spaCy's tokenizer peels prefix/suffix symbols off a token one at a time; the English rules ran
it on the whole message, on the event loop every resident shares (the NLU safety net) and in
the action server. One 2,000-character message of "$" took 1.2 s, of emoji 0.8 s, of "!"
0.6 s; at the per-address limit a script could keep the loop busy. The rules now read runs of
symbols cut to MAX_SYMBOL_RUN (`bot.triage.disguise.unmask`); what is stored is unchanged.
"""

from __future__ import annotations

import uuid

import pytest

from bot.triage import UrgentCategory, detect_risk, engine
from bot.triage.disguise import MAX_SYMBOL_RUN, unmask
from devtools.devstack import Servers

FLOODS = ["$" * 2000, "\U0001f600" * 2000, "!" * 2000, "%" * 2000, "(" * 2000,
          "\u2122" * 2000, "hi " + "$%!" * 600]


@pytest.mark.parametrize("text", FLOODS)
def test_the_rules_never_read_a_long_run_of_symbols(
        text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    read: list[str] = []
    real = engine.detect_risk

    def spy(seen: str) -> object:
        read.append(seen)
        return real(seen)

    monkeypatch.setattr(engine, "detect_risk", spy)
    assert detect_risk(text) is None
    longest = max(len(run) for run in _symbol_runs(read[0]))
    assert longest <= MAX_SYMBOL_RUN, longest


def _symbol_runs(text: str) -> list[str]:
    runs, current = [""], ""
    for char in text:
        if char.isalnum() or char.isspace():
            runs.append(current)
            current = ""
        else:
            current += char
    return [*runs, current]


def test_a_disclosure_among_symbols_is_still_seen() -> None:
    risk = detect_risk("!!!!!!!!!!!!!!!!!!!! I want to kill myself " + "\U0001f62d" * 300)
    assert risk is not None and risk.category == UrgentCategory.SELF_HARM
    assert unmask("ok!!!") == "ok!!!"  # short runs are left alone


@pytest.mark.integration
def test_rest_flood_of_symbols_is_answered(servers: Servers) -> None:
    reply = servers.say_text(f"rt-{uuid.uuid4().hex[:8]}", "$" * 2000)
    assert reply.strip(), reply
