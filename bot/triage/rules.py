"""The urgent-risk rule tables: the one file a safeguarding lead reviews.

Each rule names a category and the phrasings that disclose it; the pattern language is
described in bot.triage.patterns, the context labels and vetoes in bot.triage.context_rules.
"""

from __future__ import annotations

from bot.triage.categories import UrgentCategory
from bot.triage.context_rules import CONTEXT_RULES, VETO_RULES
from bot.triage.patterns import Rule, each, make_rule
from bot.triage.rules_acute import ACUTE_RULES
from bot.triage.vocabulary import (
    ABUSER,
    ARRIVE,
    BROKEN,
    CANNOT,
    CARE_TASK,
    DROP,
    ESSENTIALS,
    HOME,
    OTHER_PERSON,
    PARTNER,
    PERSON,
    ROOM,
)

C = UrgentCategory

SELF_HARM_RULES: tuple[Rule, ...] = (
    make_rule(
        "self_harm_words", C.SELF_HARM,
        "suicidal", "suicide", "overdose", "selfharm|selfharming",
        "self -? harm|harming|harmed|harms|injury|injuring",
        negation_window=2,
        not_next="prevention awareness training strategy policy squad bomber",
    ),
    make_rule(
        "self_harm_kill", C.SELF_HARM,
        "kill|end|ending|take|taking|took|hang|hanging|drown|poison|gas|throw|shoot|stab "
        "myself|himself|herself|themselves|themself",
        "kill|end|ending|take|taking|took my|his|her|their own? life",
        "end|ending it all", "of|about ending|end it", "want|wish it all to end",
        "want|wish it to end", "want|wish it all over", "go|about|want to end it",
        "will end it", *each("jump|jumping|throw|throwing {x} the|a|my? " + DROP, "off|from",
                              "in front of"),
        "threatening|threatened|threatens|go|want|wants to jump",
        negation_window=2,
        not_next="with for now",
    ),
    make_rule(
        "self_harm_hurt", C.SELF_HARM,
        "harm|harming|hurt|cut|cutting|cuts|melting myself|himself|herself",
        negation_window=2,
    ),
    # "if I'm gone" but not "if I'm going to get billed" (going and gone share a canonical form)
    make_rule("self_harm_gone", C.SELF_HARM, "if|when|once i be gone", negation_window=2,
              not_next="to for through out on back"),
    make_rule(
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
        "point any more", "if i be dead", "end my|the suffering|pain",
        "cutting|cut|cuts|burning|burns his|her|their|my arms|wrists|legs|skin|thighs|wrist",
        "written letters to my family", "say goodbye to everyone", "end|ending things|everything",
        "and not wake up", "want to? not wake up", "to sleep forever", "do to myself",
        "do something|anything stupid", "better without me|us", "no longer want to live|exist",
        "no longer want to be here|alive", "take|took|taken|swallowed a? load|lot|handful|bunch|"
        "packet|packets|box|boxes|bottle|loads|lots of pills|tablets|paracetamol|painkillers|"
        "meds|sleeping", "took|taken|swallowed all my|the|her|his pills|tablets|paracetamol|meds",
        "rather|prefer not wake up", "finish|finishing my life", "end|ending my own? life",
        "pills|tablets lined|laid|counted up|out",
        "not see the|any point in|of anything|everything|life",
        "see no point in|of anything|everything|life",
        "very? bad|dark thoughts about|of dying|death|ending|killing",
        negation_window=2,
    ),
)

