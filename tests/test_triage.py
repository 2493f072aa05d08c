"""The urgent-risk safety net: categories, look-alikes, labelled-set quality and first replies."""

from __future__ import annotations

import threading
from collections import Counter

import pytest

from bot.channels.sms_render import GSM7_BASIC
from bot.triage import (
    RiskMatch,
    UrgentCategory,
    detect_risk,
    emergency_advice,
)
from bot.triage import engine as triage_engine
from devtools.bench.triage_bench import load_labelled, score

C = UrgentCategory

CATEGORY_EXAMPLES = [
    ("im sucidal", C.SELF_HARM),
    ("dont want to be here anymore", C.SELF_HARM),
    ("honestly i just want to kill myself, nobody answers", C.SELF_HARM),
    ("i think im going to end it all tonight", C.SELF_HARM),
    ("teacher here, need a child protection referral but the portal is down", C.SAFEGUARDING),
    ("neighbours kids left home alone since friday, 4 and 6", C.SAFEGUARDING),
    ("my partner is violent and he hits me", C.DOMESTIC_ABUSE),
    ("scared he will find me now my address leaked", C.DOMESTIC_ABUSE),
    ("im fleeing with my 2 kids", C.DOMESTIC_ABUSE),
    ("can smel gas in the kitchen", C.GAS_LEAK),
    ("carbon monoxide alarm keeps going off", C.GAS_LEAK),
    ("homeless tonite with a baby", C.HOMELESS_TONIGHT),
    ("nowhere to sleep", C.HOMELESS_TONIGHT),
    ("on the street tonight", C.HOMELESS_TONIGHT),
    ("landlord kicked me out today", C.HOMELESS_TONIGHT),
    ("no heating and my dad is 88", C.NO_HEATING_OR_WATER),
    ("boiler broke and the baby is freezing", C.NO_HEATING_OR_WATER),
    ("sparks coming out of the plug socket", C.UNSAFE_HOME),
    ("front door kicked in, cant lock it", C.UNSAFE_HOME),
    ("burst pipe, water pouring through the ceiling", C.UNSAFE_HOME),
    ("no money for food till my benefit is sorted", C.NO_MONEY_FOR_ESSENTIALS),
    ("cant feed my kids", C.NO_MONEY_FOR_ESSENTIALS),
    ("no electric on the meter", C.NO_MONEY_FOR_ESSENTIALS),
    ("carer didnt come this morning", C.MISSED_CARE_VISIT),
    ("missed care visit for my nan", C.MISSED_CARE_VISIT),
    ("my neighbour collapsed and isnt breathing", C.GENERAL),
]

LOOK_ALIKES = [
    "my heating repair request form wont load",
    "the heating bill",
    "I'm dying to know when the library reopens",
    "killing time",
    "the gas bill",
    "bin collection missed",
    "my housing benefit is late when will it be paid",
    "no one is in danger, I just need to pay my council tax",
    "I'm locked out of my online account",
    "it keeps kicking me out of the portal",
    "my inbox is flooded with phishing emails",
    "is my data at risk",
    "i'm not suicidal or anything just fed up with this",
    "I'm not homeless but I'm worried about my housing application",
    "where can I park on the street",
    "my homelessness application status please",
    "can you fit a carbon monoxide alarm, my landlord never did",
]


@pytest.mark.parametrize(("text", "category"), CATEGORY_EXAMPLES)
def test_category_examples(text: str, category: UrgentCategory) -> None:
    found = detect_risk(text)
    assert found is not None, text
    assert found.category is category


@pytest.mark.parametrize("text", LOOK_ALIKES)
def test_look_alikes_do_not_fire(text: str) -> None:
    assert detect_risk(text) is None


def test_homeless_first_person_fires_even_with_a_status_question() -> None:
    """Documented decision: "I'm homeless" now is treated as possibly homeless tonight."""
    found = detect_risk("i'm homeless application status?")
    assert found is not None and found.category is C.HOMELESS_TONIGHT


def test_most_serious_category_wins() -> None:
    found = detect_risk("no heating, no money for food and honestly I feel suicidal")
    assert found is not None and found.category is C.SELF_HARM


def test_longer_phrase_beats_the_phrase_inside_it() -> None:
    found = detect_risk("no electric on the meter and nothing to top it up with")
    assert found is not None and found.category is C.NO_MONEY_FOR_ESSENTIALS


def test_disclosure_buried_in_a_long_message() -> None:
    text = (
        "Good afternoon, I have tried to ring about my council tax direct debit three times and "
        "the line keeps cutting off, and the website says error 500. I also wanted to ask about "
        "my parking permit. To be honest things are bad, my partner is violent and I don't know "
        "where else to ask. Thank you."
    )
    found = detect_risk(text)
    assert found is not None and found.category is C.DOMESTIC_ABUSE


