"""Rule-based urgent-risk safety net: spot messages that need a person now, whatever NLU says.

The trained intent classifier can miss a disclosure buried in a long or misspelt message, and
during an outage residents write about broken forms in words that look like emergencies ("my
heating repair form won't load"). This module is the deterministic second opinion: a spaCy
``Matcher`` over a blank English tokenizer (no model, nothing downloaded) with token patterns
for risk phrases, a small normaliser for SMS shorthand and typos, a negation check and
context rules, plus the first reply for each kind of emergency.

Decisions worth knowing:

* "I'm homeless" said in the first person fires HOMELESS_TONIGHT even when the message goes on
  to ask about an application ("i'm homeless application status?"): someone who says they are
  homeless now may need a bed tonight, and a false alarm costs a call back. "my homelessness
  application" and "the homeless team" do not fire.
* A broken boiler or heating fires only with a vulnerable person or cold in the same message;
  "no heating" / "no hot water" / "no water" fire on their own.
* "locked out" / "kicked out" fire only for a home, never "locked out of my account".
* Negation ("no one is in danger", "I'm not homeless") is checked in the few tokens before a
  match, stopping at punctuation and at "but"/"and"; self-harm uses a shorter window so that
  "I'm not going to pretend I don't want to end it all" still fires.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span

__all__ = ["RiskMatch", "UrgentCategory", "detect_risk", "emergency_advice", "is_gsm7"]


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
    # grammar words collapsed so patterns need one form
    "be": ("am", "is", "are", "was", "were", "'m", "m", "'re", "re", "been", "be", "s'", "iz"),
    "do": ("did", "does", "do", "dont", "didnt"),
    "have": ("has", "had", "have", "'ve", "ve", "got", "av", "hav", "ave"),
    "not": ("n't", "nt", "not", "never", "nvr"),
    "will": ("'ll", "ll", "wo", "will", "wil", "shall", "gonna"),
    "can": ("ca", "can", "could", "cud", "cld"),
    "you": ("u", "ya", "yu", "you"),
    "your": ("ur", "yr", "your"),
    "i": ("i", "im", "ive", "id"),
    "no": ("no", "noo", "zero"),
    "nobody": ("nobody", "noone", "nobdy"),
    "nothing": ("nothing", "nothin", "nuthin", "nuffin", "nowt"),
    "want": ("want", "wanna", "wants", "wanted", "wnt"),
    "anymore": ("anymore", "anymor", "nemore", "anymoe"),
    "tonight": ("tonight", "tonite", "2nite", "2night", "tonigt", "tnite", "tonght", "2nyt"),
    "today": ("today", "2day", "tday", "todya"),
    "tomorrow": ("tomorrow", "tmrw", "tmr", "2moro", "2morrow", "tomoro", "tomorow",
                 "tommorow", "tommorrow", "tomorro"),
    # risk vocabulary
    "kill": ("kill", "kil", "killing", "killin"),
    "myself": ("myself", "myslef", "meself", "mysel", "mysef", "myselfe"),
    "suicidal": ("suicidal", "sucidal", "suicidle", "suicdal", "suisidal", "suicidial",
                 "sucicidal", "suicidel", "suacidal", "suiciadal"),
    "suicide": ("suicide", "sucide", "suiside", "suicde", "suicid", "sucicide"),
    "overdose": ("overdose", "overdosed", "overdosing", "od'd", "odd'd"),
    "homeless": ("homeless", "homless", "homelss", "homeles", "homelees", "homlesss", "homles"),
    "nowhere": ("nowhere", "nowere", "nowear", "nowhre", "nohwere", "nowehre", "nowher"),
    "sleep": ("sleep", "slp", "kip", "sleeping", "sleepin", "slept"),
    "street": ("street", "streets", "st", "streetz"),
    "evicted": ("evicted", "evected", "evicated", "evited", "evicte", "evictd"),
    "evict": ("evict", "evicting", "evicts"),
    "eviction": ("eviction", "evictions", "evicion"),
    "kicked": ("kicked", "kicking", "kick", "kicks", "thrown", "threw", "throwing", "chucked",
               "chucking", "turfed", "booted"),
    "violent": ("violent", "voilent", "violant", "vilent", "violnt", "violet"),
    "abusive": ("abusive", "abusiv", "abussive", "abusve"),
    "abuser": ("abuser", "abusers", "perpetrator"),
    "partner": ("partner", "partener", "patner", "prtner", "partner's"),
    "husband": ("husband", "hubby", "husban", "husbnd", "hsband"),
    "boyfriend": ("boyfriend", "bf", "boyfreind", "boyfrend"),
    "scared": ("scared", "scard", "skared", "afraid", "afriad", "terrified", "frightened",
               "petrified", "scaired", "feared"),
    "fleeing": ("fleeing", "fleing", "fleeng", "flee", "fled", "flew"),
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
                 "childrens", "kid's", "kids'", "chilren", "little ones", "ones"),
    "child": ("child", "kid", "toddler", "baby", "infant", "newborn", "bub"),
    "carer": ("carer", "carers", "career", "careers", "cairer", "carrer", "carers'", "carer's",
              "carere"),
    "electric": ("electric", "electrics", "electricity", "electrik", "leccy", "lecky", "elec",
                 "electrical", "eletric", "electic", "power"),
    "money": ("money", "mony", "cash", "funds", "munny"),
    "food": ("food", "fud", "foood", "grub"),
    "please": ("please", "pls", "plz", "pleas"),
    "safeguarding": ("safeguarding", "safegaurding", "safguarding", "safe-guarding"),
    "neglected": ("neglected", "neglect", "neglecting", "neglegted"),
    "abused": ("abused", "abusing"),
    "hit": ("hit", "hits", "hitting", "beat", "beats", "beating", "beaten", "punch", "punches",
            "punched", "punching", "slap", "slaps", "slapped", "strangled", "strangles",
            "strangling", "choked", "chokes", "choking", "kicked", "attacked", "attacks",
            "assaulted", "raped", "hurts", "hurt", "hurting", "smacks", "smacked", "batters",
            "battered", "throttled"),
    "spark": ("spark", "sparks", "sparking", "sparked", "sparkin", "sparkng"),
    "flooding": ("flooding", "flooded", "flood", "floods", "flodding", "floding"),
    "tonight_or_now": (),
}

#: Tokens that look like a keyword one edit away but are ordinary words: never "corrected".
_PROTECTED = frozenset(
    "beating seating hating heading healing hearing heaving treating cheating eating boiled "
    "broiler sparkling sparring freeing feeling timeless hopeless helpless careless homely "
    "flooring floating bleeding breeding violin suicides evicts fleeting sleeping sweeping "
    "weeping keeping steeping partners parties smelly spelling swelling selling telling "
    "yelling heater heaters waiter walter later waters".split()
)

#: Long, distinctive words worth correcting when a message has them one edit away.
_FUZZY_KEYWORDS = (
    "suicidal", "suicide", "homeless", "nowhere", "tonight", "heating", "freezing", "violent",
    "abusive", "evicted", "safeguarding", "monoxide", "fleeing", "husband", "partner",
    "myself", "overdose", "neglected", "collapsed", "unconscious", "breathing", "strangled",
    "flooding", "sparking", "boyfriend", "tomorrow", "anymore", "radiator", "electric",
)

_LOOKUP: dict[str, str] = {
    variant: canonical
    for canonical, variants in _CANONICAL.items()
    for variant in variants
    if " " not in variant
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
    if la == lb:
        if a[i + 1 :] == b[i + 1 :]:
            return True
        return i + 1 < la and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2 :] == b[i + 2 :]
    if la > lb:
        return a[i + 1 :] == b[i:]
    return a[i:] == b[i + 1 :]


@lru_cache(maxsize=16384)
def canonical(word: str) -> str:
    """The NORM a lower-cased token gets: lookup table first, then a one-edit keyword fix."""
    hit = _LOOKUP.get(word)
    if hit is not None:
        return hit
    if len(word) < 6 or word in _PROTECTED or not word.isalpha():
        return word
    for keyword in _FUZZY_KEYWORDS:
        if abs(len(keyword) - len(word)) <= 1 and _within_one_edit(word, keyword):
            return _LOOKUP.get(keyword, keyword)
    return word


@Language.component("council_triage_normaliser")
def _normalise(doc: Doc) -> Doc:
    """Give every token its canonical NORM (tokenizer exceptions already split "dont")."""
    for token in doc:
        lower = token.lower_
        if lower in ("'s", "s") and token.i > 0 and doc[token.i - 1].lower_ in ("he", "she"):
            token.norm_ = "be"  # "hes", "he's" -> he be
            continue
        token.norm_ = canonical(lower) if lower in _LOOKUP or lower.isalpha() else lower
    return doc


# --------------------------------------------------------------------------------------------
# Rules. A pattern is a space-separated token list in canonical words:
#   "a|b"  one of the words     "x?"  optional     "_"  any one token     "_?"  optional token
#   "#age" a number from 65 to 110 (an age)
# --------------------------------------------------------------------------------------------

C = UrgentCategory


@dataclass(frozen=True)
class Rule:
    """One family of patterns for a category (or, with category None, a context label)."""

    key: str
    category: UrgentCategory | None
    patterns: tuple[str, ...]
    negation_window: int = 3
    needs: tuple[str, ...] = ()  # any one of these context labels must be in the message
    unless: tuple[str, ...] = ()  # none of these context labels may be in the message
    not_next: frozenset[str] = field(default_factory=frozenset)  # vetoes on the next token
    not_prev: frozenset[str] = field(default_factory=frozenset)  # vetoes on the token before


def _rule(
    key: str,
    category: UrgentCategory | None,
    *patterns: str,
    negation_window: int = 3,
    needs: Sequence[str] = (),
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
        unless=tuple(unless),
        not_next=frozenset(canonical(w) for w in not_next.split()),
        not_prev=frozenset(canonical(w) for w in not_prev.split()),
    )


_PERSON = (
    "child|children|baby|boy|girl|teenager|teen|adult|person|people|he|she|they|him|her|them|"
    "mum|mother|mom|dad|father|son|daughter|brother|sister|nan|nana|gran|grandma|grandad|"
    "grandmother|grandfather|neighbour|neighbor|man|woman|lady|tenant|resident|friend|wife|"
    "granddaughter|grandson|niece|nephew|aunt|uncle|client|pupil|student"
)
_ABUSER = "he|she|they|ex|partner|husband|boyfriend|wife|girlfriend|abuser|stepdad|father|dad"
_HOME = "home|house|flat|place|room|property|hostel|accommodation|digs|bedsit|apartment"
_HEAT = "heating|boiler|radiator|heat"
_BROKEN = (
    "broke|broken|stopped|failed|died|packed|conked|bust|busted|gone|dead|kaput|off|down|"
    "breaking|failing|cut"
)
_ESSENTIALS = (
    "food|gas|electric|heating|nappies|diapers|formula|milk|medication|medicine|meds|insulin|"
    "prescription|prescriptions|meter|shopping|groceries|essentials|tea|dinner|tablets|inhaler"
)

RULES: tuple[Rule, ...] = (
    # ---- context labels (category None): never fire alone ---------------------------------
    _rule(
        "CTX_VULNERABLE", None,
        "child|children|toddler|pregnant|elderly|old|pensioner|disabled|disability|ill|"
        "sick|cancer|asthma|asthmatic|copd|oxygen|frail|dementia|wheelchair|bedbound|"
        "bedridden|nan|nana|gran|granny|grandad|grandma|mum|mother|dad|father|son|daughter|"
        "poorly|chemo|diabetic|vulnerable|carer|housebound|newborn|twins",
        "year|years|yr|yrs old", "#age",
    ),
    _rule(
        "CTX_COLD", None,
        "freezing|cold|winter|snow|snowing|frost|frosty|minus|icy|ice|chilly|shivering|"
        "hypothermia|baltic|bitter",
    ),
    _rule(
        "CTX_NOW", None,
        "today|tonight|now|tonite|immediately|currently", "this morning|afternoon|evening",
        "right now", "at the door|moment",
    ),
    _rule(
        "CTX_SOON", None,
        "tomorrow|monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekend",
        "this|next week|month", "in _ days|weeks", "within _? days", "few days",
    ),
    _rule(
        "CTX_ABUSER", None,
        "partner|husband|boyfriend|ex|wife|girlfriend|abuser|relationship|stepdad|hubby",
    ),
    _rule(
        "CTX_CHILD_CARE", None,
        "child|children|safeguarding|social care|services|mash|vulnerable|protection|referral",
    ),
    _rule(
        "CTX_SG_URGENT", None,
        "urgent|urgently|today|now|concern|concerns|concerned|worried|injuries|injury|"
        "injured|bruises|bruising|abuse|abused|harm|risk|danger|referral|refer|disclosed",
    ),
    _rule("CTX_CARE", None, "carer|care|agency|visit|visits|calls"),
    _rule(
        "CTX_MONEY", None,
        "money|benefit|benefits|paid|payment|payments|afford|skint|broke|credit|support|"
        "universal|pension|wages|hb|dhp|pip|esa|£",
    ),
    _rule(
        "CTX_DOOR", None,
        "door|doors|window|windows|lock|locks|entrance|gate|frame|burglary|burgled|break-in",
        "broken into|in", "break in",
    ),
    # ---- SELF_HARM ------------------------------------------------------------------------
    _rule(
        "self_harm_words", C.SELF_HARM,
        "suicidal", "suicide", "overdose", "selfharm|selfharming",
        "self -? harm|harming|harmed|injury|injuring",
        negation_window=2,
        not_next="prevention awareness training strategy policy squad",
    ),
    _rule(
        "self_harm_kill", C.SELF_HARM,
        "kill|end|ending|take|taking|took myself|himself|herself|themselves|themself",
        "kill|end|ending|take|taking|took my|his|her|their own? life",
        "end|ending it all", "of|about ending|end it", "want|wish it all to end",
        "want|wish it to end",
        negation_window=2,
    ),
    _rule(
        "self_harm_hurt", C.SELF_HARM,
        "harm|harming|hurt|hurting|cut|cutting|cuts|burn|burning myself|himself|herself",
        negation_window=2,
    ),
    _rule(
        "self_harm_be_here", C.SELF_HARM,
        "do not want to? be here|alive|around anymore",
        "do not want to? be here|around any more",
        "do not want to? be alive|live|exist|living|wake",
        "want to? die", "want to? be dead", "wish i be dead", "wish i be not alive|here|born",
        "better off dead|without me", "better off if i be dead|gone",
        "no point living|in living|to living|going on", "no reason to live",
        "nothing to live for", "can not go on anymore", "can not go on any more",
        "can not do this anymore|any more", "can not carry on",
        "pills|tablets ready", "take all my|the pills|tablets",
        negation_window=2,
    ),
    # ---- SAFEGUARDING ---------------------------------------------------------------------
    _rule(
        "sg_terms", C.SAFEGUARDING,
        "child protection", "child|children abuse", "cuckooing|cuckooed",
        "safeguarding referral|concern|concerns|issue|alert|emergency|incident|matter|report",
        "report|make|making|raise|raising a safeguarding",
        "at risk of harm|significant|abuse|being|serious|exploitation|neglect|violence|danger",
        "financially|sexually|physically abused", "financial|sexual abuse", "being exploited",
        "being groomed", "grooming",
    ),
    _rule(
        "sg_person_at_risk", C.SAFEGUARDING,
        f"{_PERSON} be? at risk", f"{_PERSON} be? in danger",
        not_next="of",
    ),
    _rule("sg_at_risk_of", C.SAFEGUARDING, f"{_PERSON} be? at risk of being|harm|abuse"),
    _rule("sg_in_danger", C.SAFEGUARDING, "in immediate|real|serious? danger"),
    _rule(
        "sg_not_safe", C.SAFEGUARDING,
        "i|we|children|child|they|he|she be not safe", "do not feel safe",
        "feel|feeling unsafe", "not safe at home",
        unless=("CTX_ABUSER",),
    ),
    _rule(
        "sg_abused", C.SAFEGUARDING,
        "being|be abused|neglected|hurt|harmed|mistreated|beaten", "abused at home",
        "neglecting the|her|his|their children|child|mum|dad|mother|father",
        "unexplained injuries|bruises|bruising|marks", "with injuries|bruises|bruising",
        "not be fed", "have not be fed", "not have food for days",
    ),
    _rule(
        "sg_hits_children", C.SAFEGUARDING,
        "hit the|her|his|their|my? children|child|son|daughter",
    ),
    _rule(
        "sg_left_alone", C.SAFEGUARDING,
        "left home? alone|unattended", "left on their|his|her own",
        "wandering alone|around on his|her|their own", "wandering alone|about|around",
        "home alone",
        needs=("CTX_CHILD_CARE",), not_prev="i me we",
    ),
    _rule(
        "sg_not_seen", C.SAFEGUARDING,
        "have|be not be seen", "not seen for|since|in _? days", "no one have seen",
        "missing person", "have? gone missing", "run|ran away from home|care",
    ),
    _rule(
        "sg_worried_child", C.SAFEGUARDING,
        "worried|concerned|concern|concerns about|for a|the|my|this|that? child|children|girl|boy",
        "worried|concerned about the? welfare",
        not_next="'s ' data details info information records school place education",
    ),
    _rule(
        "sg_referral", C.SAFEGUARDING,
        "referral to children|child 's? services|social",
        "referral to social care|services|workers",
        "children|child 's? services|social care", "mash referral|form|team",
        "make|making|submit|submitting|send|do a|an urgent? referral",
        "speak to|contact|call a? social worker",
        needs=("CTX_CHILD_CARE",),
    ),
    _rule(
        "sg_referral_urgent", C.SAFEGUARDING,
        "children|child 's? services|social care", "duty social worker",
        needs=("CTX_SG_URGENT",),
    ),
    # ---- DOMESTIC_ABUSE -------------------------------------------------------------------
    _rule(
        "da_terms", C.DOMESTIC_ABUSE,
        "domestic abuse|violence|abused", "da survivor", "abuser", "abusive relationship",
        "coercive|controlling behaviour|behavior|control|relationship", "refuge",
        "non -? molestation order", "nonmolestation|molestation order", "restraining order",
        "stalking|stalker|stalks|stalked", "honour based", "forced marriage",
        not_next="service services policy training strategy funding research awareness "
                 "team week course charity charities officer coordinator figures statistics "
                 "stats collection collections lorry",
    ),
    _rule(
        "da_hits_me", C.DOMESTIC_ABUSE,
        "hit|kicked me|us", "hit me|us", "raped me", "be hit|beaten|attacked|hurt by",
        "be being abused|hurt|hit", "i be being",
        not_prev="it this that bill car ball", not_next="out",
    ),
    _rule(
        "da_violent", C.DOMESTIC_ABUSE,
        "violent|abusive|aggressive", "threatened|threatening|threatens|threaten me|us",
        "threatened|threatening|threatens|threaten to kill|hurt|harm|stab|attack",
        needs=("CTX_ABUSER",),
    ),
    _rule(
        "da_threat", C.DOMESTIC_ABUSE,
        "threatened|threatening|threatens|threaten to kill|hurt|harm|stab me|us",
        "going to kill me|us", "will kill me|us",
    ),
    _rule(
        "da_find_me", C.DOMESTIC_ABUSE,
        f"{_ABUSER} will|might|can|would|be|going? to? find|track me|us",
        f"{_ABUSER} will|might|can|would? find out where i|we live|be",
        f"{_ABUSER} have? found|find|know|knows|knew|finds out? where i|we live|be|stay",
        f"{_ABUSER} have? found|find|know|knows|knew|finds|got out? my|our new? address",
        "found out where i|we live", "find out where i|we live", "find where i|we live",
        "hiding|hide from my|him|her|ex|partner|husband",
        "scared|scared of|to my|him|her|ex|partner|husband|boyfriend|leave|going|go",
        "scared he|she|ex|partner|husband|boyfriend",
        needs=("CTX_ABUSER",),
    ),
    _rule("da_fleeing", C.DOMESTIC_ABUSE, "fleeing", not_next="country war"),
    _rule(
        "da_not_safe", C.DOMESTIC_ABUSE,
        "i|we be not safe", "do not feel safe", "feel|feeling unsafe", "not safe at home",
        "scared to go home", "scared for my life",
        needs=("CTX_ABUSER",),
    ),
    # ---- GAS_LEAK -------------------------------------------------------------------------
    _rule(
        "gas", C.GAS_LEAK,
        "smell gas", "smell of|like|off gas", "gas smell", "gas leak|leaking|leaks|escape|"
        "escaping", "leaking|leak gas", "carbon monoxide poisoning|leak|leaking",
        "carbon? monoxide|co alarm|detector|monitor be|keep? going|gone|went|sounding|beeping|"
        "ringing|sounded|beeps|bleeping|screaming|off",
        "carbon? monoxide|co alarm|detector|monitor have? go|gone|went off",
        "smell _? of gas", "hissing _? gas",
        not_next="bill bills safety",
    ),
    # ---- HOMELESS_TONIGHT -----------------------------------------------------------------
    _rule(
        "homeless_now", C.HOMELESS_TONIGHT,
        "homeless tonight|today|now|right", "tonight homeless",
        "i|we|me|us|family|son|daughter|he|she|they|children|mum|dad be|will? be? "
        "now|currently|still|literally|actually|officially|completely? homeless",
        "i|we be? about|going to be homeless", "made|make|making|become|becoming|left|leave "
        "me|us|them? homeless", "will be homeless", "facing homelessness",
        "street homeless", "i homeless",
    ),
    _rule(
        "nowhere", C.HOMELESS_TONIGHT,
        "nowhere|no where else? safe? to sleep|stay|go|live|kip", "nowhere|no where to go",
        "no place to sleep|stay", "no roof over",
        "sleep rough|ruff", "rough sleeping|sleeper",
        "sleep in|on my|the|a car|park|van|tent|bench|streets|street|station|doorway",
        "on the street tonight|now", "on the street", "out on the street",
        "emergency|temporary housing|accommodation|shelter", "night shelter",
        "no bed tonight",
    ),
    _rule(
        "kicked_out", C.HOMELESS_TONIGHT,
        "kicked me|us|him|her|them? out", "put me|us out on",
        not_next="of",
    ),
    _rule(
        "kicked_out_home", C.HOMELESS_TONIGHT,
        f"kicked me|us? out of my|the|our|his|her? {_HOME}",
        f"locked out of my|the|our? {_HOME}", "locked me|us out",
        "changed|change the locks", "landlord have? changed|change the locks",
        f"illegally evicted|illegal eviction", f"must|have to|got to leave the? {_HOME}? today|"
        "tonight|now",
        not_prev="i can",
    ),
    _rule("evicted_now", C.HOMELESS_TONIGHT, "evicted", "bailiffs|bailiff be here|outside",
          needs=("CTX_NOW",)),
    _rule("evicted_past", C.HOMELESS_TONIGHT, "evicted", unless=("CTX_SOON", "CTX_NOW")),
    # ---- UNSAFE_HOME ----------------------------------------------------------------------
    _rule(
        "electrics", C.UNSAFE_HOME,
        "spark", "exposed|bare|live wires|wiring|wire", "electric shock", "shock from",
        "burning smell", "smell of|smell? burning", "smoke|smoking come|coming|pouring? out? "
        "of|from the|my|a|our? electric? socket|plug|fuse|switch|meter|light|wall|sockets|"
        "plugs|box|cooker|fusebox",
        "fuse box|fusebox on fire|smoking|burning", "melting socket|plug",
        "total|complete electric loss|failure|outage|cut",
        "no electric at all|anywhere", f"no electric in|to the|my|our whole? {_HOME}|building",
        "water in|into|near|on|through the|my? electric|electrics|light|lights|socket|sockets|"
        "fuse|fusebox",
    ),
    _rule(
        "insecure", C.UNSAFE_HOME,
        "can not|unable to? lock|secure the|my|our? front|back? door|window|flat|house|home",
        "will|can|do not lock|shut|close|secure", "door|window|lock|locks|entrance|frame be? "
        "broken|smashed|kicked|bust|busted|forced|damaged|snapped|hanging",
        "door|window|lock|locks|entrance have be broken|smashed|kicked|bust|busted|forced|"
        "damaged", "door|window kicked|smashed|forced in|open|down",
        "window|frame fell|fallen|come|came|falling out|in|off",
        "anyone can walk|get in", "unable to lock", "not secure", "insecure",
        needs=("CTX_DOOR",),
    ),
    _rule(
        "water_damage", C.UNSAFE_HOME,
        "flooding", "burst pipe|pipes|main|tank", "pipe|pipes|tank|cylinder have? burst|bursted",
        "water pouring|coming|leaking|gushing|pour|pours|comes|leaks|running|flowing|dripping|"
        "pissing|flooding through|thru|from|into|in|down the|my|our? _? ceiling|roof|floor|wall|"
        "walls|light|lights|socket|electric|fitting",
        "water have? be pouring|coming|leaking|gushing|running|flowing|dripping through|thru|"
        "from|into|in|down the|my|our? _? ceiling|roof|floor|wall|walls|light|lights|socket",
        "water everywhere", "ceiling have? be? come|came|fallen|collapsed|caved|collapsing|falling "
        "down|in", "ceiling collapse|collapsed|fell",
        not_next="with by defence defences risk alert alerts warning warnings consultation "
                 "insurance map maps scheme",
        not_prev="street road roads streets high river",
    ),
    # ---- NO_HEATING_OR_WATER --------------------------------------------------------------
    _rule(
        "no_heat", C.NO_HEATING_OR_WATER,
        "no|without heating|heat|water", "no hot|running water", "no heating or|and hot? water",
        "no hot water or|and heating", "not have|got any? heating|heat|water",
        "have not have|got? any? heating|heat|hot|water", "heating|water be? off for|since",
        "heating|water|gas have? be? cut|turned|switched off", "no water from|coming|out",
        not_next="tank meter bill bills pressure cylinder repair repairs engineer booking "
                 "appointment form forms grant grants help rates softener company board",
    ),
    _rule(
        "heat_broken", C.NO_HEATING_OR_WATER,
        f"{_HEAT}|hot water be|have|keep? {_BROKEN}", f"{_HEAT}|hot water be|have|keep? been? "
        f"{_BROKEN}", f"{_HEAT}|hot water be|have|do not work|working|worked|on|come|coming",
        f"{_HEAT}|hot water have? stopped working", f"{_HEAT} be|have? packed up|in",
        f"no {_HEAT}", "heating be not",
        needs=("CTX_VULNERABLE", "CTX_COLD"),
        not_prev="library leisure centre hall office school pool gym church shop",
    ),
    _rule(
        "freezing_home", C.NO_HEATING_OR_WATER,
        f"{_HOME} be freezing|cold", "freezing cold", "we|i be freezing",
        needs=("CTX_VULNERABLE",),
    ),
    # ---- NO_MONEY_FOR_ESSENTIALS ----------------------------------------------------------
    _rule(
        "no_money", C.NO_MONEY_FOR_ESSENTIALS,
        f"no|not money|credit|funds for|to|left|left for to? buy|get|top|pay? up? for? "
        f"{_ESSENTIALS}", f"no money to buy|get|feed|eat|heat|pay for", "no money left",
        f"no {_ESSENTIALS} or|and gas|electric? credit", "no credit left|on|in",
        "no gas|electric|emergency on|in|left on the|my meter", "no gas|electric credit",
        "ran|run|running out of money|credit", "run out of gas|electric", "nothing left to|for",
        "no food", "nothing to eat|feed", "nothing in the cupboards|fridge|house",
        "have not eaten|ate", "not eaten|ate", "not eat for", "children|child|son|daughter "
        "be? hungry|starving", "go|going|went hungry", "food bank|foodbank voucher|parcel",
        negation_window=2,
        needs=("CTX_MONEY",),
    ),
    _rule(
        "cant_afford", C.NO_MONEY_FOR_ESSENTIALS,
        f"no money for|to buy {_ESSENTIALS}", "no money for|to get my|the? " + _ESSENTIALS,
        f"can not|unable to? afford|buy|get|pay for|top up {_ESSENTIALS}",
        f"can not|unable to? afford|buy|get|pay for my|the|any|some|baby {_ESSENTIALS}",
        "can not|unable to? afford to eat|heat|feed", "can not feed", "nothing to feed",
        "no food in|for|at", "nothing to eat", "no gas|electric on|in|left on the|my meter",
        "no gas|electric|emergency credit", "no credit on|in|left on the|my meter",
        "children|child|son|daughter be? hungry|starving", "have not eaten|ate for|in|since",
        "not eaten for|in|since",
        negation_window=2,
    ),
    _rule(
        "eviction_soon", C.NO_MONEY_FOR_ESSENTIALS,
        "evicted", "evict", "eviction", "bailiffs|bailiff coming|come|booked",
        "possession hearing|order|warrant", "court date", "section 21",
        needs=("CTX_SOON",),
    ),
    _rule(
        "eviction_benefit", C.NO_MONEY_FOR_ESSENTIALS,
        "evict me|us", "going to evict", "will be evicted", "risk of eviction",
        "facing eviction", "threatened with eviction", "possession hearing|warrant",
        "eviction notice", "bailiffs|bailiff",
        needs=("CTX_MONEY",),
    ),
    # ---- MISSED_CARE_VISIT ----------------------------------------------------------------
    _rule(
        "carer_no_show", C.MISSED_CARE_VISIT,
        "carer|agency|carers have|be|do not come|came|turn|turned|show|showed|arrive|arrived|"
        "attend|attended|be|here|send|sent|visit|visited|appear|appeared",
        "carer|agency|carers have|be|do not yet? come|came|turn|turned|show|showed|arrive|"
        "arrived|attend|been",
        "care|support worker|workers|staff have|be|do not come|came|turn|turned|show|showed|"
        "arrive|arrived|be", "care|support worker|workers no show|-show",
        "carer|carers no show", "no carer|carers have? be? come|came|turn|turned|show|showed|"
        "arrive|arrived|here|today|visit|visited|since",
        "missed care|carer visit|visits|call|calls", "care|carer visit|visits|call|calls be|"
        "have? be? missed|cancelled|canceled|not happen",
        "missed visit|visits|calls", "carer|carers missed",
        negation_window=0,
    ),
    _rule(
        "nobody_came", C.MISSED_CARE_VISIT,
        "nobody|no one have? come|came|turn|turned|arrived|be|visited|shown? up? to give|help|"
        "get|wash|feed|dress|put|change|hoist|check|bathe|toilet",
        "nobody|no one have? come|came|turn|turned|arrived|be|visited|shown? up? since|today|"
        "this|all|yesterday",
        "no one have? come|came|turn|turned|arrived|be|visited|shown? up? since|today|this|all|"
        "yesterday",
        negation_window=0,
        needs=("CTX_CARE",),
    ),
    _rule(
        "nobody_came_to_care", C.MISSED_CARE_VISIT,
        "nobody|no one have? come|came|turn|turned|arrived|be|visited|shown? up? to give her|his|"
        "him|my|mum|dad|their medication|meds|insulin|tablets",
        negation_window=0,
    ),
    # ---- GENERAL --------------------------------------------------------------------------
    _rule(
        "general", C.GENERAL,
        "not breathing", "can not|cant|struggling to breathe|breath", "collapsed",
        "unconscious|unresponsive", "having a seizure|fit|stroke|heart", "seizure",
        "heart attack", "chest pain|pains", "have? had a fall", "fallen", "fell over|down",
        "on fire", "fire in|at the|my|our? building|flat|block|house|kitchen|bin|bins|stairwell|"
        "corridor|hallway|home", "smoke be? coming|pouring|filling|everywhere|in the",
        "knife|gun|machete|weapon|weapons", "ambulance", "life threatening|-threatening",
        "life or death", "trying to break|get in|into", "break|breaking into my|our|the? "
        "flat|house|home", "stuck|trapped in the? lift", "lift be? stuck with|between",
        "trapped", "swallowed bleach|pills|tablets|battery|batteries|poison|chemicals",
        "bleeding heavily|badly|a lot", "drowning",
        not_next="behind out off through alarm alarms safety door doors test testing drill "
                 "escape risk exit",
        not_prev="what fire",
    ),
)

_CLAUSE_BREAKS = frozenset({"but", "and", "so", "because", "cos", "coz", "then", "though",
                            "however", "although", "while", "whereas", "or"})
_NEGATORS = frozenset({"not", "no", "nobody", "none", "noone", "without", "neither", "nor"})
_PSEUDO_NEGATION_NEXT = frozenset({"only", "just", "sure", "stop", "know", "matter", "even",
                                   "think", "want", "able", "anymore", "longer", "one"})
_AGE = re.compile(r"^(6[5-9]|[7-9]\d|10\d|110)$")


def _pattern(spec: str) -> list[dict]:
    """Translate one DSL string into a spaCy Matcher token pattern."""
    tokens: list[dict] = []
    for part in spec.split():
        optional = part.endswith("?") and len(part) > 1
        part = part[:-1] if optional else part
        if part == "_":
            token: dict = {}
        elif part == "#age":
            token = {"TEXT": {"REGEX": _AGE.pattern}}
        else:
            words = sorted({canonical(w.lower()) for w in part.split("|")})
            token = {"NORM": words[0]} if len(words) == 1 else {"NORM": {"IN": words}}
        if optional:
            token["OP"] = "?"
        tokens.append(token)
    return tokens


class _Engine:
    """The blank spaCy pipeline, its matcher and the rule table, built once."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self.nlp = spacy.blank("en")
        self.nlp.add_pipe("council_triage_normaliser")
        self.matcher = Matcher(self.nlp.vocab)
        self.rules: dict[str, Rule] = {}
        for rule in rules:
            self.rules[rule.key] = rule
            self.matcher.add(rule.key, [_pattern(spec) for spec in rule.patterns])
        for word in set(_LOOKUP.values()):
            self.nlp.vocab.strings.add(word)

    def matches(self, text: str) -> list[tuple[Rule, Span]]:
        doc = self.nlp(text)
        found = [(self.rules[self.nlp.vocab.strings[key]], doc[s:e])
                 for key, s, e in self.matcher(doc)]
        contexts = {rule.key for rule, _ in found if rule.category is None}
        return [(rule, span) for rule, span in found
                if rule.category is not None and _applies(rule, span, contexts)]


