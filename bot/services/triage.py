"""Rule-based urgent-risk safety net: spot messages that need a person now, whatever NLU says.

The trained intent classifier can miss a disclosure buried in a long or misspelt message, and
during an outage residents write about broken forms in words that look like emergencies ("my
heating repair form won't load"). This module is the deterministic second opinion: a spaCy
``Matcher`` over a blank English tokenizer (no model, nothing downloaded) with token patterns
for risk phrases, a small normaliser for SMS shorthand and typos, a negation check and
context rules, plus the first reply for each kind of emergency.

Decisions worth knowing:

* "I'm homeless" (first person, or "homeless" not followed by a service word such as "team",
  "application", "charity") fires HOMELESS_TONIGHT, even in "i'm homeless application
  status?": someone who says they are homeless may need a bed tonight, and a false alarm costs
  a call back. "my homelessness application" and "the homeless team" do not fire; "my
  neighbour is homeless, how can I help" does (accepted false alarm).
* A broken boiler or heating fires only with a vulnerable person or cold in the same message;
  "no heating" / "no hot water" / "no water" fire on their own, except when the message is
  about a public building ("no heating in the library") and never mentions a home.
* "locked out" / "kicked out" fire only for a home, never "locked out of my account".
* Eviction today (or already evicted) is HOMELESS_TONIGHT; eviction within days, or with a
  benefit problem, is NO_MONEY_FOR_ESSENTIALS.
* Negation ("no one is in danger", "I'm not homeless") is checked in the few tokens before a
  match, stopping at punctuation and at "but"/"and"; self-harm uses a window of two tokens so
  that a longer lead-in ("I'm not going to lie, I want to end it all") still fires.
* VETO phrases ("gas bill", "knife crime", "fall in income", "my data is at risk", "dying to
  know") drop any risk match they overlap.

Measured honestly, hand rules catch phrasings someone thought of: on fresh sets written after
each tuning round they caught 44% to 70% of urgent messages (false alarms 0.7% to 9.5%), so
this net complements the trained classifier rather than replacing it; see the bench module.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

__all__ = [
    "RiskMatch",
    "UrgentCategory",
    "detect_risk",
    "emergency_advice",
    "is_gsm7",
    "warm_up",
]


class UrgentCategory(str, Enum):
    """Kinds of urgent situation; the value is what logs and the tracker carry."""

    SAFEGUARDING = "safeguarding"
    DOMESTIC_ABUSE = "domestic_abuse"
    SELF_HARM = "self_harm"
    HOMELESS_TONIGHT = "homeless_tonight"
    NO_HEATING_OR_WATER = "no_heating_or_water"
    GAS_LEAK = "gas_leak"
    UNSAFE_HOME = "unsafe_home"
    NO_MONEY_FOR_ESSENTIALS = "no_money_for_essentials"
    MISSED_CARE_VISIT = "missed_care_visit"
    GENERAL = "general"


#: Most serious first; when several categories match, the earliest here wins.
PRIORITY: tuple[UrgentCategory, ...] = (
    UrgentCategory.SELF_HARM,
    UrgentCategory.SAFEGUARDING,
    UrgentCategory.DOMESTIC_ABUSE,
    UrgentCategory.GAS_LEAK,
    UrgentCategory.HOMELESS_TONIGHT,
    UrgentCategory.UNSAFE_HOME,
    UrgentCategory.NO_HEATING_OR_WATER,
    UrgentCategory.NO_MONEY_FOR_ESSENTIALS,
    UrgentCategory.MISSED_CARE_VISIT,
    UrgentCategory.GENERAL,
)
_RANK = {category: rank for rank, category in enumerate(PRIORITY)}


@dataclass(frozen=True)
class RiskMatch:
    """The category chosen and the matched words (log the category only, never the phrase)."""

    category: UrgentCategory
    phrase: str


# --------------------------------------------------------------------------------------------
# Normalisation: every token gets a canonical NORM so one pattern covers SMS spellings,
# common typos and tense ("didnt", "did not", "does not" -> "do not").
# --------------------------------------------------------------------------------------------

_CANONICAL: dict[str, tuple[str, ...]] = {
    # grammar words collapsed so that patterns need one form
    "be": ("am", "is", "are", "was", "were", "'m", "m", "'re", "re", "been", "be", "iz"),
    "do": ("did", "does", "do"),
    "have": ("has", "had", "have", "'ve", "ve", "got", "av", "hav", "ave", "gotten"),
    "not": ("n't", "nt", "not", "never", "nvr"),
    "will": ("'ll", "ll", "wo", "will", "wil", "shall"),
    "can": ("ca", "can", "could", "cud", "cld"),
    "you": ("u", "ya", "yu", "you"),
    "i": ("i", "im", "ive"),
    "nobody": ("nobody", "noone", "nobdy"),
    "nothing": ("nothing", "nothin", "nuthin", "nuffin", "nowt"),
    "want": ("want", "wanna", "wants", "wanted", "wnt"),
    "anymore": ("anymore", "anymor", "nemore", "anymoe"),
    "tonight": ("tonight", "tonite", "2nite", "2night", "tonigt", "tnite", "tonght", "2nyt"),
    "today": ("today", "2day", "tday", "todya"),
    "tomorrow": ("tomorrow", "tmrw", "tmr", "2moro", "2morrow", "tomoro", "tomorow",
                 "tommorow", "tommorrow", "tomorro"),
    "through": ("through", "thru", "thro", "throught"),
    "keep": ("keep", "keeps", "kept", "keeping"),
    "come": ("come", "came", "comes", "coming", "comin"),
    "turn": ("turn", "turned", "turns", "turning"),
    "show": ("show", "showed", "shown", "shows"),
    "arrive": ("arrive", "arrived", "arrives", "arriving"),
    "go": ("go", "goes", "went", "gone", "going", "gon"),
    "to": ("to", "2", "na"),
    "happen": ("happen", "happened", "happens", "happening"),
    "jump": ("jump", "jumped", "jumping", "jumps"),
    "until": ("until", "till", "til", "untill", "untl"),
    "leak": ("leak", "leek", "leeks", "leack"),
    "year": ("year", "years", "yr", "yrs", "yo"),
    # risk vocabulary
    "kill": ("kill", "kil", "killing", "killin", "kills"),
    "myself": ("myself", "myslef", "meself", "mysel", "mysef", "myselfe"),
    "suicidal": ("suicidal", "sucidal", "suicidle", "suicdal", "suisidal", "suicidial",
                 "sucicidal", "suicidel", "suacidal", "suiciadal"),
    "suicide": ("suicide", "sucide", "suiside", "suicde", "suicid", "sucicide"),
    "overdose": ("overdose", "overdosed", "overdosing"),
    "homeless": ("homeless", "homless", "homelss", "homeles", "homelees", "homlesss", "homles"),
    "nowhere": ("nowhere", "nowere", "nowear", "nowhre", "nohwere", "nowehre", "nowher"),
    "sleep": ("sleep", "slp", "kip", "sleeping", "sleepin", "slept", "sleeps"),
    "street": ("street", "streets", "streetz"),
    "evicted": ("evicted", "evected", "evicated", "evited", "evicte", "evictd"),
    "evict": ("evict", "evicting", "evicts"),
    "eviction": ("eviction", "evictions", "evicion"),
    "kicked": ("kicked", "kicking", "kick", "kicks", "thrown", "threw", "throwing", "chucked",
               "chucking", "turfed", "booted"),
    "violent": ("violent", "voilent", "violant", "vilent", "violnt"),
    "abusive": ("abusive", "abusiv", "abussive", "abusve"),
    "abuser": ("abuser", "abusers", "perpetrator"),
    "partner": ("partner", "partener", "patner", "prtner", "partners"),
    "husband": ("husband", "hubby", "husban", "husbnd", "hsband"),
    "boyfriend": ("boyfriend", "bf", "boyfreind", "boyfrend"),
    "scared": ("scared", "scard", "skared", "afraid", "afriad", "terrified", "frightened",
               "petrified", "scaired", "feared", "scare"),
    "fleeing": ("fleeing", "fleing", "fleeng", "flee", "fled"),
    "freezing": ("freezing", "freezin", "freazing", "freesing", "frezing", "feezing"),
    "heating": ("heating", "heatin", "heeting", "heatng", "heatting", "heting", "heater",
                "heaters"),
    "radiator": ("radiator", "radiators", "rads"),
    "boiler": ("boiler", "boilor", "boilers", "boiller", "boilr", "boilar"),
    "water": ("water", "watter", "wter", "warter", "watr"),
    "gas": ("gas", "gass", "gaz"),
    "smell": ("smell", "smel", "smells", "smelt", "smelled", "smelling", "smellin", "smeling",
              "stink", "stinks", "stinking", "stench", "reeks", "reek"),
    "children": ("children", "kids", "kidz", "kiddies", "childern", "chidren", "childen",
                 "childrens", "chilren", "kiddos"),
    "child": ("child", "kid", "toddler", "baby", "infant", "newborn", "bub", "babies"),
    "carer": ("carer", "carers", "career", "careers", "cairer", "carrer", "carere"),
    "electric": ("electric", "electrics", "electricity", "electrik", "leccy", "lecky", "elec",
                 "electrical", "eletric", "electic", "power"),
    "money": ("money", "mony", "cash", "funds", "munny"),
    "food": ("food", "fud", "foood", "grub"),
    "safeguarding": ("safeguarding", "safegaurding", "safguarding"),
    "neglected": ("neglected", "neglect", "neglecting", "neglegted"),
    "abused": ("abused",),
    "hit": ("hit", "hits", "hitting", "beat", "beats", "beating", "beaten", "punch", "punches",
            "punched", "punching", "slap", "slaps", "slapped", "strangled", "strangles",
            "strangling", "choked", "attacked", "attacks", "assaulted",
            "hurts", "hurt", "hurting", "smacks", "smacked", "batters", "battered",
            "throttled", "pushed", "pushes", "shoved", "shoves", "grabbed", "dragged", "bit",
            "spat", "headbutted"),
    "spark": ("spark", "sparks", "sparking", "sparked", "sparkin", "sparkng"),
    "flooding": ("flooding", "flooded", "flood", "floods", "flodding", "floding"),
    "bailiffs": ("bailiffs", "bailiff", "baliffs", "bailifs", "enforcement"),
    "fallen": ("fallen", "fell", "falled"),
    "stabbed": ("stabbed", "stabbing", "shot", "shooting", "stab"),
    "melting": ("melting", "melted", "melt", "smoking", "scorched", "charred", "burning"),
}

#: Ordinary words one edit away from a keyword: never "corrected" into it.
_PROTECTED = frozenset(
    "beating seating hating heading healing hearing heaving treating cheating eating sheeting "
    "freeing breezing violet overdone fleecing flexing parking sparkling timeless hopeless "
    "helpless careless flooring floating bleeding breeding fleeting sweeping weeping partly "
    "anyone somewhere elected evicts myself".split()
)

#: Long, distinctive words worth correcting when a message has them one edit away.
_FUZZY_KEYWORDS = (
    "suicidal", "suicide", "homeless", "nowhere", "tonight", "heating", "freezing", "violent",
    "abusive", "evicted", "safeguarding", "monoxide", "husband", "partner", "myself",
    "overdose", "neglected", "collapsed", "unconscious", "breathing", "strangled", "flooding",
    "boyfriend", "tomorrow", "anymore", "radiator", "electric", "carbon",
)

_LOOKUP: dict[str, str] = {
    variant: canonical for canonical, variants in _CANONICAL.items() for variant in variants
}


def _within_one_edit(a: str, b: str) -> bool:
    """True when a and b differ by one insertion, deletion, substitution or adjacent swap."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    i = 0
    while i < min(la, lb) and a[i] == b[i]:
        i += 1
    if la > lb:
        return a[i + 1 :] == b[i:]
    if la < lb:
        return a[i:] == b[i + 1 :]
    if a[i + 1 :] == b[i + 1 :]:
        return True
    return i + 1 < la and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2 :] == b[i + 2 :]