@pytest.mark.parametrize("text", ["", "   ", "\n"])
def test_empty_text(text: str) -> None:
    assert detect_risk(text) is None


def test_match_carries_category_and_phrase() -> None:
    found = detect_risk("I can smell gas")
    assert found == RiskMatch(category=C.GAS_LEAK, phrase="smell gas")
    with pytest.raises(AttributeError):
        found.category = C.GENERAL  # type: ignore[misc]


def test_engine_is_built_once_across_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(triage_engine, "_engine", None)
    built: list[object] = []
    real_engine = triage_engine._Engine

    def counting_engine(rules):  # type: ignore[no-untyped-def]
        engine = real_engine(rules)
        built.append(engine)
        return engine

    monkeypatch.setattr(triage_engine, "_Engine", counting_engine)
    results: list[RiskMatch | None] = []
    barrier = threading.Barrier(8)

    def worker() -> None:
        barrier.wait()
        results.append(detect_risk("nowhere to sleep tonight"))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(built) == 1
    assert all(r is not None and r.category is C.HOMELESS_TONIGHT for r in results)


# ---- the labelled set ----------------------------------------------------------------------


def test_labelled_set_shape() -> None:
    rows = load_labelled()
    urgent = [row for row in rows if row.urgent]
    counts = Counter(row.category for row in urgent)
    assert len(urgent) >= 200
    assert len(rows) - len(urgent) >= 300
    assert set(counts) == {category.value for category in UrgentCategory}
    assert min(counts.values()) >= 15
    assert all(row.category is None for row in rows if not row.urgent)
    assert len({row.text.lower() for row in rows}) == len(rows), "duplicate texts"


def test_recall_and_false_alarm_rate_on_labelled_set() -> None:
    results = score(load_labelled())
    print(
        f"\nsafety net recall {results['recall']:.3f} of {results['urgent_messages']}, "
        f"false-alarm rate {results['false_alarm_rate']:.3f} "
        f"of {results['non_urgent_messages']}"
    )
    for name, counts in results["per_category"].items():
        print(f"  {name:<26} recall {counts['recall']:.3f} ({counts['messages']})")
    assert results["recall"] >= 0.95, results["misses"]
    assert results["false_alarm_rate"] <= 0.03, results["false_alarms"]


# ---- first replies ---------------------------------------------------------------------------

PHONE = "020 7361 3008"
COUNCIL = "Royal Borough of Kensington and Chelsea"

REQUIRED_NUMBERS = {
    C.DOMESTIC_ABUSE: ["999", "55", "0808 2000 247"],
    C.SELF_HARM: ["116 123", "999"],
    C.GAS_LEAK: ["0800 111 999", "999"],
    C.HOMELESS_TONIGHT: [PHONE],
    C.NO_HEATING_OR_WATER: [PHONE],
    C.SAFEGUARDING: [PHONE, "999"],
    C.UNSAFE_HOME: [PHONE, "999"],
    C.NO_MONEY_FOR_ESSENTIALS: [PHONE],
    C.MISSED_CARE_VISIT: [PHONE],
    C.GENERAL: [PHONE, "999"],
}
ASKS_IF_SAFE = {C.DOMESTIC_ABUSE, C.SELF_HARM, C.SAFEGUARDING, C.GAS_LEAK, C.UNSAFE_HOME, C.GENERAL}


@pytest.mark.parametrize("category", list(UrgentCategory))
def test_advice_has_the_right_numbers(category: UrgentCategory) -> None:
    advice = emergency_advice(category, PHONE, COUNCIL)
    for number in REQUIRED_NUMBERS[category]:
        assert number in advice, (category, number)


def test_domestic_abuse_advice_explains_silent_call() -> None:
    advice = emergency_advice(C.DOMESTIC_ABUSE, PHONE, COUNCIL)
    assert "999 then press 55" in advice
    assert "cannot speak" in advice


@pytest.mark.parametrize("category", list(UrgentCategory))
def test_advice_is_gsm7_short_and_hands_off(category: UrgentCategory) -> None:
    advice = emergency_advice(category, PHONE, COUNCIL)
    assert not [ch for ch in advice if ch not in GSM7_BASIC]
    assert len(advice) <= 459, len(advice)  # three concatenated GSM-7 SMS parts
    assert COUNCIL in advice
    assert "safe way to reach you" in advice
    assert ("Are you" in advice and "safe right now?" in advice) == (category in ASKS_IF_SAFE)
