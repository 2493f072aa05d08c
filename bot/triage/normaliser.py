"""Normalisation: every token gets a canonical NORM so one rule pattern covers SMS spellings,
common typos and tense ("didnt", "did not", "does not" -> "do not")."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc

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

LOOKUP: dict[str, str] = {
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
    hit = LOOKUP.get(word)
    if hit is not None:
        return hit
    if len(word) < 6 or word in _PROTECTED or not word.isalpha():
        return word
    for keyword in _FUZZY_KEYWORDS:
        if abs(len(keyword) - len(word)) <= 1 and _within_one_edit(word, keyword):
            return LOOKUP.get(keyword, keyword)
    return word


def normalise(doc: Doc) -> Doc:
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