def _applies(rule: Rule, span: Span, contexts: set[str]) -> bool:
    """Context, neighbour vetoes and negation for one candidate match."""
    if rule.needs and not contexts.intersection(rule.needs):
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
            following = doc[i + 1].norm_ if i + 1 < len(doc) else ""
            return following not in _PSEUDO_NEGATION_NEXT or token.norm_ == "no"
    return False


def _keep_longest(found: list[tuple[Rule, Span]]) -> list[tuple[Rule, Span]]:
    """Drop a match that overlaps a strictly longer one ("no electric on the meter" wins)."""
    ordered = sorted(found, key=lambda item: len(item[1]), reverse=True)
    kept: list[tuple[Rule, Span]] = []
    for rule, span in ordered:
        overlaps_longer = any(
            span.start < other.end and other.start < span.end and len(other) > len(span)
            for _, other in kept
        )
        if not overlaps_longer:
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


def detect_risk(text: str) -> RiskMatch | None:
    """The most serious urgent category the text shows, or None when nothing urgent is seen."""
    if not text or not text.strip():
        return None
    found = _keep_longest(_get_engine().matches(text))
    if not found:
        return None
    rule, span = min(found, key=lambda item: (_RANK[item[0].category], item[1].start))
    assert rule.category is not None
    return RiskMatch(category=rule.category, phrase=span.text)


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
        "out-of-hours line on {phone}. Professionals can phone a referral through on that "
        "number while online forms are down."
    ),
    C.DOMESTIC_ABUSE: (
        "Thank you for telling us. Are you safe right now? If you are in danger, call 999. "
        "If you cannot speak, call 999 then press 55. The National Domestic Abuse Helpline "
        "is free and open 24 hours: 0808 2000 247."
    ),
    C.GAS_LEAK: (
        "Are you safe right now? Call the National Gas Emergency line now: 0800 111 999 "
        "(free, 24 hours). Open doors and windows, do not use flames or switches, and turn "
        "the gas off at the meter if you can. If an alarm is sounding or anyone feels "
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
        "Keep away from sparking or wet electrics and, only if it is safe, turn off the "
        "power or the water at the stop tap. Then call the out-of-hours line on {phone}."
    ),
    C.NO_MONEY_FOR_ESSENTIALS: (
        "Thank you for telling us. Please call the out-of-hours line on {phone} and say "
        "you have no money for food, power or medicine, so they can look at emergency "
        "help. If anyone is unwell or in danger, call 999."
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
