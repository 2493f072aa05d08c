"""Plain English in every resident-facing template: reading age about 9 and no jargon.

The formula and what it counts are in bot/language/readability.py: Flesch-Kincaid grade at
most 5 for each template of 12 words or more (reading age about 10 at worst), at most 4 on
average (reading age about 9); shorter texts, where the formula is unreliable, may have at most
one word of four or more syllables. Templates: domain.yml responses (the English ones), the
English source of the translated replies, and the advice texts.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.language.readability import BANNED, grade, jargon, score, syllables
from bot.services import advice, landline

ROOT = Path(__file__).resolve().parent.parent
MAX_GRADE = 5.0
MAX_AVERAGE = 4.0
SHORT = 12


def _templates() -> dict[str, str]:
    found: dict[str, str] = {}
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    for name, variants in domain["responses"].items():
        for number, variant in enumerate(variants):
            if not variant.get("condition") and variant.get("text"):
                found[f"domain:{name}:{number}"] = variant["text"]
    english = yaml.safe_load((ROOT / "bot/language/translations/en.yml").read_text("utf-8"))
    for key, entry in english["messages"].items():
        found[f"en.yml:{key}"] = entry["text"]
    for name in ("DATA_STEPS", "PHISHING_STEPS", "MONEY_LOST_STEPS", "NEVER_ASKS",
                 "NEVER_IN_CHAT", "OMBUDSMAN"):
        found[f"advice:{name}"] = getattr(advice, name)
    for name, text in landline.TEMPLATES.items():
        found[f"landline:{name}"] = text
    return found


TEMPLATES = _templates()


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_template_reads_at_about_age_nine(name: str) -> None:
    text = TEMPLATES[name]
    counted = score(text)
    if counted.words >= SHORT:
        assert counted.grade <= MAX_GRADE, f"{name}: grade {counted.grade:.1f}: {text}"
    else:
        long_words = [w for w in text.split() if syllables(w.strip(".,:;?!()\"")) >= 4]
        assert len(long_words) <= 1, f"{name}: {long_words}"


def test_templates_read_at_age_nine_on_average() -> None:
    scored = [grade(t) for t in TEMPLATES.values() if score(t).words >= SHORT]
    assert len(scored) >= 20
    assert sum(scored) / len(scored) <= MAX_AVERAGE


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_no_jargon(name: str) -> None:
    assert jargon(TEMPLATES[name]) == [], name


def test_the_measure_can_fail() -> None:
    hard = ("Notwithstanding the aforementioned circumstances, residents experiencing "
            "difficulties accessing statutory entitlements should communicate electronically.")
    assert grade(hard) > 15
    assert grade("Call 999 now. We will call you back. Keep your case number.") < 2
    assert jargon("Apply for a DHP through the portal") == ["DHP", "portal"]
    assert jargon("Mash the potatoes") == []  # initialisms count only in capitals
    assert "MASH" in BANNED and "CTR" in BANNED
    assert [syllables(w) for w in ("call", "council", "emergency", "interpreter")] == [1, 2, 4, 4]