@lru_cache(maxsize=16384)
def canonical(word: str) -> str:
    """The NORM for a lower-cased token: lookup table first, then a one-edit keyword fix."""
    hit = _LOOKUP.get(word)
    if hit is not None:
        return hit
    if len(word) < 6 or word in _PROTECTED or not word.isalpha():
        return word
    for keyword in _FUZZY_KEYWORDS:
        if abs(len(keyword) - len(word)) <= 1 and _within_one_edit(word, keyword):
            return _LOOKUP.get(keyword, keyword)
    return word


def _normalise(doc: Doc) -> Doc:
    """Give every token its canonical NORM (tokenizer exceptions already split "dont")."""
    previous = ""
    for token in doc:
        lower = token.lower_
        if lower in ("'s", "s") and previous in ("he", "she", "it", "there", "that"):
            token.norm_ = "be"  # "hes", "he's hitting me" -> he be hitting me
        else:
            token.norm_ = canonical(lower)
        previous = lower
    return doc


# --------------------------------------------------------------------------------------------
# Rules. A pattern is a space-separated token list written in plain words (each is passed
# through `canonical`, so "is" means any form of "be"):
#   "a|b"  one of the words     "x?"  optional     "_"  any one token     "_?"  optional token
#   "#age" a number from 65 to 110
# "a|b" alternatives are single tokens: "in danger|at risk" means "in" + "danger|at" + "risk".
# Write multi-word alternatives as separate patterns, or expand them with `_each`.
# --------------------------------------------------------------------------------------------

C = UrgentCategory


@dataclass(frozen=True)
class Rule:
    """One family of patterns for a category, or (category None) a context label."""

    key: str
    category: UrgentCategory | None
    patterns: tuple[str, ...]
    negation_window: int = 3
    needs: tuple[str, ...] = ()  # at least one of these context labels is in the message
    also_needs: tuple[str, ...] = ()  # and at least one of these (a second, separate group)
    unless: tuple[str, ...] = ()  # none of these context labels is in the message
    not_next: frozenset[str] = field(default_factory=frozenset)  # vetoes on the next token
    not_prev: frozenset[str] = field(default_factory=frozenset)  # vetoes on the token before


def _rule(
    key: str,
    category: UrgentCategory | None,
    *patterns: str,
    negation_window: int = 3,
    needs: Sequence[str] = (),
    also_needs: Sequence[str] = (),
    unless: Sequence[str] = (),
    not_next: str = "",
    not_prev: str = "",
) -> Rule:
    return Rule(
        key=key,
        category=category,
        patterns=tuple(patterns),
        negation_window=negation_window,
        needs=tuple(needs),
        also_needs=tuple(also_needs),
        unless=tuple(unless),
        not_next=frozenset(canonical(w) for w in not_next.split()),
        not_prev=frozenset(canonical(w) for w in not_prev.split()),
    )


def _ctx(key: str, *patterns: str) -> Rule:
    return _rule(key, None, *patterns, negation_window=0)


def _each(template: str, *fillers: str) -> tuple[str, ...]:
    """Expand a template once per filler, e.g. a pattern for each spelling of a noun phrase."""
    return tuple(template.format(x=filler) for filler in fillers)


_PERSON = (
    "child|children|baby|boy|girl|teenager|teen|adult|person|people|he|she|they|him|her|them|"
    "mum|mother|mom|dad|father|son|daughter|brother|sister|nan|nana|gran|grandma|grandad|"
    "grandmother|grandfather|neighbour|neighbor|man|woman|lady|tenant|resident|friend|wife|"
    "granddaughter|grandson|niece|nephew|aunt|uncle|client|pupil|student|husband|partner|"
    "someone|somebody|i|we|me|us|family|kids"
)
_ABUSER = "he|she|ex|partner|husband|boyfriend|wife|girlfriend|abuser|stepdad"
_HOME = "home|house|flat|place|room|property|hostel|accommodation|bedsit|apartment|digs"
_ROOM = "kitchen|bathroom|flat|bedroom|room|house|home|hall|hallway|lounge|living|toilet"
_BROKEN = (
    "broke|broken|stopped|failed|died|packed|conked|bust|busted|gone|dead|kaput|off|down|"
    "breaking|failing|cut|out|cold|freezing"
)
_ESSENTIALS = (
    "food|gas|electric|heating|nappies|diapers|formula|milk|medication|medicine|meds|insulin|"
    "prescription|prescriptions|meter|shopping|groceries|essentials|tea|dinner|tablets|inhaler|"
    "eat|feed|heat|top"
)
_DATA = "data|details|information|account|money|info|identity|records|files|password"
_DROP = "bridge|roof|building|balcony|train|cliff|car|bus|window"
_CANNOT = ("can not", "unable to")
_CARE_TASK = (
    "give|help|get|wash|feed|dress|put|change|hoist|check|bathe|toilet|do|make|sort|see|visit"
)
_OTHER_PERSON = (
    "neighbour|neighbor|mum|mother|dad|father|he|she|someone|somebody|man|woman|husband|wife|"
    "son|daughter|nan|grandad|gran|brother|sister|friend"
)
_PARTNER = "ex|partner|husband|boyfriend|abuser|stepdad|wife|girlfriend"
_ARRIVE = "come|turn|show|arrive|attend|attended|be|visit|visited|appear|appeared|here"

