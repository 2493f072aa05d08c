"""Word lists shared by the rule tables (people, homes, abusers, ...), as pattern alternatives."""

PERSON = (
    "child|children|baby|boy|girl|teenager|teen|adult|person|people|he|she|they|him|her|them|"
    "mum|mother|mom|dad|father|son|daughter|brother|sister|nan|nana|gran|grandma|grandad|"
    "grandmother|grandfather|neighbour|neighbor|man|woman|lady|tenant|resident|friend|wife|"
    "granddaughter|grandson|niece|nephew|aunt|uncle|client|pupil|student|husband|partner|"
    "someone|somebody|i|we|me|us|family|kids"
)
ABUSER = "he|she|ex|partner|husband|boyfriend|wife|girlfriend|abuser|stepdad"
HOME = "home|house|flat|place|room|property|hostel|accommodation|bedsit|apartment|digs"
ROOM = "kitchen|bathroom|flat|bedroom|room|house|home|hall|hallway|lounge|living|toilet"
BROKEN = (
    "broke|broken|stopped|failed|died|packed|conked|bust|busted|gone|dead|kaput|off|down|"
    "breaking|failing|cut|out|cold|freezing"
)
ESSENTIALS = (
    "food|gas|electric|heating|nappies|diapers|formula|milk|medication|medicine|meds|insulin|"
    "prescription|prescriptions|meter|shopping|groceries|essentials|tea|dinner|tablets|inhaler|"
    "eat|feed|heat|top"
)
DATA = "data|details|information|account|money|info|identity|records|files|password"
DROP = "bridge|roof|building|balcony|train|cliff|car|bus|window"
CANNOT = ("can not", "unable to")
CARE_TASK = (
    "give|help|get|wash|feed|dress|put|change|hoist|check|bathe|toilet|do|make|sort|see|visit"
)
OTHER_PERSON = (
    "neighbour|neighbor|mum|mother|dad|father|he|she|someone|somebody|man|woman|husband|wife|"
    "son|daughter|nan|grandad|gran|brother|sister|friend"
)
PARTNER = "ex|partner|husband|boyfriend|abuser|stepdad|wife|girlfriend"
ARRIVE = "come|turn|show|arrive|attend|attended|be|visit|visited|appear|appeared|here"
