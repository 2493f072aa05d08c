"""Risk rules for acute harm written plainly: poisoning, threats of violence, exploitation of a
vulnerable adult, and being put out of home today (issue #12, two-tier urgency).

Residents rarely write "overdose" or "threat": they write what happened ("my son swallowed a
button battery", "he said he'd torch the flat with her in it", "the lodger takes her pension
and says he'll hurt her if she tells"). Each rule is a family of wordings for one concept; the
pattern language is in bot.triage.patterns. Kept apart from bot.triage.rules so that file stays
reviewable.
"""

from __future__ import annotations

from bot.triage.categories import UrgentCategory
from bot.triage.patterns import Rule, each, make_rule

C = UrgentCategory

# Swallowing verbs. "took"/"had" are left out on purpose: "I took my tablets" is routine.
_SWALLOW = ("swallowed|swallow|swallows|swallowing|ingested|drank|drunk|drinking|drink|ate|"
            "eaten|eating|chewed|chewing|licked|licking|sucked|sucking|downed|necked|gulped")
# Things that poison whatever the amount.
_HAZARD = ("bleach|detergent|cleaner|cleaners|disinfectant|pod|pods|capsule|capsules|"
           "liquitab|liquitabs|battery|batteries|magnet|magnets|poison|antifreeze|weedkiller|"
           "chemicals|chemical|turps|methadone|nicotine|ketamine|cocaine|heroin|domestos|"
           "dettol|descaler|unblocker|caustic|pesticide|paraffin|petrol|e-liquid")
# Medicines: dangerous for a child, or in a quantity.
_MEDICINE = ("pills|tablets|tablet|pill|paracetamol|ibuprofen|painkillers|meds|medicine|"
             "medicines|medication|antidepressants|sleeping|insulin|codeine|tramadol|"
             "morphine|calpol|vitamins|patches")
_AMOUNT = ("all|whole|entire|lot|load|loads|lots|handful|bunch|packet|packets|box|boxes|"
           "bottle|bottles|strip|strips|week|month|too|twenty|thirty|dozen|dozens|stash|"
           "supply|rest")
_BAD_SUBSTANCE_NEXT = ("bottle bottles bin bins cupboard safety disposal collection box "
                       "recycling collected collect delivery")

POISONING_RULES: tuple[Rule, ...] = (
    make_rule(
        "poison_hazard", C.GENERAL,
        f"{_SWALLOW} _? _? _? {_HAZARD}",
        f"{_SWALLOW} _? _? _? washing|washingup|dishwasher|laundry|washing-up _? "
        "tablet|tablets|pod|pods|liquid|powder|capsule|capsules",
        "got into the|my? bleach|cleaning|chemicals|medicine|medicines|pills|tablets",
        negation_window=2,
        not_next=_BAD_SUBSTANCE_NEXT,
    ),
    make_rule(
        "poisoned", C.GENERAL, "poisoned|poisoning",
        negation_window=2, not_prev="food data", not_next="rats mice pests",
    ),
    make_rule(
        "poison_medicine_child", C.GENERAL,
        f"{_SWALLOW} _? _? _? {_MEDICINE}",
        needs=("CTX_YOUNG",), negation_window=2, not_next=_BAD_SUBSTANCE_NEXT,
    ),
    make_rule(
        "poison_medicine_amount", C.SELF_HARM,
        f"{_SWALLOW}|took|taken|take|taking|had _? {_AMOUNT} _? _? _? {_MEDICINE}",
        f"too many _? _? {_MEDICINE}", f"extra {_MEDICINE} on purpose",
        negation_window=2, not_next=_BAD_SUBSTANCE_NEXT,
    ),
)

# People a threat is aimed at.
_PEOPLE = ("me|us|her|him|them|you|everyone|everybody|people|mum|dad|mother|father|kids|"
           "children|baby|wife|husband|sister|brother|nan|neighbour|neighbours|family")
_HARM = "kill|stab|shoot|hurt|beat|batter|attack|strangle|burn|torch|murder|firebomb|knife"
_HOME_WORDS = "flat|house|home|place|building|door"