CONTEXT_RULES: tuple[Rule, ...] = (
    _ctx(
        "CTX_VULNERABLE",
        "child|children|pregnant|elderly|old|pensioner|disabled|disability|ill|sick|cancer|"
        "asthma|asthmatic|copd|oxygen|frail|dementia|wheelchair|bedbound|bedridden|nan|nana|"
        "gran|granny|grandad|grandma|mum|mother|dad|father|son|daughter|poorly|chemo|diabetic|"
        "vulnerable|carer|housebound|twins|pensioners|parkinsons|stroke|mobility|chest|lungs|"
        "heart|pneumonia|bronchitis|arthritis|unwell|medical|illness|epilepsy|hospital|surgery|"
        "operation|terminal|palliative|kidney|dialysis|ms|wife|husband",
        "little ones", "#age",
    ),
    _ctx(
        "CTX_COLD",
        "freezing|cold|winter|snow|snowing|frost|frosty|minus|icy|ice|chilly|shivering|"
        "hypothermia|baltic",
    ),
    _ctx("CTX_NOW", "today|tonight|now|immediately", "this morning|afternoon|evening",
         "at the door", "at the moment"),
    _ctx(
        "CTX_SOON",
        "tomorrow|monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekend",
        "this|next week|month", "in _ days|weeks", "within _? days", "few days",
    ),
    _ctx(
        "CTX_ABUSER",
        "partner|husband|boyfriend|ex|wife|girlfriend|abuser|relationship|stepdad|marriage",
    ),
    _ctx(
        "CTX_CHILD",
        "child|children|safeguarding|vulnerable|protection|mash|son|daughter|boy|girl|teenager|"
        "pupil|pupils|student|class|nursery|school",
        "social care", "social worker", "young person", "year old",
    ),
    _ctx(
        "CTX_SG_URGENT",
        "urgent|urgently|today|now|concern|concerns|concerned|worried|injuries|injury|injured|"
        "bruises|bruising|abuse|abused|harm|risk|danger|referral|refer|disclosed|neglected",
    ),
    _ctx(
        "CTX_CARE",
        "carer|care|agency|medication|meds|insulin|tablets|hoist|hoisting|"
        "bedbound|bedridden|dementia|commode|package", "calls|visits|times a|per day",
    ),
    _ctx(
        "CTX_MONEY",
        "money|benefit|benefits|paid|payment|payments|afford|skint|credit|support|universal|"
        "pension|wages|hb|dhp|pip|esa|£|rent|arrears",
    ),
    _ctx(
        "CTX_STOPPED",
        "stopped|cancelled|canceled|suspended|late|delayed|frozen|halted|missing|sanctioned|"
        "cut|reduced|sanction",
        "not be? paid|come|arrive|received", "have not be paid|come|arrive", "not go in",
        "not come through",
    ),
    _ctx(
        "CTX_DOOR",
        "door|doors|window|windows|lock|locks|entrance|frame|burglary|burgled|secure|"
        "burglars|burglar",
        "broken into", "break in",
    ),
    _ctx(
        "CTX_PERSON",
        "child|children|son|daughter|teenager|teen|girl|boy|foster|mum|dad|mother|father|"
        "grandad|grandma|nan|gran|dementia|care|brother|sister|husband|wife|partner",
        "year old",
    ),
    _ctx(
        "CTX_FAMILY",
        "son|daughter|father|dad|mother|mum|brother|sister|family|uncle|aunt|grandson|nephew|"
        "stepson|stepdaughter|brother-in-law|cousin",
    ),
    _ctx("CTX_DIGITAL", "logged|login|log|session|timed|website|portal|app|browser|password"),
    _ctx(
        "CTX_YOUNG",
        "child|children|toddler|baby|infant|newborn|pupil|pupils|teenager|teen|girl|boy|"
        "nursery|school|grandson|granddaughter|son|daughter|lad|lads|kid|youngster|niece|"
        "nephew", "year old", "young person",
    ),
    _ctx(
        "CTX_ELECTRIC",
        "electric|socket|sockets|plug|plugs|wires|wiring|fuse|fusebox|switch|light|lights|meter",
    ),
    _ctx("CTX_HEATING", "heating|boiler|radiator|heat|heater"),
    _ctx("CTX_ENERGY", "electric|gas|meter|credit|key|card|heating"),
    _ctx(
        "CTX_VENUE",
        "library|leisure|centre|center|hall|school|office|gym|pool|cafe|park|museum|church|"
        "station|shop|showers|fountain|playground|toilets",
    ),
    _ctx("CTX_HOME", "home|flat|house|bedsit|maisonette|my place|our place", "at home"),
    _ctx(
        "CTX_OUTDOOR",
        "pavement|road|roads|street|streets|underpass|garden|park|field|fields|rain|rains|"
        "raining|drain|drains|gutter|gutters|river|canal|pitch|alley|path",
    ),
    _ctx(
        "CTX_PAST",
        "last year|month|week|summer|winter|christmas", "years|months|weeks ago",
        "used to", "in the past",
    ),
    _ctx("CTX_LANDLORD", "landlord|landlady|agent|agents|letting|owner"),
    _ctx("CTX_FRAIL", "dementia|alzheimers|alzheimer|elderly|confused|frail"),
    _ctx("CTX_GAS", "gas|cooker|hob|oven|boiler|fire"),
)

#: Phrases that look like a risk but are not one; a match overlapping a veto is dropped.
VETO_RULES: tuple[Rule, ...] = (
    _ctx(
        "VETO",
        "gas|electric|heating|water bill|bills|supplier|company|tariff|prices|price|account",
        "if i|you|we|someone ever? smell", "ever smell", "in case of a? gas",
        "knife|gun crime|shop|amnesty|statistics|stats|licence|license|club",
        "ambulance station|depot|service|strike|strikes", "fire station|service|brigade|alarm",
        "trapped wind", "fall in income|wages|earnings|prices|pay|numbers|standards|quality",
        "fall last|this year|month|week|summer|winter|christmas", "fall a while|few|couple",
        "fall _? _? ago", *_each("{x} be? in danger", _DATA), *_each("{x} be? at risk", _DATA),
        *_each("{x} be? safe", _DATA),
        "feel|feeling safe|unsafe giving|using|sharing|paying|entering|putting|clicking|opening|"
        "online|ordering|logging",
        "feel safe with the", "flee this|the queue|country|war",
        "flood of", "flooded with", "drowning in", "kill time", "killing time",
        "dying to", "dying for", "to die for", "dying of boredom|laughter|embarrassment",
        "die of boredom|laughter|embarrassment|shame", "died laughing", "nearly died laughing",
        "kill for a", "killing me softly", "bored to death", "scared to death of the",
        "end of the month", "homeless charity|charities|services|service|team|unit|strategy|"
        "hostel|shelter|people|person|persons|families|"
        "prevention|register|fund|officer|officers|assessment|duty|department|section|"
        "reduction|support|advice|services|charity|organisation|organisations|outreach|"
        "persons",
        "emergency repair|repairs|number|numbers|contact|planning|services",
        "shelter volunteer|volunteers|training|donations|staff|funding",
        *_each("hack|breach|leak|data|attack|hackers put|puts _? {x}", "in danger", "at risk"),
        "used to be homeless", "once|previously|formerly homeless",
        "parking|dinner|lunch|school|online|council account|card", "dinner|lunch money",
    ),
)

