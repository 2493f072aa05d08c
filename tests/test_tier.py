"""Two tiers of urgency: what makes a message clear (urgent case at once) or possible (one
safety question first), and that the net's verdict is reused instead of run again."""

from __future__ import annotations

import pytest

from bot.triage import detect_risk
from bot.triage import engine as triage_engine
from bot.triage.softeners import not_urgent, quotes_a_scam, softened, someone_fine
from bot.triage.tier import CLEAR, POSSIBLE, NetVerdict, urgency_tier

NOT_URGENT = [
    "it's not urgent, just want a call",
    "nothing urgent, my mum is at home with me",
    "this is a non-urgent referral",
    "non urgent question about a care package",
    "no rush at all",
    "there is no immediate risk to the child",
    "no immediate danger, but I'd like advice",
    "nobody is in danger",
    "she's not in danger, it's about paperwork",
    "it isn't an emergency",
    "routine referral for a family, how do I send it",
    "not an emergency but the boiler is making noises",
]
SOMEONE_FINE = [
    "I'm fine, I've got a heater",
    "im ok, just need it fixed",
    "we are all fine",
    "she's safe with her sister",
    "he is ok now",
    "the kids are fine",
    "everyone is safe and well",
    "nobody was hurt",
    "no one got hurt",
    "nobody's hurt",
    "no injuries, just a mess",
    "no one is stuck in the lift",
]
SCAM_QUOTES = [
    'text says "gas leak at your address, pay for an engineer" - scam?',
    "an email claims my benefit has stopped, is this real",
    "a caller said my son is in danger and I must pay a fee, it sounds fake",
    "got a letter saying I'll be evicted unless I pay in gift cards, scam right",
    "whatsapp message warns my heating will be cut off, is it legit",
    "a text claiming I'm homeless tomorrow unless I click the link, phishing?",
]
NOT_SOFTENERS = [
    "I'm not fine at all",
    "she is not safe",
    "why is this not urgent to you?!",
    "I am well aware the heating is off and my baby is freezing",
    "it is fine to call me back",
    "he is ok with hitting me",
    "nobody came to help",
    "I'm scared, it's an emergency",
    "I was fine until he came back",
    "got a scam text earlier",
    "the text from my landlord says I must leave today",
    "no one is answering the phone",
]


@pytest.mark.parametrize("text", NOT_URGENT)
def test_not_urgent_wordings(text: str) -> None:
    assert not_urgent(text) and softened(text)


@pytest.mark.parametrize("text", SOMEONE_FINE)
def test_someone_fine_wordings(text: str) -> None:
    assert someone_fine(text) and softened(text)


@pytest.mark.parametrize("text", SCAM_QUOTES)
def test_scam_quote_wordings(text: str) -> None:
    assert quotes_a_scam(text) and softened(text)


@pytest.mark.parametrize("text", NOT_SOFTENERS)
def test_look_alikes_of_reassurance_soften_nothing(text: str) -> None:
    assert not softened(text), text


@pytest.mark.parametrize(
    ("text", "tier"),
    [
        # net matches the message itself softens: possible
        ("No hot water since lunch, it's just me and I'm fine", POSSIBLE),
        ("our bins were set on fire last night, nobody was hurt, can we get new ones", POSSIBLE),
        ("text says gas leak at your address, pay £49 for a visit. scam?", POSSIBLE),
        ("I need to make a child protection referral, no immediate risk", POSSIBLE),
        # self-harm, abuse and gas are never softened by "I'm fine"
        ("I'm fine, I just want to end it all", CLEAR),
        ("my partner hit me again but I'm ok", CLEAR),
        ("I can smell gas in the hall but we're fine", CLEAR),
        ("no heating and my dad is 88", CLEAR),
    ],
)
def test_net_matches_by_tier(text: str, tier: str) -> None:
    risk = detect_risk(text)
    assert risk is not None
    net = NetVerdict(fired=True, weak=risk.weak)
    assert urgency_tier(text, 1.0, net) == tier
    assert urgency_tier(text, 1.0) == tier  # the same when the rules run here


def test_classifier_alone() -> None:
    quiet = NetVerdict(fired=False)
    assert urgency_tier("please help me with my mum", 0.9, quiet) == CLEAR
    assert urgency_tier("please help me with my mum", 0.3, quiet) == POSSIBLE
    assert urgency_tier("speak to mum's social worker, nothing urgent", 0.9, quiet) == POSSIBLE
    assert urgency_tier("anything", None, quiet) == CLEAR  # no probability: trust the route


def test_languages_we_translate_are_asked_first_like_english_and_the_others_never() -> None:
    quiet = NetVerdict(fired=False)
    assert urgency_tier("pomocy", 0.2, quiet, language="pl") == POSSIBLE  # asked in Polish
    assert urgency_tier("help", 0.2, quiet, language="en") == POSSIBLE
    assert urgency_tier("помогите", 0.2, quiet, language="ru") == CLEAR  # cannot be asked
    assert urgency_tier("pomocy", 0.2, NetVerdict(fired=True), language="pl") == CLEAR


def test_net_verdict_from_a_parse() -> None:
    assert NetVerdict.from_parse({}) is None
    assert NetVerdict.from_parse({"safety_net_checked": True}) == NetVerdict(fired=False)
    fired = {"safety_net": {"category": "gas_leak", "overrode": None}, "safety_net_checked": True}
    assert NetVerdict.from_parse(fired) == NetVerdict(fired=True)
    weak = {"safety_net": {"category": "general", "overrode": "service_status", "weak": True}}
    assert NetVerdict.from_parse(weak) == NetVerdict(fired=True, weak=True)


def test_a_verdict_is_reused_not_run_again(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = triage_engine.detect_risk

    def counting(text: str):  # noqa: ANN202
        calls.append(text)
        return real(text)

    monkeypatch.setattr(triage_engine, "detect_risk", counting)
    # the net said nothing: the rules are not run again, the classifier decides
    assert urgency_tier("my husband hits me", 0.3, NetVerdict(fired=False)) == POSSIBLE
    assert calls == []
    # no verdict came with the message: the rules run once and see it
    assert urgency_tier("my husband hits me", 0.3) == CLEAR
    assert calls == ["my husband hits me"]


@pytest.mark.parametrize(
    "text",
    ["off to kill some time at the shops, bye", "got an hour to kill, is the library open",
     "I'm dying to know when the tip reopens", "this form is killing me",
     "I feel like death today, can you call tomorrow", "I nearly had a fit when I saw the bill"],
)
def test_idioms_make_the_classifier_alone_possible(text: str) -> None:
    assert urgency_tier(text, 0.9, NetVerdict(fired=False)) == POSSIBLE