THREAT_RULES: tuple[Rule, ...] = (
    # Filed with domestic abuse: most threats come from someone close, and that first reply
    # also says how to call 999 without speaking.
    make_rule(
        "threat_to_harm", C.DOMESTIC_ABUSE,
        *each("{x} " + f"{_HARM} {_PEOPLE}",
              "go to", "gonna", "about to", "will", "threatening to", "threatened to",
              "threatens to", "threaten to", "promised to", "swore to", "swears to"),
        *each("{x} break his|her|their|your|my legs|arms|neck|face",
              "go to", "gonna", "will", "threatening to", "threatened to", "threatens to"),
        f"burn|torch|firebomb the|my|our|her|his|their {_HOME_WORDS} down|with",
        f"set fire to the|my|our|her|his|their _? {_HOME_WORDS}",
        "threatening|threatened|threatens|threaten to burn|torch|firebomb|petrol|set",
        f"set the|my|our|her|his|their {_HOME_WORDS} on fire",
        negation_window=3,
        not_next="time weeds weed bugs calories germs bacteria off when",
    ),
    make_rule(
        "threat_if_tells", C.SAFEGUARDING,
        "threatening|threatened|threatens|threaten|warned|warning him|her|them|me if|not "
        "he|she|they|i|to tell|tells|say|says|report|reports|speak|speaks|talk|talks|anyone",
        "threatening|threatened|threatens|threaten him|her|them|my _? uncle|aunt|auntie|mum|"
        "dad|nan|gran|grandad|grandma|neighbour|brother|sister|son|daughter",
        not_next="with", negation_window=3,
    ),
    make_rule(
        "exploited_adult", C.SAFEGUARDING,
        "taking|stealing|took|stole|takes|steals|taken|stolen|using|uses|emptying|emptied|"
        "draining|drained|spending _? money|pension|savings|benefits|card|cards out? of|from my "
        "_? _? uncle|aunt|auntie|mum|dad|nan|gran|grandad|grandma|grandmother|grandfather|"
        "neighbour|brother|sister|father|mother|son|daughter",
        "made|forced|forcing|makes|make to hand|give over? his|her|their money|pension|"
        "benefits|card|cards",
        "taken|took|taking control of his|her|their money|finances|bank|pension|cards",
        needs=("CTX_VULNERABLE", "CTX_FRAIL"),
    ),
)

_BY = ("landlord|landlady|he|she|they|partner|husband|wife|mum|dad|mother|father|family|"
       "parents|hostel|agent|owner|boyfriend|girlfriend")

PUT_OUT_RULES: tuple[Rule, ...] = (
    make_rule(
        "put_out_by_someone", C.HOMELESS_TONIGHT,
        f"{_BY} have? just? kicked|put|turned me|us out",
        "put|turned me|us out of the|my|our hostel|flat|house|home|room|accommodation",
        "dumped|kicked|put|left all? my|our stuff|things|belongings|bags|clothes on|in|onto|out "
        "on? the? street|pavement|road|curb|kerb",
        "standing|stood|sitting|sat|stuck|waiting outside|out _? _? with my|our|a bags|bag|"
        "suitcase|suitcases|belongings",
        negation_window=2,
    ),
)

# Weak signals (possible tier): the resident is asked "Is anyone in danger or at risk right
# now?" before any urgent case. Distress without a plan, and worry about feeding the family.
POSSIBLE_RULES: tuple[Rule, ...] = (
    make_rule(
        "distress_cope", C.SELF_HARM,
        "not|barely coping", "struggling to cope|carry|keep", "how much longer i|we can cope|go",
        "getting|got on top of me", "end of my tether|rope", "at breaking point",
        "at my|the breaking point",
        "i|everything|life|we|world be? falling apart", "can not take much more",
        "can not take it|this|any anymore|more", "can not cope anymore|now", "can not cope at all",
        "can not cope any more", "do not know how much more i can take",
        negation_window=0, possible=True,
    ),
    make_rule(
        "distress_cope_bare", C.SELF_HARM, "i|we _? can not cope", negation_window=0,
        possible=True,
        not_next="with anymore now at any",
    ),
    make_rule(
        "worry_feeding", C.NO_MONEY_FOR_ESSENTIALS,
        "do not know how i|we will|be|can? go? to? feed|pay|afford|eat|heat|buy|manage|cope",
        "how will|can|be i|we go? to? feed|eat|heat|afford|buy", "will not be able to feed",
        "can not feed|afford|heat next|this week|month", "struggling to feed|eat|heat",
        "running low on food|money|gas|electric|credit",
        negation_window=0, possible=True,
    ),
)

ACUTE_RULES: tuple[Rule, ...] = POISONING_RULES + THREAT_RULES + PUT_OUT_RULES + POSSIBLE_RULES