SELF_HARM_RULES: tuple[Rule, ...] = (
    _rule(
        "self_harm_words", C.SELF_HARM,
        "suicidal", "suicide", "overdose", "selfharm|selfharming",
        "self -? harm|harming|harmed|harms|injury|injuring",
        negation_window=2,
        not_next="prevention awareness training strategy policy squad bomber",
    ),
    _rule(
        "self_harm_kill", C.SELF_HARM,
        "kill|end|ending|take|taking|took|hang|hanging|drown|poison|gas|throw|shoot|stab "
        "myself|himself|herself|themselves|themself",
        "kill|end|ending|take|taking|took my|his|her|their own? life",
        "end|ending it all", "of|about ending|end it", "want|wish it all to end",
        "want|wish it to end", "want|wish it all over", "go|about|want to end it",
        "will end it", *_each("jump|jumping|throw|throwing {x} the|a|my? " + _DROP, "off|from",
                              "in front of"),
        "threatening|threatened|threatens|go|want|wants to jump",
        negation_window=2,
        not_next="with for now",
    ),
    _rule(
        "self_harm_hurt", C.SELF_HARM,
        "harm|harming|hurt|cut|cutting|cuts|melting myself|himself|herself",
        negation_window=2,
    ),
    _rule(
        "self_harm_be_here", C.SELF_HARM,
        "do not want to? be here|around anymore", "do not want to? be here|around any more",
        "do not want to? be alive", "do not want to? live|exist|wake", "want to? die",
        "want to? be dead", "wish i be dead", "wish i be not alive|here|born",
        "rather|prefer be dead", "better off dead", "better off without me",
        "better off if i be dead|gone", "no point living|existing",
        "point in|of living|going|existing|life|carrying", "point in|of being alive|here",
        "no reason to live", "nothing to live for", "can not go on anymore",
        "can not go on any more", "can not do this anymore", "can not do this any more",
        "can not carry on",
        "pills|tablets ready", "take all my|the pills|tablets", "disappear forever",
        "goodbye letter|letters|note|message|messages|post|text|video",
        "ways to die", "had enough of everything|life|living", "point anymore",
        "kill|end|hurt|harm my self", "not worth living", "life be not worth it|living",
        "as well be dead", "stockpiling|stockpiled|hoarding|saving _? pills|tablets|medication|"
        "meds|paracetamol",
        "point any more", "if i be gone|dead", "end my|the suffering|pain",
        "cutting|cut|cuts|burning|burns his|her|their|my arms|wrists|legs|skin|thighs|wrist",
        "written letters to my family", "say goodbye to everyone", "end|ending things|everything",
        "and not wake up", "want to? not wake up", "to sleep forever", "do to myself",
        "do something|anything stupid", "better without me|us", "no longer want to live|exist",
        "no longer want to be here|alive", "take|took|taken|swallowed a? load|lot|handful|bunch|"
        "packet|packets|box|boxes|bottle|loads|lots of pills|tablets|paracetamol|painkillers|"
        "meds|sleeping", "took|taken|swallowed all my|the|her|his pills|tablets|paracetamol|meds",
        negation_window=2,
    ),
)

SAFEGUARDING_RULES: tuple[Rule, ...] = (
    _rule(
        "sg_terms", C.SAFEGUARDING,
        "child protection", "child|children abuse", "cuckooing|cuckooed",
        "safeguarding referral|concern|concerns|issue|alert|emergency|incident|matter|report",
        "report|make|making|raise|raising a|an adult|child? safeguarding",
        "at risk of harm|significant|abuse|being|serious|exploitation|neglect|violence|danger",
        "financially|sexually|physically abused", "financial|sexual abuse", "being exploited",
        "being groomed", "grooming", "taken advantage of", "taking advantage of her|him|them",
        "disclosed abuse|that", "disclosure of abuse", "out of his|her|their savings|pension",
        "allegation|allegations of abuse|neglect|harm", "being|be locked|kept in their|his|her|a|"
        "the room|rooms|cupboard|cellar|bedroom", "using his|her|their flat|home|house to",
        "deal|dealing|selling drugs from|in|out of his|her|their flat|home|house",
        "not answer|answered|answering the? door|phone? in|for _? days", "squalor",
        "self -? neglect", "shake|shakes|shaking|shook the|her|his|a? baby|child",
        "forced to carry|sell|deal|work|steal", "county lines",
        "wandering|wanders|wandered into|onto|in the road|street|traffic",
        "carer|carers|staff|worker|nurse hit her|him|them",
        "dragging|dragged|grabbing|grabbed|snatching|snatched a|the _? child|children|girl|boy",
        not_next="policy training course courses procedures procedure team lead board",
    ),
    _rule(
        "sg_person_at_risk", C.SAFEGUARDING,
        f"{_PERSON} be? at risk", f"{_PERSON} be? in danger", "in immediate|real|serious danger",
        "in danger", "someone be in danger", "life be in danger",
        not_next="of",
    ),
    _rule(
        "sg_not_safe", C.SAFEGUARDING,
        "i|we|children|child|they|he|she be not safe", "do not feel safe",
        "feel|feeling unsafe", "not safe at home",
        unless=("CTX_ABUSER",),
    ),
    _rule(
        "sg_abused", C.SAFEGUARDING,
        "being abused|neglected|hurt|harmed|mistreated|beaten", "be abused|neglected|mistreated",
        "abused at home", "neglecting the|her|his|their children|child|mum|dad|mother|father",
        "unexplained injuries|bruises|bruising|marks", "with injuries|bruises|bruising",
        "not be fed", "have not be fed", "not have food for days",
        "no adults|adult in|at|with|around", "without an|any adult|adults",
        "stealing|taking|steal|took|stole|steals|take|takes her|his|their _? money|savings|"
        "pension|cards|card|benefits",
    ),
    _rule(
        "sg_child_signals", C.SAFEGUARDING,
        "hit the|her|his|their|my? children|child|son|daughter",
        "touch|touches|touched|touching her|him|them|me inappropriately|sexually?",
        "crying|screaming for hours|days|ages", "disclosed", "left home? alone|unattended",
        "never there|home|around", "not look after|feed|feeding|feeds",
        "boyfriend|stepdad|partner|dad|father|mum|mother|uncle hit her|him|them",
        "left on their|his|her own", "home alone", "wandering alone|around|about",
        "wandering on his|her|their own", "wandering around on his|her|their own",
        needs=("CTX_CHILD",), not_prev="i me we", not_next="base",
    ),
    _rule(
        "sg_frail_wandering", C.SAFEGUARDING, "wandering|wanders|wandered|wander|lost",
        needs=("CTX_FRAIL",), not_next="around",
    ),
    _rule(
        "sg_young_alone", C.SAFEGUARDING,
        "on his|her|their own", "older|adult men|man", "met online", "no adult|adults",
        "parents|mum|dad|adults|mother|father be|have? be? gone|away|out|missing since|for|all",
        "burn|burns|burned|burnt him|her|them", "strangers|stranger", "left in a|the car|van",
        "drunk|intoxicated|wasted|high", "scared|afraid to go home",
        needs=("CTX_YOUNG",), not_prev="i me we live lives living",
    ),
    _rule(
        "sg_not_seen", C.SAFEGUARDING,
        "have|be not be seen", "not seen for|since|in _? days", "nobody have seen",
        "missing person", "have? go missing", "run|ran away from home|care",
        needs=("CTX_PERSON",), not_next="to",
    ),
    _rule(
        "sg_worried_child", C.SAFEGUARDING,
        "worried|concerned|concern|concerns about|for a|the|my|this|that? child|children|girl|boy",
        "worried|concerned about the? welfare",
        not_next="'s ' data details info information records school place education future",
    ),
    _rule(
        "sg_referral", C.SAFEGUARDING,
        "referral to children|child 's? services|social",
        "referral to social care|services|workers", "mash referral|form|team",
        "make|making|submit|submitting|send|do a|an urgent? referral",
        "speak to a? social worker", "contact|call a? social worker",
        needs=("CTX_CHILD",),
    ),
    _rule(
        "sg_childrens_services", C.SAFEGUARDING,
        "children|child 's? services", "children|child 's? social care", "duty social worker",
        "social worker urgently",
        needs=("CTX_SG_URGENT",),
    ),
)

