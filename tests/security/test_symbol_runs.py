"""Red team: a run of symbols cost the urgent rules and NLU quadratic time
(docs/security-review.md, RT-6).

spaCy's tokenizer peels prefix/suffix symbols off a token one at a time; the English rules ran
it on the whole message, on the event loop every resident shares (the NLU safety net) and in
the action server. One 2,000-character message of "$" took 1.2 s, of emoji 0.8 s, of "!"
0.6 s; Rasa's own NLU components took 0.7-0.8 s to parse 2,000 "(", "?" or "&" (0.02 s for a
sentence); at the per-address limit a script could keep the loop busy. The channels now cut
every run of symbols to MAX_SYMBOL_RUN (`bot.channels.limits.tidy_text`), and the rules do the
same whoever calls them (`bot.triage.disguise.unmask`).
"""

from __future__ import annotations

import uuid

import pytest
import requests

from bot.channels.limits import tidy_text
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


def test_channels_cut_symbol_runs_and_keep_short_ones() -> None:
    assert tidy_text("$" * 2000) == "$" * MAX_SYMBOL_RUN
    assert tidy_text("help!!! " + "(" * 50 + " now") == "help!!! " + "(" * 8 + " now"
    payload = '/inform{"council":"westminster","service":"parking"}'
    assert tidy_text(payload) == payload  # button payloads pass whole


@pytest.mark.integration
@pytest.mark.parametrize("symbol", ["$", "(", "&"])
def test_rest_flood_of_symbols_is_answered_and_cut(servers: Servers, symbol: str) -> None:
    sender = f"rt-{uuid.uuid4().hex[:8]}"
    assert servers.say_text(sender, symbol * 2000).strip()
    tracker = requests.get(f"{servers.rasa_url}/conversations/{sender}/tracker",
                           params={"token": servers.token}, timeout=30).json()
    texts = [event.get("text") or "" for event in tracker["events"]
             if event.get("event") == "user"]
    assert texts == [symbol * MAX_SYMBOL_RUN], texts
