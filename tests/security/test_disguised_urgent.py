"""Red team: invisible characters, accents and look-alike letters must not hide an urgent
disclosure (docs/security-review.md, RT-1).

Before the fix, "some\u200bone is hit\u200bting me" (zero-width spaces, as some apps paste
them) was answered as out of scope, and "I want to k\u200bill my\u00adself" got no Samaritans
number: the English rules work on words, and an invisible character split the word. The rules
now read `bot.triage.disguise.unmask(text)`, and every channel drops invisible characters
(`bot.channels.limits.drop_invisible`) before NLU, so the classifier reads the words too.
"""

from __future__ import annotations

import uuid

import pytest
import requests

from bot.channels.limits import drop_invisible
from bot.triage import UrgentCategory, detect_risk
from bot.triage.disguise import unmask
from devtools.devstack import Servers
from tests.fuzz.support import new_phone, text_and_wait

ZWSP, SHY, ZWJ, RLO, PDF = "\u200b", "\u00ad", "\u200d", "\u202e", "\u202c"

DISGUISED = [
    (f"some{ZWSP}one is hit{ZWSP}ting me", UrgentCategory.DOMESTIC_ABUSE),
    (f"my partner hi{ZWJ}ts me", UrgentCategory.DOMESTIC_ABUSE),
    (f"I want to k{ZWSP}ill my{SHY}self", UrgentCategory.SELF_HARM),
    ("I want to ki\u0301ll myself", UrgentCategory.SELF_HARM),  # combining accent
    ("I want to k\u0456ll myself", UrgentCategory.SELF_HARM),  # Cyrillic i
    ("I w\u0430nt to kill mys\u0435lf", UrgentCategory.SELF_HARM),  # Cyrillic a and e
    ("\uff29 \uff37\uff21\uff2e\uff34 \uff34\uff2f \uff2b\uff29\uff2c\uff2c "
     "\uff2d\uff39\uff33\uff25\uff2c\uff26", UrgentCategory.SELF_HARM),  # full-width
    (f"{RLO}my husband hits me{PDF}", UrgentCategory.DOMESTIC_ABUSE),
]


@pytest.mark.parametrize(("text", "category"), DISGUISED)
def test_the_rules_see_through_the_disguise(text: str, category: UrgentCategory) -> None:
    risk = detect_risk(text)
    assert risk is not None and risk.category == category, (text, risk)


@pytest.mark.parametrize("text", [
    "I need to pay my council tax", "caf\u00e9 opening times in Westminster",
    "\u042f \u0445\u043e\u0447\u0443 \u043e\u043f\u043b\u0430\u0442\u0438\u0442\u044c "
    "\u043d\u0430\u043b\u043e\u0433",  # Russian: "I want to pay tax"
    f"the family \U0001f469{ZWJ}\U0001f467 needs a bin collection",
])
def test_ordinary_messages_stay_ordinary(text: str) -> None:
    assert detect_risk(text) is None


def test_unmask_leaves_other_scripts_alone() -> None:
    russian = "\u043c\u043e\u0439 \u0434\u043e\u043c"  # "my home": no Latin letter in a word
    assert unmask(russian) == russian
    assert unmask("ki\u0301ll k\u0456ll") == "kill kill"


def test_channels_drop_invisible_characters_but_keep_joiners() -> None:
    assert drop_invisible(f"ST{ZWSP}OP") == "STOP"
    assert drop_invisible(f"{RLO}Sam Jones{PDF}") == "Sam Jones"
    assert drop_invisible(f"\U0001f469{ZWJ}\U0001f467") == f"\U0001f469{ZWJ}\U0001f467"
    persian = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"  # ZWNJ is spelling
    assert drop_invisible(persian) == persian
    assert drop_invisible(ZWSP * 3) == ZWSP * 3  # nothing else: kept, answered as unreadable


# --- against the real Rasa server, trained model and action server ---------------------------


@pytest.mark.integration
def test_rest_disguised_abuse_gets_emergency_numbers(servers: Servers) -> None:
    reply = servers.say_text(f"rt-{uuid.uuid4().hex[:8]}", f"some{ZWSP}one is hit{ZWSP}ting me")
    assert "999" in reply, reply
    assert "only help with council services" not in reply, reply


@pytest.mark.integration
def test_sms_disguised_self_harm_gets_samaritans(servers: Servers) -> None:
    texts = text_and_wait(servers, new_phone(), f"I want to k{ZWSP}ill my{SHY}self")
    bodies = " ".join(text["body"] for text in texts)
    assert "116 123" in bodies and "999" in bodies, bodies


@pytest.mark.integration
def test_bidi_override_never_reaches_the_tracker_staff_read(servers: Servers) -> None:
    sender = f"rt-{uuid.uuid4().hex[:8]}"
    assert servers.say_text(sender, f"{RLO}is the tip open in westminster{PDF}")
    tracker = requests.get(f"{servers.rasa_url}/conversations/{sender}/tracker",
                           params={"token": servers.token}, timeout=30).json()
    texts = [event.get("text") or "" for event in tracker["events"]
             if event.get("event") == "user"]
    assert texts and all(RLO not in text and PDF not in text for text in texts), texts