DOMESTIC_ABUSE_RULES: tuple[Rule, ...] = (
    _rule(
        "da_terms", C.DOMESTIC_ABUSE,
        "domestic abuse|violence|abused", "da|dv survivor|victim", "abuser",
        "abusive relationship", "coercive|controlling behaviour|behavior|control|relationship",
        "refuge", "non -? molestation order", "nonmolestation|molestation order",
        "restraining order", "stalking|stalker|stalks|stalked", "honour based",
        "forced marriage",
        not_next="service services policy training strategy funding research awareness "
                 "team week course charity charities officer coordinator figures statistics "
                 "stats collection collections lorry",
    ),
    _rule(
        "da_hits_me", C.DOMESTIC_ABUSE,
        "hit|kicked me|us", "raped me", "i|we be being abused|hit|threatened|stalked|followed",
        "locked|locks|locking me|us in",
        not_prev="it this that bill car ball", not_next="out",
    ),
    _rule(
        "da_violent", C.DOMESTIC_ABUSE,
        "violent|abusive|aggressive|controlling|coercive|jealous",
        "threatened|threatening|threatens|threaten me|us",
        "threatened|threatening|threatens|threaten to kill|hurt|harm|stab|attack",
        "be hit|attacked|beaten|hurt by", "go to kill me|us", "will kill me|us",
        "scared of|to my|him|her|ex|partner|husband|boyfriend|leave|go",
        "scared he|she|ex|partner|husband|boyfriend", "they will|might|can|would? find me|us",
        "took|takes|take|smashed|broke my phone|keys|passport|money",
        "will|do not let me leave|go|out|see|have|work",
        needs=("CTX_ABUSER",),
    ),
    _rule(
        "da_find_me", C.DOMESTIC_ABUSE,
        f"{_ABUSER} will|might|can|would|be|go? to? find|track me|us",
        f"{_ABUSER} will|might|can|would? find out where i|we live|be",
        f"{_ABUSER} have? found|find|know|knows|knew|finds out? where i|we live|be|stay",
        f"{_ABUSER} have? found|find|know|knows|knew|finds|got out? my|our new? address",
        "found out where i|we live", "find out where i|we live", "find where i|we live",
        "hiding|hide from my|him|her|ex|partner|husband",
        f"{_ABUSER} keep|be|have? threatening|threatened|threatens me|us",
        f"{_ABUSER} will|do? not let me leave|go|out|see",
        f"{_ABUSER} have? found|find|know|knows|knew|finds out? where i|we|she|he|they live|stay",
        "ran|run|running|get|got away from him|her|my|partner|husband|ex|boyfriend",
        "escaped|escaping|escape from? him|her|my|partner|husband|ex|boyfriend",
        "said|says he|she|they will|would|go to? kill|hurt|stab me|us",
        "told me he|she|they will|would|go to? kill|hurt|stab me|us",
        "he|she|ex|partner|husband|boyfriend|girlfriend|wife|abuser broke|smashed|kicked|bashed "
        "my|the|our door|window|windows|phone|things|stuff",
        f"{_ABUSER} follows|followed|following|stalks me|us", "kicked things|stuff|objects? at me",
        "hit my mum|mother|mom|sister|brother|wife|husband|partner|nan|gran|grandma",
        f"{_ABUSER} keep? turns|turning|turned up at my|our work|house|door|flat|home|school",
        f"{_PARTNER} be|keep? waiting|outside|turning|following|watching|parked",
        f"{_ABUSER} watch|watches|watching|check|checks|checking|track|tracks|tracking|monitors|"
        "controls everything|my",
    ),
    _rule("da_fleeing", C.DOMESTIC_ABUSE, "fleeing", not_next="lol"),
    _rule(
        "da_harass", C.DOMESTIC_ABUSE, "harassing|harassed|harasses|harassment",
        "knows|know|found|got|has my|our new? address", needs=("CTX_ABUSER",),
    ),
    _rule(
        "da_family", C.DOMESTIC_ABUSE, "violent|abusive|aggressive towards|to me|us",
        needs=("CTX_ABUSER", "CTX_FAMILY"),
    ),
    _rule(
        "da_threat", C.DOMESTIC_ABUSE,
        "threatened|threatening|threatens|threaten to kill|hurt|harm|stab|strangle me|us",
        "violent|abusive man|men|partner|husband|boyfriend|ex|relationship|father|dad|stepdad",
    ),
    _rule(
        "da_not_safe", C.DOMESTIC_ABUSE,
        "i|we be not safe", "do not feel safe", "feel|feeling unsafe", "not safe at home",
        "scared to go home", "scared for my life",
        needs=("CTX_ABUSER",),
    ),
)

GAS_RULES: tuple[Rule, ...] = (
    _rule(
        "gas", C.GAS_LEAK,
        "smell gas", "smell of|like|off gas", "smell _? of|like gas", "gas smell",
        "gas leak|leaking|leaks|escape|escaping|explosion", "leaking|leak gas", "hissing _? gas",
        "gas _? leaking|leak|leaks|hissing|escaping",
        "gas pipe|main|meter|supply|hob|cooker|fire _? be? damaged|broken|cracked|hissing|"
        "leaking",
        "carbon? monoxide|co alarm|detector|monitor be|keep? go|went|sounding|beeping|"
        "ringing|sounded|beeps|bleeping|screaming|off|flashing|alarming",
        "leak|leaking|leaks from|in the|my|our? gas", "rotten eggs",
        "carbon? monoxide|co alarm|detector|monitor have? go|went off", "monoxide",
        not_next="bill bills safety alarm alarms detector detectors check checks test tests "
                 "testing fitted",
    ),
)

GAS_CONTEXT_RULES: tuple[Rule, ...] = (
    _rule("gas_no_flame", C.GAS_LEAK, "no flame", needs=("CTX_GAS",)),
)

HOMELESS_RULES: tuple[Rule, ...] = (
    _rule(
        "homeless_now", C.HOMELESS_TONIGHT,
        "homeless tonight|today|now|right",
        "i|we|me|us|family|son|daughter|he|she|they|children|mum|dad be|will? be? "
        "now|currently|still|literally|actually|officially|completely? homeless",
        "about|go to be homeless", "made|make|making|become|becoming|left|leave "
        "me|us|them? homeless", "will be homeless", "facing homelessness", "street homeless",
    ),
    _rule(
        "nowhere", C.HOMELESS_TONIGHT,
        "nowhere else? safe? to sleep|stay|go|live", "no where else? safe? to sleep|stay|go|live",
        "no place to sleep|stay", "no roof over", "no bed tonight",
        "sleep rough|ruff", "rough sleep|sleeper",
        "sleep|living|live|staying|stay|stuck in|on my|the|a _? car|park|van|tent|bench|street|"
        "station|doorway|shelter|stop", "on the street tonight|now|for|since", "out on the street",
        "living on the street", "emergency housing|accommodation|shelter|bed", "night shelter",
        "where can|do|will|shall i|we sleep|stay|go tonight", "somewhere to sleep|stay tonight",
        "need a bed|room|roof tonight", "place to sleep|stay tonight",
        "need|needs somewhere to sleep|stay|live", "no home to go", "no accommodation",
        "i|we be? sleep in|on|at a|the|my _? stairwell|stairs|hallway|corridor|bus|garage|shed|"
        "floor|sofa|couch",
        "have|must to? be out tonight|today|by", "want|wants me|us out tonight|today|now",
        "i|we|me|us|children|family be|will|end|go? up? be? on the street",
        "landlord|he|she|they|partner|husband|mum|dad will|do? not let me|us in|back|home",
        "kicked all? my|our stuff|things|belongings|bags out",
        not_next="costs charges",
    ),
    _rule(
        "homeless_bare", C.HOMELESS_TONIGHT, "homeless",
        not_prev="the for help helping with about of support supporting volunteer my our a",
        not_next="application applications",
    ),
    _rule("have_nowhere", C.HOMELESS_TONIGHT, "have nowhere", not_next="to"),
    _rule("homeless_tonight_ctx", C.HOMELESS_TONIGHT, "homeless", needs=("CTX_NOW",)),
    _rule("locks_changed", C.HOMELESS_TONIGHT, "changed|change the? locks",
          needs=("CTX_LANDLORD",)),
    _rule(
        "lost_home", C.HOMELESS_TONIGHT, f"lost my|our {_HOME}",
        not_next="keys key insurance documents deposit",
    ),
    _rule(
        "kicked_out", C.HOMELESS_TONIGHT, "kicked me|us|him|her|them? out",
        not_next="of", not_prev="it system site website portal app page chat form and",
        unless=("CTX_DIGITAL",),
    ),
    _rule(
        "out_of_home", C.HOMELESS_TONIGHT,
        f"kicked me|us? out of my|the|our|his|her? {_HOME}",
        f"locked out of my|the|our? {_HOME}",
        "landlord|he|she|they|partner|husband|mum|dad locked me|us out",
        "landlord|he|she|they|partner|husband have? changed|change the locks",
        "illegally evicted", "illegal eviction",
        f"must|have to leave the|my? {_HOME}? today|tonight",
        f"told me|us to leave the|my? {_HOME}? today|tonight|now",
    ),
    _rule("bailiffs_here", C.HOMELESS_TONIGHT, "bailiffs be here|outside|at"),
    _rule("evicted_now", C.HOMELESS_TONIGHT, "evicted", needs=("CTX_NOW",)),
    _rule(
        "evicted_past", C.HOMELESS_TONIGHT, "evicted", unless=("CTX_SOON", "CTX_NOW", "CTX_PAST"),
    ),
)

