"""Context labels (who is in the message, where it is) and vetoes that qualify the risk rules.

A context rule has no category: it labels a message ("a vulnerable person is mentioned", "a
home") for the `needs`/`unless` of risk rules. A veto drops any risk match it overlaps.
"""

from __future__ import annotations

from bot.triage.categories import UrgentCategory
from bot.triage.patterns import Rule, context_rule, each
from bot.triage.vocabulary import (
    DATA,
)

C = UrgentCategory

CONTEXT_RULES: tuple[Rule, ...] = (
    context_rule(
        "CTX_VULNERABLE",
        "child|children|pregnant|elderly|old|pensioner|disabled|disability|ill|sick|cancer|"
        "asthma|asthmatic|copd|oxygen|frail|dementia|wheelchair|bedbound|bedridden|nan|nana|"
        "gran|granny|grandad|grandma|mum|mother|dad|father|son|daughter|poorly|chemo|diabetic|"
        "vulnerable|carer|housebound|twins|pensioners|parkinsons|stroke|mobility|chest|lungs|"
        "heart|pneumonia|bronchitis|arthritis|unwell|medical|illness|epilepsy|hospital|surgery|"
        "operation|terminal|palliative|kidney|dialysis|ms|wife|husband|baby|babies|newborn|"
        "newborns|infant|infants|toddler|toddlers|grandmother|grandfather|blind|deaf|autistic|"
        "autism",
        "little ones", "#age",
    ),
    context_rule(
        "CTX_COLD",
        "freezing|cold|winter|snow|snowing|frost|frosty|minus|icy|ice|chilly|shivering|"
        "hypothermia|baltic",
    ),
    context_rule("CTX_NOW", "today|tonight|now|immediately", "this morning|afternoon|evening",
         "at the door", "at the moment"),
    context_rule(
        "CTX_SOON",
        "tomorrow|monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekend",
        "this|next week|month", "in _ days|weeks", "within _? days", "few days",
    ),
    context_rule(
        "CTX_ABUSER",
        "partner|husband|boyfriend|ex|wife|girlfriend|abuser|relationship|stepdad|marriage",
    ),
    context_rule(
        "CTX_CHILD",
        "child|children|safeguarding|vulnerable|protection|mash|son|daughter|boy|girl|teenager|"
        "pupil|pupils|student|class|nursery|school",
        "social care", "social worker", "young person", "year old",
    ),
    context_rule(
        "CTX_SG_URGENT",
        "urgent|urgently|today|now|concern|concerns|concerned|worried|injuries|injury|injured|"
        "bruises|bruising|abuse|abused|harm|risk|danger|referral|refer|disclosed|neglected",
    ),
    context_rule(
        "CTX_CARE",
        "carer|care|agency|medication|meds|insulin|tablets|hoist|hoisting|"
        "bedbound|bedridden|dementia|commode|package", "calls|visits|times a|per day",
    ),
    context_rule(
        "CTX_MONEY",
        "money|benefit|benefits|paid|payment|payments|afford|skint|credit|support|universal|"
        "pension|wages|hb|dhp|pip|esa|£|rent|arrears",
    ),
    context_rule(
        "CTX_STOPPED",
        "stopped|cancelled|canceled|suspended|late|delayed|frozen|halted|missing|sanctioned|"
        "cut|reduced|sanction",
        "not be? paid|come|arrive|received", "have not be paid|come|arrive", "not go in",
        "not come through",
    ),
    context_rule(
        "CTX_DOOR",
        "door|doors|window|windows|lock|locks|entrance|frame|burglary|burgled|secure|"
        "burglars|burglar",
        "broken into", "break in",
    ),
    context_rule(
        "CTX_PERSON",
        "child|children|son|daughter|teenager|teen|girl|boy|foster|mum|dad|mother|father|"
        "grandad|grandma|nan|gran|dementia|care|brother|sister|husband|wife|partner",
        "year old",
    ),
    context_rule(
        "CTX_FAMILY",
        "son|daughter|father|dad|mother|mum|brother|sister|family|uncle|aunt|grandson|nephew|"
        "stepson|stepdaughter|brother-in-law|cousin",
    ),
    context_rule(
        "CTX_DIGITAL", "logged|login|log|session|timed|website|portal|app|browser|password"
    ),
    context_rule(
        "CTX_YOUNG",
        "child|children|toddler|baby|infant|newborn|pupil|pupils|teenager|teen|girl|boy|"
        "nursery|school|grandson|granddaughter|son|daughter|lad|lads|kid|youngster|niece|"
        "nephew", "year old", "young person",
    ),
    context_rule(
        "CTX_ELECTRIC",
        "electric|socket|sockets|plug|plugs|wires|wiring|fuse|fusebox|switch|light|lights|meter",
    ),
    context_rule("CTX_HEATING", "heating|boiler|radiator|heat|heater"),
    context_rule("CTX_ENERGY", "electric|gas|meter|credit|key|card|heating"),
    context_rule(
        "CTX_VENUE",
        "library|leisure|centre|center|hall|school|office|gym|pool|cafe|park|museum|church|"
        "station|shop|showers|fountain|playground|toilets",
    ),
    context_rule("CTX_HOME", "home|flat|house|bedsit|maisonette|my place|our place", "at home"),
    context_rule(
        "CTX_OUTDOOR",
        "pavement|road|roads|street|streets|underpass|garden|park|field|fields|rain|rains|"
        "raining|drain|drains|gutter|gutters|river|canal|pitch|alley|path",
    ),
    context_rule(
        "CTX_PAST",
        "last year|month|week|summer|winter|christmas", "years|months|weeks ago",
        "used to", "in the past",
    ),
    context_rule("CTX_LANDLORD", "landlord|landlady|agent|agents|letting|owner"),
    context_rule("CTX_FRAIL", "dementia|alzheimers|alzheimer|elderly|confused|frail"),
    # a window or door that lets the cold in is a repair, not a break-in
    context_rule("CTX_DRAUGHT", "draught|draughty|drafty|draft|draughts|rattles|rattling|"
                 "condensation|whistling", "cold air", "air come|coming|gets|getting in"),
    context_rule("CTX_GAS", "gas|cooker|hob|oven|boiler|fire"),
)

