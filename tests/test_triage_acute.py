"""Acute harm written plainly (poisoning, threats, exploitation, put out today) and the idioms
that must not look like it. Each family is tried on wordings written for this test, never on
the evaluation sets."""

from __future__ import annotations

import pytest

from bot.triage import UrgentCategory, detect_risk

C = UrgentCategory

POISONING = [
    "my 18 month old has swallowed a dishwasher tablet",
    "the baby drank some bleach from the bottle under the sink",
    "toddler ate one of the laundry pods, he is coughing",
    "my son has swallowed a button battery",
    "my nephew swallowed two magnets from the fridge",
    "my daughter swallowed a load of my painkillers",
    "grandad took a whole box of his sleeping tablets",
    "my flatmate has taken loads of paracetamol and is being sick",
    "she drank antifreeze from the garage",
    "i think my little boy ate some of my tablets, the packet is open",
    "mum with dementia drank the cleaner",
    "he has swallowed all his meds at once",
    "my wife took too many of her tablets tonight",
    "a kid at the nursery licked the descaler",
]

THREATS = [
    "my ex says he is going to kill me",
    "he's threatening to stab my brother",
    "the man next door said he will burn the house down",
    "my son's dealer is gonna hurt him if he doesn't pay",
    "someone threatened to torch our flat",
    "her boyfriend swore to kill her if she leaves",
    "he set fire to my front door last night and says he will do it again",
    "they are threatening to break his legs",
    "my brother keeps saying he'll kill mum",
    "a neighbour threatened to set the flat on fire with us inside",
    "he promised to hurt the kids",
    "my husband is about to attack me",
]

EXPLOITATION = [
    "someone is taking money out of my blind neighbour's account",
    "a carer is stealing cash from my nan every week",
    "my uncle with dementia is being made to hand over his pension",
    "her lodger took control of her money and she is 88",
    "my brother is draining the savings from my disabled mum",
    "he is threatening her if she tells anyone",
    "they warned him not to tell the social worker",
    "the lads on the estate are threatening my grandad",
    "somebody keeps using cards from my elderly father",
    "the new tenant is taking the pension of my grandmother who has dementia",
    "they threatened me if i report them",
    "she is being forced to give over her benefits by her son, she is frail",
]

PUT_OUT = [
    "my landlord has just thrown us out",
    "my dad kicked me out an hour ago",
    "the hostel put me out this morning",
    "my partner has thrown me out and I'm on the doorstep",
    "they dumped all my stuff on the pavement",
    "i'm standing outside with my suitcase, no idea where to go",
    "mum turned me out of the house tonight",
    "sitting outside with my bags since they chucked me out",
    "the landlady has put us out",
    "my parents have just kicked me out",
    "the owner threw all our belongings out on the street",
    "stuck outside with a bag and nowhere to go",
]

LOOK_ALIKES = [
    # idioms and hyperbole
    "I nearly had a heart attack when I saw the council tax bill",
    "the new bin rota gave me a heart attack",
    "the website relaunch has been a total car crash",
    "this whole week has been a train wreck",
    "that price would kill me, how much is a bulky collection",
    "I'm going to kill some time in the library",
    "if I'm going to be charged twice, tell me now",
    # things, not people
    "a tree fell down across the footpath, who clears it",
    "the fence fell over in the wind, is it the council's",
    "the shelf fell down in the library",
    "my window won't close properly and cold air comes in, can I book a repair",
    "the back door rattles and there's a draught",
    # routine medicines and substances
    "where can I take old tablets for disposal",
    "how do I recycle empty pill bottles",
    "I took my tablets this morning as usual, can I still get my prescription delivered",
    "I had food poisoning last week, is environmental health open",
    "can you collect the old paint and bleach bottles",
    "do you collect batteries with the recycling",
    # threats that are not violence
    "the council is threatening me with bailiffs over council tax",
    "they threatened to take me to court for a parking fine",
    # moving out, not put out
    "sitting outside the library with my kids waiting for it to open",
    "we left all our stuff in the van when we moved",
]


@pytest.mark.parametrize("text", POISONING)
def test_poisoning_in_plain_words(text: str) -> None:
    found = detect_risk(text)
    assert found is not None and found.category in (C.GENERAL, C.SELF_HARM), text


@pytest.mark.parametrize("text", THREATS)
def test_threats_of_violence(text: str) -> None:
    found = detect_risk(text)
    assert found is not None and found.category in (C.DOMESTIC_ABUSE, C.GENERAL, C.SAFEGUARDING)


@pytest.mark.parametrize("text", EXPLOITATION)
def test_exploitation_of_a_vulnerable_adult(text: str) -> None:
    found = detect_risk(text)
    assert found is not None and found.category in (C.SAFEGUARDING, C.DOMESTIC_ABUSE), text


@pytest.mark.parametrize("text", PUT_OUT)
def test_put_out_of_home_today(text: str) -> None:
    found = detect_risk(text)
    assert found is not None and found.category == C.HOMELESS_TONIGHT, text


def test_put_out_even_when_the_website_is_mentioned() -> None:
    found = detect_risk("the website won't load and my landlord has just thrown me out")
    assert found is not None and found.category == C.HOMELESS_TONIGHT


@pytest.mark.parametrize("text", LOOK_ALIKES)
def test_look_alikes_are_not_urgent(text: str) -> None:
    assert detect_risk(text) is None, detect_risk(text)


def test_a_threat_keeps_the_domestic_abuse_reply() -> None:
    found = detect_risk("I can't go home tonight, he will hurt me")
    assert found is not None and found.category == C.DOMESTIC_ABUSE


DISTRESS = [
    "i'm not coping with any of it",
    "barely coping since he left",
    "struggling to cope at the moment",
    "I don't know how much longer I can cope",
    "it's all getting on top of me",
    "I'm at the end of my tether",
    "honestly I'm at breaking point",
    "everything is falling apart",
    "I can't take much more of this",
    "I can't take it anymore",
    "I can't cope anymore",
    "I just can't cope",
]
FEEDING_WORRY = [
    "I don't know how I'll feed the kids next week",
    "don't know how we will pay for food now",
    "how will I feed my baby if it doesn't come",
    "I won't be able to feed them by Friday",
    "we're running low on food and gas",
    "struggling to feed the family this month",
    "how can we heat the flat with no payment",
    "I don't know how I'm going to manage",
    "we will not be able to feed the kids",
    "running low on electric credit",
    "struggling to heat the place",
    "how am I going to feed us till payday",
]
NOT_DISTRESS = [
    "I can't cope with this hold music",
    "the website can't cope with the traffic",
    "the old phone system can't cope",
    "the bins are overflowing, the crews can't cope",
    "how do I feed back on the consultation",
    "my neighbour's house is falling apart, can the council do something",
]


@pytest.mark.parametrize("text", DISTRESS + FEEDING_WORRY)
def test_weak_signals_are_possible_not_clear(text: str) -> None:
    found = detect_risk(text)
    assert found is not None and found.weak, (text, found)


@pytest.mark.parametrize("text", NOT_DISTRESS)
def test_busy_systems_are_not_distress(text: str) -> None:
    assert detect_risk(text) is None, detect_risk(text)


def test_a_clear_disclosure_beside_a_weak_one_stays_clear() -> None:
    found = detect_risk("not coping at all and I've been stockpiling my pills")
    assert found is not None and not found.weak