UNSAFE_HOME_RULES: tuple[Rule, ...] = (
    _rule(
        "electrics", C.UNSAFE_HOME,
        "spark", "exposed|bare|live wires|wiring|wire", "electric shock",
        "wires|wiring|cables hanging|sticking|exposed",
        "shock from the|a|my? light|switch|socket|plug|cooker|shower|tap|wall|kettle",
        "melting smell", "smell of? melting",
        "smoke|melting come|pouring? out? of|from the|my|a|our? electric? socket|plug|fuse|switch|"
        "meter|light|wall|sockets|plugs|cooker|fusebox",
        "socket|sockets|plug|plugs|fuse|fusebox|wires|wiring|switch|meter|box _? _? _? be? "
        "melting|spark|hot|buzzing", "fuse box on fire", "fusebox on fire", "melting socket|plug",
        "total|complete electric loss|failure|outage|cut",
        "no electric at all|anywhere", f"no electric in|to the|my|our whole? {_HOME}|building",
        "water in|into|near|on|through the|my? electric|light|lights|socket|sockets|fuse|fusebox",
        "leaking|dripping|pouring|come|leak onto|into|on|through|in the|my? electric? light|"
        "lights|socket|sockets|fuse|fusebox|wires|wiring|electric",
    ),
    _rule(
        "electrics_noise", C.UNSAFE_HOME, "buzzing|crackling|fizzing|arcing",
        needs=("CTX_ELECTRIC",),
    ),
    _rule(
        "structure", C.UNSAFE_HOME,
        "building|wall|walls|ceiling|floor|roof|balcony|stairs be? moving|shaking|collapsing|"
        "subsiding|sinking|bowing|crumbling", "giving way",
        "come|pouring|running|streaming|gushing|dripping down the|my? walls|wall|ceiling",
    ),
    _rule(
        "insecure", C.UNSAFE_HOME,
        *_each("{x} lock|secure the|my|our? front|back? door|window|flat|house|home", *_CANNOT),
        "will|can|do not lock|shut|close|secure",
        "door|window|lock|locks|entrance|frame be? broken|smashed|kicked|bust|busted|forced|"
        "damaged|snapped",
        "door|window|lock|locks|entrance have be broken|smashed|kicked|bust|busted|forced|damaged",
        "door|window kicked|smashed|forced in|open|down",
        "window|frame fallen|come|falling out|in|off", "anyone can walk|get in",
        "not secure", "insecure",
        needs=("CTX_DOOR",),
        not_prev="cupboard wardrobe shower cabinet oven car garage shed fridge kitchen gate bin "
                 "padlock bike cycle store",
    ),
    _rule(
        "flooding", C.UNSAFE_HOME, "flooding", unless=("CTX_OUTDOOR_ONLY",),
        not_next="with by defence defences risk alert alerts warning warnings consultation "
                 "insurance map maps scheme of underpass road roads street streets park field "
                 "fields pitch tunnel subway lane path footpath pavement garden",
        not_prev="street road roads streets high river",
    ),
    _rule(
        "water_damage", C.UNSAFE_HOME,
        "burst _? pipe|pipes|tank", "pipe|pipes|tank|cylinder have? burst|bursted",
        "water pouring|come|leaking|gushing|pour|pours|leaks|running|flowing|dripping|pissing|"
        "flooding through|from|into|in|down the|my|our? _? ceiling|roof|floor|wall|walls|light|"
        "lights|socket|electric|fitting",
        "water have? be pouring|come|leaking|gushing|running|flowing|dripping through|from|into|"
        "in|down the|my|our? _? ceiling|roof|floor|wall|walls|light|lights|socket",
        "pouring|gushing|cascading|streaming|flooding|pour|pours through|down|from the|my|our? "
        "_? ceiling|roof|light|lights",
        f"pouring|gushing|cascading|streaming into|through|in the|my|our? {_ROOM}",
        "leak|leaking from upstairs|above", "leak from the flat|roof|ceiling above?",
        "water everywhere", "ceiling _? _? _? _? have? be? come|fallen|collapsed|caved|"
        "collapsing|falling down|in", "ceiling collapse|collapsed|fallen",
        "ceiling|roof|wall be? about to collapse|fall|come", "ceiling|roof be? bulging|sagging",
        not_next="with by defence defences risk alert alerts warning warnings consultation "
                 "insurance map maps scheme of underpass road roads street streets park field "
                 "fields pitch tunnel subway lane path footpath pavement garden",
        not_prev="street road roads streets high river",
    ),
)

_HEAT_NOUNS = ("heating|boiler|radiator|heat", "hot water", "central heating")

HEATING_RULES: tuple[Rule, ...] = (
    _rule(
        "no_heat", C.NO_HEATING_OR_WATER,
        "no|without central? heating|heat|water", "no hot|running water",
        "no heating or|and hot? water", "no hot water or|and heating",
        "not have|got any? heating|heat|water", "have not have any? heating|heat|hot|water",
        "heating|water be? off for|since", "heating|water|gas have? be? cut|turned|switched off",
        "no water from|come|out", "no heating|heat or|and electric",
        "no electric or|and heating|heat|gas", "taps not work|working",
        "without hot? water|heating|heat", "water|gas|heating supply have? be? off|cut",
        "water|gas|heating have|be be? off|cut", "no gas",
        not_next="tank meter bill bills pressure cylinder repair repairs engineer booking "
                 "appointment form forms grant grants help rates softener company board "
                 "fountain fountains safety check checks certificate supplier engineer",
        unless=("CTX_VENUE_ONLY",),
    ),
    _rule(
        "heat_broken", C.NO_HEATING_OR_WATER,
        *_each("{x} be|have|keep? " + _BROKEN, *_HEAT_NOUNS),
        *_each("{x} be|have|keep? be " + _BROKEN, *_HEAT_NOUNS),
        *_each("{x} be|have|do? not work|working|worked|on|come", *_HEAT_NOUNS),
        *_each("{x} have? stopped working", *_HEAT_NOUNS),
        *_each("{x} be|have? packed up|in", *_HEAT_NOUNS),
        *_each("{x} go|keep off|out|down|cold", *_HEAT_NOUNS),
        *_each("{x} be stone cold", *_HEAT_NOUNS),
        "heating be not",
        needs=("CTX_VULNERABLE", "CTX_COLD"), unless=("CTX_VENUE_ONLY",),
        not_prev="library leisure centre center hall office school pool gym church shop",
    ),
    _rule(
        "heating_and_cold", C.NO_HEATING_OR_WATER, "freezing|frozen|cold|shivering",
        needs=("CTX_HEATING",), also_needs=("CTX_VULNERABLE",), unless=("CTX_VENUE_ONLY",),
        not_next="the council rent rents",
    ),
    _rule(
        "freezing_home", C.NO_HEATING_OR_WATER,
        f"{_HOME} be freezing|cold", "we|i be freezing",
        needs=("CTX_VULNERABLE",),
        not_next="the council rent rents",
    ),
)