#: Phrases that look like a risk but are not one; a match overlapping a veto is dropped.
VETO_RULES: tuple[Rule, ...] = (
    context_rule(
        "VETO",
        "gas|electric|heating|water bill|bills|supplier|company|tariff|prices|price|account",
        "if i|you|we|someone ever? smell", "ever smell", "in case of a? gas",
        "knife|gun crime|shop|amnesty|statistics|stats|licence|license|club",
        "ambulance station|depot|service|strike|strikes", "fire station|service|brigade|alarm",
        "trapped wind", "fall in income|wages|earnings|prices|pay|numbers|standards|quality",
        "fall last|this year|month|week|summer|winter|christmas", "fall a while|few|couple",
        "fall _? _? ago", *each("{x} be? in danger", DATA), *each("{x} be? at risk", DATA),
        *each("{x} be? safe", DATA),
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
        *each("hack|breach|leak|data|attack|hackers put|puts _? {x}", "in danger", "at risk"),
        "used to be homeless", "once|previously|formerly homeless",
        "parking|dinner|lunch|school|online|council account|card", "dinner|lunch money",
        # idioms and things, not people: "nearly had a heart attack", "a car crash of a week",
        # "the tree that fell down"
        "nearly|almost|practically|near have|give|gave|giving|gives me|us? a heart attack",
        "give|gave|giving|gives me|him|her|us a heart attack", "heart attack waiting",
        "total|complete|absolute|utter car|train crash|wreck", "car crash of a|an",
        "car crash from|since start|day|the", "train wreck", "car crash tv|television",
        "tree|trees|branch|branches|fence|sign|lamppost|shelf|shelves|mirror|picture|tv|gutter|"
        "aerial|scaffolding|bin|bins|wardrobe|tiles|slates|plaster|tile|slate|pole|post that|"
        "which? have? be? fallen|fall|falling down|over|off|in",
    ),
)