SAFEGUARDING_RULES: tuple[Rule, ...] = (
    make_rule(
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
    make_rule(
        "sg_person_at_risk", C.SAFEGUARDING,
        f"{PERSON} be? at risk", f"{PERSON} be? in danger", "in immediate|real|serious danger",
        "in danger", "someone be in danger", "life be in danger",
        not_next="of",
    ),
    make_rule(
        "sg_not_safe", C.SAFEGUARDING,
        "i|we|children|child|they|he|she be not safe", "do not feel safe",
        "feel|feeling unsafe", "not safe at home",
        unless=("CTX_ABUSER",),
    ),
    make_rule(
        "sg_abused", C.SAFEGUARDING,
        "being abused|neglected|hurt|harmed|mistreated|beaten", "be abused|neglected|mistreated",
        "abused at home", "neglecting the|her|his|their children|child|mum|dad|mother|father",
        "unexplained injuries|bruises|bruising|marks", "with injuries|bruises|bruising",
        "not be fed", "have not be fed", "not have food for days",
        "no adults|adult in|at|with|around", "without an|any adult|adults",
        "stealing|taking|steal|took|stole|steals|take|takes her|his|their _? money|savings|"
        "pension|cards|card|benefits",
    ),
    make_rule(
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
    make_rule(
        "sg_frail_wandering", C.SAFEGUARDING, "wandering|wanders|wandered|wander|lost",
        needs=("CTX_FRAIL",), not_next="around",
    ),
    make_rule(
        "sg_young_alone", C.SAFEGUARDING,
        "on his|her|their own", "older|adult men|man", "met online", "no adult|adults",
        "parents|mum|dad|adults|mother|father be|have? be? gone|away|out|missing since|for|all",
        "burn|burns|burned|burnt him|her|them", "strangers|stranger", "left in a|the car|van",
        "drunk|intoxicated|wasted|high", "scared|afraid to go home",
        needs=("CTX_YOUNG",), not_prev="i me we live lives living",
    ),
    make_rule(
        "sg_not_seen", C.SAFEGUARDING,
        "have|be not be seen", "not seen for|since|in _? days", "nobody have seen",
        "missing person", "have? go missing", "run|ran away from home|care",
        needs=("CTX_PERSON",), not_next="to",
    ),
    make_rule(
        "sg_worried_child", C.SAFEGUARDING,
        "worried|concerned|concern|concerns about|for a|the|my|this|that? child|children|girl|boy",
        "worried|concerned about the? welfare",
        not_next="'s ' data details info information records school place education future",
    ),
    make_rule(
        "sg_referral", C.SAFEGUARDING,
        "referral to children|child 's? services|social",
        "referral to social care|services|workers", "mash referral|form|team",
        "make|making|submit|submitting|send|do a|an urgent? referral",
        "speak to a? social worker", "contact|call a? social worker",
        needs=("CTX_CHILD",),
    ),
    make_rule(
        "sg_childrens_services", C.SAFEGUARDING,
        "children|child 's? services", "children|child 's? social care", "duty social worker",
        "social worker urgently",
        needs=("CTX_SG_URGENT",),
    ),
)

DOMESTIC_ABUSE_RULES: tuple[Rule, ...] = (
    make_rule(
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
    make_rule(
        "da_hits_me", C.DOMESTIC_ABUSE,
        "hit|kicked me|us", "raped me", "i|we be being abused|hit|threatened|stalked|followed",
        "locked|locks|locking me|us in",
        not_prev="it this that bill car ball", not_next="out",
    ),
    make_rule(
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
    make_rule(
        "da_find_me", C.DOMESTIC_ABUSE,
        f"{ABUSER} will|might|can|would|be|go? to? find|track me|us",
        f"{ABUSER} will|might|can|would? find out where i|we live|be",
        f"{ABUSER} have? found|find|know|knows|knew|finds out? where i|we live|be|stay",
        f"{ABUSER} have? found|find|know|knows|knew|finds|got out? my|our new? address",
        "found out where i|we live", "find out where i|we live", "find where i|we live",
        "hiding|hide from my|him|her|ex|partner|husband",
        f"{ABUSER} keep|be|have? threatening|threatened|threatens me|us",
        f"{ABUSER} will|do? not let me leave|go|out|see",
        f"{ABUSER} have? found|find|know|knows|knew|finds out? where i|we|she|he|they live|stay",
        "ran|run|running|get|got away from him|her|my|partner|husband|ex|boyfriend",
        "escaped|escaping|escape from? him|her|my|partner|husband|ex|boyfriend",
        "said|says he|she|they will|would|go to? kill|hurt|stab me|us",
        "told me he|she|they will|would|go to? kill|hurt|stab me|us",
        "he|she|ex|partner|husband|boyfriend|girlfriend|wife|abuser broke|smashed|kicked|bashed "
        "my|the|our door|window|windows|phone|things|stuff",
        f"{ABUSER} follows|followed|following|stalks me|us", "kicked things|stuff|objects? at me",
        "hit my mum|mother|mom|sister|brother|wife|husband|partner|nan|gran|grandma",
        f"{ABUSER} keep? turns|turning|turned up at my|our work|house|door|flat|home|school",
        f"{PARTNER} be|keep? waiting|outside|turning|following|watching|parked",
        f"{ABUSER} watch|watches|watching|check|checks|checking|track|tracks|tracking|monitors|"
        "controls everything|my",
    ),
    make_rule("da_fleeing", C.DOMESTIC_ABUSE, "fleeing", not_next="lol"),
    make_rule(
        "da_harass", C.DOMESTIC_ABUSE, "harassing|harassed|harasses|harassment",
        "knows|know|found|got|has my|our new? address", needs=("CTX_ABUSER",),
    ),
    make_rule(
        "da_family", C.DOMESTIC_ABUSE, "violent|abusive|aggressive towards|to me|us",
        needs=("CTX_ABUSER", "CTX_FAMILY"),
    ),
    make_rule(
        "da_threat", C.DOMESTIC_ABUSE,
        "threatened|threatening|threatens|threaten to kill|hurt|harm|stab|strangle me|us",
        "violent|abusive man|men|partner|husband|boyfriend|ex|relationship|father|dad|stepdad",
    ),
    make_rule(
        "da_not_safe", C.DOMESTIC_ABUSE,
        "i|we be not safe", "do not feel safe", "feel|feeling unsafe", "not safe at home",
        "scared to go home", "scared for my life",
        needs=("CTX_ABUSER",),
    ),
)

GAS_RULES: tuple[Rule, ...] = (
    make_rule(
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
    make_rule("gas_no_flame", C.GAS_LEAK, "no flame", needs=("CTX_GAS",)),
)

HOMELESS_RULES: tuple[Rule, ...] = (
    make_rule(
        "homeless_now", C.HOMELESS_TONIGHT,
        "homeless tonight|today|now|right",
        "i|we|me|us|family|son|daughter|he|she|they|children|mum|dad be|will? be? "
        "now|currently|still|literally|actually|officially|completely? homeless",
        "about|go to be homeless", "made|make|making|become|becoming|left|leave "
        "me|us|them? homeless", "will be homeless", "facing homelessness", "street homeless",
    ),
    make_rule(
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
    make_rule(
        "homeless_bare", C.HOMELESS_TONIGHT, "homeless",
        not_prev="the for help helping with about of support supporting volunteer my our a",
        not_next="application applications",
    ),
    make_rule("have_nowhere", C.HOMELESS_TONIGHT, "have nowhere", not_next="to"),
    make_rule("homeless_tonight_ctx", C.HOMELESS_TONIGHT, "homeless", needs=("CTX_NOW",)),
    make_rule("locks_changed", C.HOMELESS_TONIGHT, "changed|change the? locks",
          needs=("CTX_LANDLORD",)),
    make_rule(
        "lost_home", C.HOMELESS_TONIGHT, f"lost my|our {HOME}",
        not_next="keys key insurance documents deposit",
    ),
    make_rule(
        "kicked_out", C.HOMELESS_TONIGHT, "kicked me|us|him|her|them? out",
        not_next="of", not_prev="it system site website portal app page chat form and",
        unless=("CTX_DIGITAL",),
    ),
    make_rule(
        "out_of_home", C.HOMELESS_TONIGHT,
        f"kicked me|us? out of my|the|our|his|her? {HOME}",
        f"locked out of my|the|our? {HOME}",
        "landlord|he|she|they|partner|husband|mum|dad locked me|us out",
        "landlord|he|she|they|partner|husband have? changed|change the locks",
        "illegally evicted", "illegal eviction",
        f"must|have to leave the|my? {HOME}? today|tonight",
        f"told me|us to leave the|my? {HOME}? today|tonight|now",
    ),
    make_rule("bailiffs_here", C.HOMELESS_TONIGHT, "bailiffs be here|outside|at"),
    make_rule("evicted_now", C.HOMELESS_TONIGHT, "evicted", needs=("CTX_NOW",)),
    make_rule(
        "evicted_past", C.HOMELESS_TONIGHT, "evicted", unless=("CTX_SOON", "CTX_NOW", "CTX_PAST"),
    ),
)

UNSAFE_HOME_RULES: tuple[Rule, ...] = (
    make_rule(
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
        "no electric at all|anywhere", f"no electric in|to the|my|our whole? {HOME}|building",
        "water in|into|near|on|through the|my? electric|light|lights|socket|sockets|fuse|fusebox",
        "leaking|dripping|pouring|come|leak onto|into|on|through|in the|my? electric? light|"
        "lights|socket|sockets|fuse|fusebox|wires|wiring|electric",
    ),
    make_rule(
        "electrics_noise", C.UNSAFE_HOME, "buzzing|crackling|fizzing|arcing",
        needs=("CTX_ELECTRIC",),
    ),
    make_rule(
        "structure", C.UNSAFE_HOME,
        "building|wall|walls|ceiling|floor|roof|balcony|stairs be? moving|shaking|collapsing|"
        "subsiding|sinking|bowing|crumbling", "giving way",
        "come|pouring|running|streaming|gushing|dripping down the|my? walls|wall|ceiling",
    ),
    make_rule(
        "insecure", C.UNSAFE_HOME,
        *each("{x} lock|secure the|my|our? front|back? door|window|flat|house|home", *CANNOT),
        "will|can|do not lock|shut|close|secure",
        "door|window|lock|locks|entrance|frame be? broken|smashed|kicked|bust|busted|forced|"
        "damaged|snapped",
        "door|window|lock|locks|entrance have be broken|smashed|kicked|bust|busted|forced|damaged",
        "door|window kicked|smashed|forced in|open|down",
        "window|frame fallen|come|falling out|in|off", "anyone can walk|get in",
        "not secure", "insecure",
        needs=("CTX_DOOR",), unless=("CTX_DRAUGHT",),
        not_prev="cupboard wardrobe shower cabinet oven car garage shed fridge kitchen gate bin "
                 "padlock bike cycle store",
    ),
    make_rule(
        "flooding", C.UNSAFE_HOME, "flooding", unless=("CTX_OUTDOOR_ONLY",),
        not_next="with by defence defences risk alert alerts warning warnings consultation "
                 "insurance map maps scheme of underpass road roads street streets park field "
                 "fields pitch tunnel subway lane path footpath pavement garden",
        not_prev="street road roads streets high river",
    ),
    make_rule(
        "water_damage", C.UNSAFE_HOME,
        "burst _? pipe|pipes|tank", "pipe|pipes|tank|cylinder have? burst|bursted",
        "water pouring|come|leaking|gushing|pour|pours|leaks|running|flowing|dripping|pissing|"
        "flooding through|from|into|in|down the|my|our? _? ceiling|roof|floor|wall|walls|light|"
        "lights|socket|electric|fitting",
        "water have? be pouring|come|leaking|gushing|running|flowing|dripping through|from|into|"
        "in|down the|my|our? _? ceiling|roof|floor|wall|walls|light|lights|socket",
        "pouring|gushing|cascading|streaming|flooding|pour|pours through|down|from the|my|our? "
        "_? ceiling|roof|light|lights",
        f"pouring|gushing|cascading|streaming into|through|in the|my|our? {ROOM}",
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
    make_rule(
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
    make_rule(
        "heat_broken", C.NO_HEATING_OR_WATER,
        *each("{x} be|have|keep? " + BROKEN, *_HEAT_NOUNS),
        *each("{x} be|have|keep? be " + BROKEN, *_HEAT_NOUNS),
        *each("{x} be|have|do? not work|working|worked|on|come", *_HEAT_NOUNS),
        *each("{x} have? stopped working", *_HEAT_NOUNS),
        *each("{x} be|have? packed up|in", *_HEAT_NOUNS),
        *each("{x} go|keep off|out|down|cold", *_HEAT_NOUNS),
        *each("{x} be stone cold", *_HEAT_NOUNS),
        *each("{x} in|at the|my|our " + f"{HOME} be|have|keep? be? " + BROKEN, *_HEAT_NOUNS),
        "heating be not",
        needs=("CTX_VULNERABLE", "CTX_COLD"), unless=("CTX_VENUE_ONLY",),
        not_prev="library leisure centre center hall office school pool gym church shop",
    ),
    make_rule(
        "heating_and_cold", C.NO_HEATING_OR_WATER, "freezing|frozen|cold|shivering",
        needs=("CTX_HEATING",), also_needs=("CTX_VULNERABLE",), unless=("CTX_VENUE_ONLY",),
        not_next="the council rent rents",
    ),
    make_rule(
        "freezing_home", C.NO_HEATING_OR_WATER,
        f"{HOME} be freezing|cold", "we|i be freezing",
        needs=("CTX_VULNERABLE",),
        not_next="the council rent rents",
    ),
)

NO_MONEY_RULES: tuple[Rule, ...] = (
    make_rule(
        "cant_afford", C.NO_MONEY_FOR_ESSENTIALS,
        f"no money|credit for my|the|any|some|baby? _? {ESSENTIALS}",
        f"no money|credit left for my|the|any? {ESSENTIALS}",
        "no money to buy|get|pay|feed|eat|heat|top", "no money until",
        f"not have any? money|cash for|to|left for? {ESSENTIALS}",
        f"not have any? money|cash for|to buy|get my|the|any|some|baby? _? {ESSENTIALS}",
        f"no {ESSENTIALS} or|and gas|electric? credit",
        "no gas|electric|emergency|credit|money on|in|left on? the|my meter",
        "no gas|electric|emergency credit", "no credit left", "on emergency credit",
        *each("{x} afford|buy|get|top up? " + ESSENTIALS, *CANNOT),
        *each("{x} afford|buy|get|top up? my|the|any|some|baby _? " + ESSENTIALS, *CANNOT),
        *each("{x} pay for my|the|any|some|baby? _? " + ESSENTIALS, *CANNOT),
        *each("{x} afford to eat|heat|feed", *CANNOT), "can not feed", "nothing to feed",
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
    make_rule("no_money_left", C.NO_MONEY_FOR_ESSENTIALS, "no money left", not_next="on in"),
    make_rule(
        "no_food", C.NO_MONEY_FOR_ESSENTIALS, "no food",
        negation_window=2, unless=("CTX_VENUE_ONLY",),
        not_next="waste bin bins caddy caddies collection collections recycling liners hygiene "
                 "van bank banks allowed",
    ),
    make_rule(
        "top_up", C.NO_MONEY_FOR_ESSENTIALS, *each("{x} top up", *CANNOT),
        needs=("CTX_ENERGY",),
    ),
    make_rule(
        "no_money_benefit_stopped", C.NO_MONEY_FOR_ESSENTIALS,
        "no money", "nothing left", "skint|penniless|destitute", "starving|hungry",
        "food bank|foodbank", "only have £ _", "have £ _ left|to", "£ _ left",
        "meter be? empty|on emergency", "run|ran out of credit", "to my name",
        "no dinner|tea|breakfast|lunch|meal|meals", "my|our last £|pound|fiver|tenner",
        "last few pounds",
        needs=("CTX_STOPPED",),
        negation_window=2,
    ),
    make_rule(
        "eviction_soon", C.NO_MONEY_FOR_ESSENTIALS,
        "evicted", "evict", "eviction", "bailiffs come|booked", "possession hearing|order|warrant",
        "court date",
        needs=("CTX_SOON",),
    ),
    make_rule(
        "eviction_benefit", C.NO_MONEY_FOR_ESSENTIALS,
        "evict me|us", "go to evict", "will be evicted", "risk of eviction",
        "facing eviction", "threatened with eviction", "possession hearing|warrant",
        "eviction notice", "bailiffs",
        needs=("CTX_MONEY",),
    ),
)

MISSED_CARE_RULES: tuple[Rule, ...] = (
    make_rule(
        "carer_no_show", C.MISSED_CARE_VISIT,
        f"carer|agency have|be|do? not yet? {ARRIVE}|send|sent",
        f"care|support worker|workers|staff|company have|be|do? not yet? {ARRIVE}|send|sent",
        "care|support worker|workers no -? show", "carer no -? show",
        f"no carer have? be? {ARRIVE}|today|since|yet",
        "missed care|carer visit|visits|call|calls",
        "care|carer visit|visits|call|calls be|have? be? missed|cancelled|canceled",
        "carer missed", f"home help|helper have|be|do? not {ARRIVE}",
        f"carer|agency|worker|workers|staff|care|company fail|failed to {ARRIVE}",
        negation_window=0,
    ),
    make_rule(
        "missed_visits", C.MISSED_CARE_VISIT,
        "missed visit|visits|calls",
        "visit|visits|call|calls|care have|be? be? missed|cancelled|canceled",
        "visit|visits|call|calls|care have|do? not happen|happened",
        f"nobody have? {ARRIVE} up? to {CARE_TASK}",
        f"no one have? {ARRIVE} up? to {CARE_TASK}",
        f"nobody _? _? _? _? have? {ARRIVE}",
        f"no one _? _? _? _? have? {ARRIVE}",
        "supposed|meant|due to come|visit|arrive", "not show|turn up|arrive|come",
        "cancelled|canceled|missed _? _? _? visits|visit|calls",
        needs=("CTX_CARE",), negation_window=0,
    ),
    make_rule(
        "nobody_came_meds", C.MISSED_CARE_VISIT,
        f"nobody|noone have? {ARRIVE} up? to give|help",
        f"no one have? {ARRIVE} up? to give|help",
        needs=("CTX_CARE",), negation_window=0,
    ),
)

GENERAL_RULES: tuple[Rule, ...] = (
    make_rule(
        "general", C.GENERAL,
        "not breathing", "can not breathe|breath", "struggling to breathe|breath",
        "difficulty breathing", "collapsed", "unconscious|unresponsive",
        "having a seizure|fit|stroke|heart", "seizure", "heart attack", "chest pain|pains",
        "have? had a fall", "fallen over|down|and|in", f"{PERSON}|i have? fallen",
        "on fire", "fire in|at the|my|our? _? building|flat|block|house|kitchen|bin|bins|"
        "stairwell|corridor|hallway|home|tower", "asthma attack", "allergic reaction",
        "anaphylaxis|anaphylactic", "car|road crash|accident", "hit by a car|bus|van|lorry",
        "not moving|responding", "lying on the floor|ground", "house|flat|kitchen|chip fire",
        "choking", f"{OTHER_PERSON} be dead", "burned|burnt down",
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
    + NO_MONEY_RULES + MISSED_CARE_RULES + GENERAL_RULES + ACUTE_RULES
)