NO_MONEY_RULES: tuple[Rule, ...] = (
    _rule(
        "cant_afford", C.NO_MONEY_FOR_ESSENTIALS,
        f"no money|credit for my|the|any|some|baby? _? {_ESSENTIALS}",
        f"no money|credit left for my|the|any? {_ESSENTIALS}",
        "no money to buy|get|pay|feed|eat|heat|top", "no money until",
        f"not have any? money|cash for|to|left for? {_ESSENTIALS}",
        f"not have any? money|cash for|to buy|get my|the|any|some|baby? _? {_ESSENTIALS}",
        f"no {_ESSENTIALS} or|and gas|electric? credit",
        "no gas|electric|emergency|credit|money on|in|left on? the|my meter",
        "no gas|electric|emergency credit", "no credit left", "on emergency credit",
        *_each("{x} afford|buy|get|top up? " + _ESSENTIALS, *_CANNOT),
        *_each("{x} afford|buy|get|top up? my|the|any|some|baby _? " + _ESSENTIALS, *_CANNOT),
        *_each("{x} pay for my|the|any|some|baby? _? " + _ESSENTIALS, *_CANNOT),
        *_each("{x} afford to eat|heat|feed", *_CANNOT), "can not feed", "nothing to feed",
        "nothing to eat", "nothing in the cupboards|fridge|house",
        "children|child|son|daughter be? hungry|starving",
        "have not eaten|ate for|in|since", "not eaten|ate for|in|since",
        "ran|run|running out of money", "food bank|foodbank voucher|parcel",
        "no money at all|whatsoever", "not a penny", "living on nothing", "heat or eat",
        "heating or|and eating", "between heating|eating|food and", "electric|gas|meter|credit "
        "have? run|ran out", "not have _? _? food|meal|meals for|in|since",
        "not have a? proper? meal|meals in|for|since", "nothing to give the|my children|child",
        "nothing for the|my children|child", "go to bed hungry|starving",
        "out of gas|electric|emergency credit", "out of credit",
        negation_window=2,
        not_next="waste bin bins caddy caddies collection collections recycling liners hygiene "
                 "van bank banks",
    ),
    _rule("no_money_left", C.NO_MONEY_FOR_ESSENTIALS, "no money left", not_next="on in"),
    _rule(
        "no_food", C.NO_MONEY_FOR_ESSENTIALS, "no food",
        negation_window=2, unless=("CTX_VENUE_ONLY",),
        not_next="waste bin bins caddy caddies collection collections recycling liners hygiene "
                 "van bank banks allowed",
    ),
    _rule(
        "top_up", C.NO_MONEY_FOR_ESSENTIALS, *_each("{x} top up", *_CANNOT),
        needs=("CTX_ENERGY",),
    ),
    _rule(
        "no_money_benefit_stopped", C.NO_MONEY_FOR_ESSENTIALS,
        "no money", "nothing left", "skint|penniless|destitute", "starving|hungry",
        "food bank|foodbank", "only have £ _", "have £ _ left|to", "£ _ left",
        "meter be? empty|on emergency", "run|ran out of credit", "to my name",
        "no dinner|tea|breakfast|lunch|meal|meals", "my|our last £|pound|fiver|tenner",
        "last few pounds",
        needs=("CTX_STOPPED",),
        negation_window=2,
    ),
    _rule(
        "eviction_soon", C.NO_MONEY_FOR_ESSENTIALS,
        "evicted", "evict", "eviction", "bailiffs come|booked", "possession hearing|order|warrant",
        "court date",
        needs=("CTX_SOON",),
    ),
    _rule(
        "eviction_benefit", C.NO_MONEY_FOR_ESSENTIALS,
        "evict me|us", "go to evict", "will be evicted", "risk of eviction",
        "facing eviction", "threatened with eviction", "possession hearing|warrant",
        "eviction notice", "bailiffs",
        needs=("CTX_MONEY",),
    ),
)

MISSED_CARE_RULES: tuple[Rule, ...] = (
    _rule(
        "carer_no_show", C.MISSED_CARE_VISIT,
        f"carer|agency have|be|do? not yet? {_ARRIVE}|send|sent",
        f"care|support worker|workers|staff|company have|be|do? not yet? {_ARRIVE}|send|sent",
        "care|support worker|workers no -? show", "carer no -? show",
        f"no carer have? be? {_ARRIVE}|today|since|yet",
        "missed care|carer visit|visits|call|calls",
        "care|carer visit|visits|call|calls be|have? be? missed|cancelled|canceled",
        "carer missed", f"home help|helper have|be|do? not {_ARRIVE}",
        f"carer|agency|worker|workers|staff|care|company fail|failed to {_ARRIVE}",
        negation_window=0,
    ),
    _rule(
        "missed_visits", C.MISSED_CARE_VISIT,
        "missed visit|visits|calls",
        "visit|visits|call|calls|care have|be? be? missed|cancelled|canceled",
        "visit|visits|call|calls|care have|do? not happen|happened",
        f"nobody have? {_ARRIVE} up? to {_CARE_TASK}",
        f"no one have? {_ARRIVE} up? to {_CARE_TASK}",
        f"nobody _? _? _? _? have? {_ARRIVE}",
        f"no one _? _? _? _? have? {_ARRIVE}",
        "supposed|meant|due to come|visit|arrive", "not show|turn up|arrive|come",
        "cancelled|canceled|missed _? _? _? visits|visit|calls",
        needs=("CTX_CARE",), negation_window=0,
    ),
    _rule(
        "nobody_came_meds", C.MISSED_CARE_VISIT,
        f"nobody|noone have? {_ARRIVE} up? to give|help",
        f"no one have? {_ARRIVE} up? to give|help",
        needs=("CTX_CARE",), negation_window=0,
    ),
)

GENERAL_RULES: tuple[Rule, ...] = (
    _rule(
        "general", C.GENERAL,
        "not breathing", "can not breathe|breath", "struggling to breathe|breath",
        "difficulty breathing", "collapsed", "unconscious|unresponsive",
        "having a seizure|fit|stroke|heart", "seizure", "heart attack", "chest pain|pains",
        "have? had a fall", "fallen over|down|and|in", f"{_PERSON}|i have? fallen",
        "on fire", "fire in|at the|my|our? _? building|flat|block|house|kitchen|bin|bins|"
        "stairwell|corridor|hallway|home|tower", "asthma attack", "allergic reaction",
        "anaphylaxis|anaphylactic", "car|road crash|accident", "hit by a car|bus|van|lorry",
        "not moving|responding", "lying on the floor|ground", "house|flat|kitchen|chip fire",
        "choking", f"{_OTHER_PERSON} be dead", "burned|burnt down",
        "fire !", "there be a fire", "smoke be? come|pouring|filling|"
        "everywhere", "smoke in the", "filling|filled|full with|of smoke",
        "knife|gun|machete|weapon|weapons", "ambulance", "life -? threatening",
        "life or death", "trying to break|get in|into my|the|our? flat|house|home|door|window",
        "break|breaking into my|our|the? flat|house|home", "stuck|trapped in the? lift",
        "lift be? stuck", "trapped", "bleeding heavily|badly", "bleeding a lot", "be bleeding",
        "swallowed bleach|pills|tablets|battery|batteries|poison|chemicals",
        "been stabbed", "stabbed", "explosion",
        not_next="behind out off through alarm alarms safety door doors test testing drill "
                 "escape risk exit",
        not_prev="what fire website site system portal server page network",
    ),
)

RULES: tuple[Rule, ...] = (
    CONTEXT_RULES + VETO_RULES + SELF_HARM_RULES + SAFEGUARDING_RULES + DOMESTIC_ABUSE_RULES
    + GAS_RULES + GAS_CONTEXT_RULES + HOMELESS_RULES + UNSAFE_HOME_RULES + HEATING_RULES
    + NO_MONEY_RULES + MISSED_CARE_RULES + GENERAL_RULES
)

_CLAUSE_BREAKS = frozenset({"but", "and", "so", "because", "cos", "coz", "then", "though",
                            "however", "although", "while", "whereas", "or"})
_NEGATORS = frozenset({"not", "no", "nobody", "none", "without", "neither", "nor"})
_PSEUDO_NEGATION_NEXT = frozenset({"only", "just", "sure", "stop", "know", "matter", "even",
                                   "think", "able", "longer"})
_AGE_REGEX = r"^(6[5-9]|[7-9]\d|10\d|110)$"


def _token_pattern(part: str) -> dict:
    optional = part.endswith("?") and len(part) > 1
    part = part[:-1] if optional else part
    if part == "_":
        token: dict = {}
    elif part == "#age":
        token = {"TEXT": {"REGEX": _AGE_REGEX}}
    else:
        words = sorted({canonical(word.lower()) for word in part.split("|")})
        token = {"NORM": words[0]} if len(words) == 1 else {"NORM": {"IN": words}}
    if optional:
        token["OP"] = "?"
    return token


def compile_pattern(spec: str) -> list[dict]:
    """Translate one pattern string into a spaCy Matcher token pattern."""
    return [_token_pattern(part) for part in spec.split()]


#: Words so common that indexing a pattern under them would not narrow anything down.
_COMMON = frozenset(
    "be have do not i a an the to my me of in on for and it you we he she they no can will go "
    "get at with is this that out up all what so our us your their his her him them any some "
    "there from by as or but if about".split()
)


def _required_sets(pattern: list[dict]) -> list[frozenset[str]]:
    """The word sets of a pattern's required literal tokens, most selective first."""
    sets = []
    for token in pattern:
        norm = token.get("NORM")
        if norm is None or token.get("OP") == "?":
            continue
        sets.append(frozenset([norm]) if isinstance(norm, str) else frozenset(norm["IN"]))
    return sorted(sets, key=lambda words: (bool(words & _COMMON), len(words)))


class _Engine:
    """The blank spaCy pipeline and one matcher per rule, built once per process.

    spaCy's Matcher evaluates every pattern at every token, and several hundred patterns with
    word sets cost over a millisecond. So each pattern is also indexed under its most selective
    required word; a message only runs the matchers of rules that have a pattern whose required
    words are all present, which is usually none or a handful.
    """

    def __init__(self, rules: Iterable[Rule]) -> None:
        import spacy  # imported here: spaCy pulls in heavy deps that advice-only users skip
        from spacy.language import Language
        from spacy.matcher import Matcher

        if not Language.has_factory("council_triage_normaliser"):
            Language.component("council_triage_normaliser", func=_normalise)
        self.nlp = spacy.blank("en")
        self.nlp.add_pipe("council_triage_normaliser")
        for word in set(_LOOKUP.values()):
            self.nlp.vocab.strings.add(word)
        self.rules: list[tuple[Rule, Matcher]] = []
        self.always: list[int] = []
        self.index: dict[str, list[tuple[int, tuple[frozenset[str], ...]]]] = {}
        for number, rule in enumerate(rules):
            patterns = [compile_pattern(spec) for spec in rule.patterns]
            matcher = Matcher(self.nlp.vocab)
            matcher.add(rule.key, patterns)
            self.rules.append((rule, matcher))
            self._index_rule(number, patterns)

    def _index_rule(self, number: int, patterns: list[list[dict]]) -> None:
        for pattern in patterns:
            required = _required_sets(pattern)
            if not required:
                self.always.append(number)
                continue
            for word in required[0]:
                self.index.setdefault(word, []).append((number, tuple(required[1:])))

    def _rules_to_run(self, norms: set[str]) -> list[int]:
        chosen = set(self.always)
        for word in norms:
            for number, rest in self.index.get(word, ()):
                if number not in chosen and all(not s.isdisjoint(norms) for s in rest):
                    chosen.add(number)
        return sorted(chosen)

    def _raw_matches(self, doc: Doc) -> list[tuple[Rule, Span]]:
        found: list[tuple[Rule, Span]] = []
        for number in self._rules_to_run({token.norm_ for token in doc}):
            rule, matcher = self.rules[number]
            found.extend((rule, doc[start:end]) for _, start, end in matcher(doc))
        return found

    def candidates(self, text: str) -> list[tuple[Rule, Span]]:
        """Category matches that pass their context, veto and negation checks."""
        found = self._raw_matches(self.nlp(text))
        contexts = {rule.key for rule, _ in found if rule.category is None}
        if "CTX_HOME" not in contexts:
            contexts.update(f"{label}_ONLY" for label in ("CTX_VENUE", "CTX_OUTDOOR")
                            if label in contexts)
        vetoes = [span for rule, span in found if rule.key == "VETO"]
        return [
            (rule, span)
            for rule, span in found
            if rule.category is not None
            and _applies(rule, span, contexts)
            and not any(span.start < veto.end and veto.start < span.end for veto in vetoes)
        ]


def _applies(rule: Rule, span: Span, contexts: set[str]) -> bool:
    """Context, neighbour vetoes and negation for one candidate match."""
    if rule.needs and not contexts.intersection(rule.needs):
        return False
    if rule.also_needs and not contexts.intersection(rule.also_needs):
        return False
    if rule.unless and contexts.intersection(rule.unless):
        return False
    doc = span.doc
    if rule.not_next and span.end < len(doc) and doc[span.end].norm_ in rule.not_next:
        return False
    if rule.not_prev and span.start > 0 and doc[span.start - 1].norm_ in rule.not_prev:
        return False
    return not _negated(span, rule.negation_window)


def _negated(span: Span, window: int) -> bool:
    """A negator within `window` tokens before the match, in the same clause."""
    doc = span.doc
    for i in range(span.start - 1, max(span.start - window, 0) - 1, -1):
        token = doc[i]
        if token.is_punct or token.norm_ in _CLAUSE_BREAKS:
            return False
        if token.norm_ in _NEGATORS:
            following = doc[i + 1].norm_
            return token.norm_ == "no" or following not in _PSEUDO_NEGATION_NEXT
    return False


def _keep_longest(found: list[tuple[Rule, Span]]) -> list[tuple[Rule, Span]]:
    """Drop a match that overlaps a strictly longer one ("no electric on the meter" wins)."""
    kept: list[tuple[Rule, Span]] = []
    for rule, span in sorted(found, key=lambda item: len(item[1]), reverse=True):
        if not any(span.start < other.end and other.start < span.end and len(other) > len(span)
                   for _, other in kept):
            kept.append((rule, span))
    return kept


_engine: _Engine | None = None
_engine_lock = threading.Lock()


def _get_engine() -> _Engine:
    global _engine
    if _engine is None:
        with _engine_lock:
            if _engine is None:
                _engine = _Engine(RULES)
    return _engine


def warm_up() -> None:
    """Build the matcher now (server start) rather than on the first resident's message."""
    _get_engine()


def detect_risk(text: str) -> RiskMatch | None:
    """The most serious urgent category the text shows, or None when nothing urgent is seen."""
    if not text or not text.strip():
        return None
    found = _keep_longest(_get_engine().candidates(text))
    best: tuple[int, int, UrgentCategory, str] | None = None
    for rule, span in found:
        if rule.category is None:
            continue
        key = (_RANK[rule.category], span.start, rule.category, span.text)
        if best is None or key[:2] < best[:2]:
            best = key
    return None if best is None else RiskMatch(category=best[2], phrase=best[3])


# --------------------------------------------------------------------------------------------
# First reply for each situation. Plain GSM-7 text (no curly quotes or long dashes) so an SMS
# is not forced into UCS-2 and split into many parts.
# --------------------------------------------------------------------------------------------

_HAND_OFF = (
    "We will ask a person from {council} to contact you. "
    "The next question is only to find a safe way to reach you."
)

_ADVICE: dict[UrgentCategory, str] = {
    C.SELF_HARM: (
        "Thank you for telling us. Are you safe right now? If you have hurt yourself or "
        "might act on these thoughts, call 999. Samaritans are free to call, day or night, "
        "on 116 123."
    ),
    C.SAFEGUARDING: (
        "Thank you for telling us. Are you, and the person you are worried about, safe "
        "right now? If anyone is in immediate danger, call 999. Otherwise call the "
        "out-of-hours line on {phone}. If you are a professional and the referral portal is "
        "down, please phone the referral through rather than wait."
    ),
    C.DOMESTIC_ABUSE: (
        "Thank you for telling us. Are you safe right now? If you are in danger, call 999. "
        "If you cannot speak, call 999 then press 55 when asked. The National Domestic Abuse "
        "Helpline "
        "is free and open 24 hours: 0808 2000 247."
    ),
    C.GAS_LEAK: (
        "Are you safe right now? Call the National Gas Emergency line now: 0800 111 999 "
        "(free, 24 hours). Open doors and windows, do not use flames or electric switches, "
        "and turn the gas off at the meter if you can. If an alarm is sounding or anyone feels "
        "unwell, go outside and call 999."
    ),
    C.HOMELESS_TONIGHT: (
        "Thank you for telling us. If you have nowhere safe to stay tonight, please call "
        "the out-of-hours line on {phone} and say so. If you are in danger, call 999."
    ),
    C.NO_HEATING_OR_WATER: (
        "Thank you for telling us. No heating or water can be an emergency repair, most of "
        "all for someone older, disabled, ill or very young. Please call the out-of-hours "
        "line on {phone}. If anyone is very cold or unwell, call 111, or 999 in an emergency."
    ),
    C.UNSAFE_HOME: (
        "Are you safe right now? If there is fire or smoke, or someone is hurt, call 999. "
        "Keep away from sparking or wet electrics. Only if it is safe, turn off the power at "
        "the fuse box or the water at the stop tap. Then call the out-of-hours line on {phone}."
    ),
    C.NO_MONEY_FOR_ESSENTIALS: (
        "Thank you for telling us. Please call the out-of-hours line on {phone} and say "
        "you have no money for food, power or medicine, and ask about emergency help. If "
        "anyone is unwell or in danger, call 999."
    ),
    C.MISSED_CARE_VISIT: (
        "Thank you for telling us. If the person is hurt, unwell or cannot safely be left "
        "alone, call 999. Otherwise call the out-of-hours line on {phone} and say a care "
        "visit was missed."
    ),
    C.GENERAL: (
        "Are you safe right now? If anyone is in danger or hurt, call 999 now. Otherwise "
        "call the out-of-hours line on {phone}."
    ),
}


def emergency_advice(category: UrgentCategory, out_of_hours_phone: str, council_name: str) -> str:
    """The first reply for an urgent situation: the right number, then the hand-off line."""
    body = _ADVICE[UrgentCategory(category)].format(phone=out_of_hours_phone)
    return f"{body} {_HAND_OFF.format(council=council_name)}"


# GSM 03.38 basic character set (no escape table), so one SMS part holds 160 characters.
_GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)


def is_gsm7(text: str) -> bool:
    """True when every character is in the GSM-7 basic set."""
    return all(char in _GSM7_BASIC for char in text)
