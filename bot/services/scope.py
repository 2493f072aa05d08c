"""What this assistant does not cover, said plainly: other councils' residents, and council
services the status database does not list.

A resident of Camden who asks about bins used to be asked to pick one of our three councils;
someone asking about pest control looped through the service menu. Both now get a straight
answer and somewhere to go instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.services.councils import postcode_district

FIND_COUNCIL = "https://www.gov.uk/find-local-council"


@dataclass(frozen=True)
class OtherCouncil:
    name: str
    website: str


# The other 30 London boroughs and the City of London, by the names residents use.
OTHER_LONDON_COUNCILS: dict[str, OtherCouncil] = {
    "barking and dagenham": OtherCouncil("Barking and Dagenham", "https://www.lbbd.gov.uk"),
    "barking": OtherCouncil("Barking and Dagenham", "https://www.lbbd.gov.uk"),
    "dagenham": OtherCouncil("Barking and Dagenham", "https://www.lbbd.gov.uk"),
    "barnet": OtherCouncil("Barnet", "https://www.barnet.gov.uk"),
    "bexley": OtherCouncil("Bexley", "https://www.bexley.gov.uk"),
    "brent": OtherCouncil("Brent", "https://www.brent.gov.uk"),
    "bromley": OtherCouncil("Bromley", "https://www.bromley.gov.uk"),
    "camden": OtherCouncil("Camden", "https://www.camden.gov.uk"),
    "city of london": OtherCouncil("the City of London", "https://www.cityoflondon.gov.uk"),
    "croydon": OtherCouncil("Croydon", "https://www.croydon.gov.uk"),
    "ealing": OtherCouncil("Ealing", "https://www.ealing.gov.uk"),
    "enfield": OtherCouncil("Enfield", "https://www.enfield.gov.uk"),
    "greenwich": OtherCouncil("Greenwich", "https://www.royalgreenwich.gov.uk"),
    "hackney": OtherCouncil("Hackney", "https://hackney.gov.uk"),
    "haringey": OtherCouncil("Haringey", "https://www.haringey.gov.uk"),
    "harrow": OtherCouncil("Harrow", "https://www.harrow.gov.uk"),
    "havering": OtherCouncil("Havering", "https://www.havering.gov.uk"),
    "hillingdon": OtherCouncil("Hillingdon", "https://www.hillingdon.gov.uk"),
    "hounslow": OtherCouncil("Hounslow", "https://www.hounslow.gov.uk"),
    "islington": OtherCouncil("Islington", "https://www.islington.gov.uk"),
    "kingston": OtherCouncil("Kingston upon Thames", "https://www.kingston.gov.uk"),
    "lambeth": OtherCouncil("Lambeth", "https://www.lambeth.gov.uk"),
    "lewisham": OtherCouncil("Lewisham", "https://lewisham.gov.uk"),
    "merton": OtherCouncil("Merton", "https://www.merton.gov.uk"),
    "newham": OtherCouncil("Newham", "https://www.newham.gov.uk"),
    "redbridge": OtherCouncil("Redbridge", "https://www.redbridge.gov.uk"),
    "richmond": OtherCouncil("Richmond upon Thames", "https://www.richmond.gov.uk"),
    "southwark": OtherCouncil("Southwark", "https://www.southwark.gov.uk"),
    "sutton": OtherCouncil("Sutton", "https://www.sutton.gov.uk"),
    "tower hamlets": OtherCouncil("Tower Hamlets", "https://www.towerhamlets.gov.uk"),
    "waltham forest": OtherCouncil("Waltham Forest", "https://www.walthamforest.gov.uk"),
    "wandsworth": OtherCouncil("Wandsworth", "https://www.wandsworth.gov.uk"),
}
# Borough names that are also common words or surnames need a cue ("I live in Sutton").
_NEEDS_CUE = {"richmond", "sutton", "kingston", "merton", "greenwich", "barking", "brent"}
_CUE = r"(?:live|living|lives|based|resident|am|i'?m|from|in|at|of|near)\s+(?:in\s+)?"
_NAMES = sorted(OTHER_LONDON_COUNCILS, key=len, reverse=True)
_PLAIN = re.compile(
    r"\b(" + "|".join(re.escape(n) for n in _NAMES if n not in _NEEDS_CUE) + r")\b"
    r"(?!\s+(?:road|street|st|avenue|lane|station|market|high street))",
    re.IGNORECASE,
)
_CUED = re.compile(
    r"\b" + _CUE + r"(" + "|".join(re.escape(n) for n in _NEEDS_CUE) + r")\b"
    r"|\b(" + "|".join(re.escape(n) for n in _NEEDS_CUE) + r")\s+(?:council|borough)\b",
    re.IGNORECASE,
)

# London postcode districts wholly (or almost wholly) outside our three boroughs, with the
# borough most of each lies in. Districts shared with one of ours (NW1, NW6, W3, W4...) are
# left out: the resident is asked which council instead.
DISTRICT_COUNCIL: dict[str, str] = {
    **dict.fromkeys(("NW3", "NW5", "WC1"), "camden"),
    **dict.fromkeys(("NW10", "NW2"), "brent"),
    **dict.fromkeys(("NW4", "NW7", "NW11", "N2", "N3", "N12", "N20", "EN5"), "barnet"),
    **dict.fromkeys(("W5", "W7", "W13", "UB1", "UB2", "UB5", "UB6"), "ealing"),
    **dict.fromkeys(("TW3", "TW4", "TW5", "TW7", "TW13", "TW14"), "hounslow"),
    **dict.fromkeys(("TW9", "TW10", "TW11", "TW12", "SW13", "SW14"), "richmond"),
    **dict.fromkeys(("SW11", "SW15", "SW17", "SW18"), "wandsworth"),
    **dict.fromkeys(("SW2", "SW4", "SW8", "SW9", "SE11", "SE27"), "lambeth"),
    **dict.fromkeys(("SE5", "SE15", "SE16", "SE17", "SE21", "SE22"), "southwark"),
    **dict.fromkeys(("N1", "N4", "N5", "N7", "N19", "EC1"), "islington"),
    **dict.fromkeys(("E5", "E8", "E9", "N16"), "hackney"),
    **dict.fromkeys(("E1", "E2", "E3", "E14"), "tower hamlets"),
    **dict.fromkeys(("E6", "E7", "E12", "E13", "E15", "E16"), "newham"),
    **dict.fromkeys(("N8", "N15", "N17", "N22"), "haringey"),
    **dict.fromkeys(("EN1", "EN2", "EN3", "N9", "N13", "N18", "N21"), "enfield"),
    **dict.fromkeys(("HA1", "HA2", "HA3", "HA5"), "harrow"),
    **dict.fromkeys(("UB3", "UB4", "UB7", "UB8", "UB10", "HA4"), "hillingdon"),
    **dict.fromkeys(("KT1", "KT2", "KT3", "KT5", "KT6"), "kingston"),
    **dict.fromkeys(("SW19", "SW20", "CR4"), "merton"),
    **dict.fromkeys(("SM1", "SM2", "SM3"), "sutton"),
    **dict.fromkeys(("CR0", "CR2", "CR7", "SE25"), "croydon"),
    **dict.fromkeys(("BR1", "BR2", "BR3", "BR6"), "bromley"),
    **dict.fromkeys(("SE4", "SE6", "SE8", "SE13", "SE14", "SE23"), "lewisham"),
    **dict.fromkeys(("SE7", "SE9", "SE10", "SE18", "SE28"), "greenwich"),
    **dict.fromkeys(("DA5", "DA7", "DA14", "DA15", "DA16"), "bexley"),
    **dict.fromkeys(("RM1", "RM2", "RM3", "RM11", "RM12", "RM14"), "havering"),
    **dict.fromkeys(("IG1", "IG2", "IG3", "IG4", "IG6"), "redbridge"),
    **dict.fromkeys(("E4", "E10", "E11", "E17"), "waltham forest"),
    **dict.fromkeys(("IG11", "RM8", "RM9", "RM10"), "barking and dagenham"),
    **dict.fromkeys(("EC2", "EC3", "EC4"), "city of london"),
}
_POSTCODE_LIKE = re.compile(r"\b([A-Za-z]{1,2}\d{1,2}[A-Za-z]?)(?:\s*\d[A-Za-z]{2})?\b")


def other_council(text: str, our_districts: set[str] | None = None) -> OtherCouncil | None:
    """Another London council the resident says they live in (by name or postcode), if any."""
    text = text or ""
    match = _PLAIN.search(text) or _CUED.search(text)
    if match:
        name = next(group for group in match.groups() if group).lower()
        return OTHER_LONDON_COUNCILS[name]
    for candidate in _POSTCODE_LIKE.findall(text):
        district = postcode_district(candidate)
        if district and district not in (our_districts or set()) and district in DISTRICT_COUNCIL:
            return OTHER_LONDON_COUNCILS[DISTRICT_COUNCIL[district]]
    return None


def out_of_area_answer(council: OtherCouncil) -> str:
    return (
        "This assistant only covers Kensington and Chelsea, Hammersmith and Fulham and "
        f"Westminster. It sounds like you live in {council.name}: please contact "
        f"{council.name} Council at {council.website}. If you are not sure which council you "
        f"are in, {FIND_COUNCIL} tells you from your postcode. If anyone is in danger, call 999."
    )


# Council services residents ask about that the status database does not list.
UNLISTED_SERVICES: dict[str, tuple[str, ...]] = {
    "pest control": ("pest control", "pests", "rats", "mice", "cockroaches", "bed bugs",
                     "bedbugs", "wasps", "pigeons", "vermin"),
    "school admissions": ("school admission", "school admissions", "school place",
                          "school places", "school application", "primary school",
                          "secondary school", "school appeal"),
    "licensing": ("licence application", "license application", "licensing", "alcohol licence",
                  "premises licence", "taxi licence", "street trading"),
    "noise complaints": ("noise complaint", "noise nuisance", "noisy neighbour",
                         "noisy neighbours", "loud music"),
    "street lighting": ("street light", "street lights", "streetlight", "street lighting",
                        "lamp post"),
    "roads and pavements": ("pothole", "potholes", "pavement", "road repair", "road works",
                            "roadworks"),
    "council housing rent": ("rent account", "pay my rent", "paying rent", "rent payment",
                             "council rent"),
    "the electoral register": ("electoral register", "electoral roll", "register to vote",
                               "polling card", "postal vote"),
    "leisure centres": ("leisure centre", "swimming pool", "gym membership"),
    "trees and parks": ("tree", "trees", "parks", "playground", "park keeper"),
    "graffiti and street cleaning": ("graffiti", "street cleaning", "dog mess", "litter"),
    "food safety": ("food hygiene", "food safety", "food poisoning from a restaurant"),
    "freedom passes": ("freedom pass",),
    "blue badges": ("blue badge",),
    "cemeteries": ("cemetery", "cemeteries", "burial", "grave"),
}
_UNLISTED = [
    (label, re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b", re.IGNORECASE))
    for label, words in UNLISTED_SERVICES.items()
]


def unlisted_service(text: str) -> str | None:
    """The name of a council service we have no status for, when the message asks about one."""
    for label, pattern in _UNLISTED:
        if pattern.search(text or ""):
            return label
    return None


def unlisted_service_answer(label: str, routes: str | None) -> str:
    where = (f"For {label}, please contact the council: {routes}" if routes else
             f"For {label}, please contact your council's incident helpline or customer service "
             "centre, or say which council you are in and I'll give you its contact details.")
    return f"I don't have a status for {label}. {where}"


# Other organisations residents ask the council's assistant about. Each has where to go: an
# address on its own or gov.uk website, and a phone number only where it is well known and
# fixed (111, 101, 105, the Universal Credit helpline). The first match wins, so the more
# specific bodies come first (Universal Credit before the DWP in general).
@dataclass(frozen=True)
class OtherBody:
    key: str
    name: str
    where: str
    words: tuple[str, ...]
    # regular expressions for wordings where a matched word points at the council after all
    # ("died in hospital, how do I register the death", "pay council tax at the post office")
    unless: tuple[str, ...] = ()


OTHER_BODIES: tuple[OtherBody, ...] = (
    OtherBody("nhs_111", "the NHS",
              "For urgent medical help that is not an emergency, call NHS 111 (free, day or "
              "night) or go to 111.nhs.uk. For a GP, dentist, hospital or prescription, "
              "contact the surgery, pharmacy or hospital directly, or see www.nhs.uk.",
              ("nhs", "nhs 111", "111", "gp", "gps", "g p", "doctor", "doctors", "doctor's",
               "surgery appointment", "gp surgery", "hospital", "a&e", "a and e", "a & e",
               "prescription", "prescriptions", "pharmacy", "chemist", "dentist", "nhs dentist",
               "midwife", "physio", "walk in centre", "walk-in centre", "nhs app",
               "sick note", "fit note", "vaccine", "vaccination", "flu jab", "blood test",
               "mental health team", "medical records", "nhs number", "inhaler"),
              (r"\b(?:died|passed away|passed)\s+(?:\w+\s+){0,3}(?:in|at)\s+(?:the\s+)?hospital",
               r"\b(?:born|had\s+(?:the|our|my|a)\s+baby)\s+(?:\w+\s+){0,2}(?:in|at)\s+(?:the\s+)?"
               r"hospital",
               r"\b(?:out of|home from|discharged from|leaving|leaves)\s+(?:the\s+)?hospital",
               r"\bhospital discharge")),
    OtherBody("universal_credit", "the DWP (Universal Credit)",
              "Universal Credit is run by the DWP, not the council. Use your online journal at "
              "www.gov.uk/sign-in-universal-credit or call the Universal Credit helpline on "
              "0800 328 5644 (free).",
              ("universal credit", "univeral credit", "universal credits", "uc", "uc journal",
               "work coach", "jobcentre", "job centre", "jobcentre plus", "advance payment",
               "uc payment", "uc advance")),
    OtherBody("dwp", "the DWP",
              "That is a benefit from the DWP, not the council: see www.gov.uk/browse/benefits "
              "for how to contact them. The council can help with housing benefit, council tax "
              "support and crisis help.",
              ("dwp", "pip", "personal independence payment", "esa", "jsa",
               "jobseekers allowance", "jobseeker's allowance", "carers allowance",
               "carer's allowance", "attendance allowance", "state pension", "pension credit",
               "mandatory reconsideration", "budgeting loan", "dla",
               "disability living allowance")),
    OtherBody("hmrc", "HMRC",
              "Tax codes, income tax, child benefit and tax credits are HMRC's: see "
              "www.gov.uk/contact-hmrc. The council only deals with council tax.",
              ("hmrc", "tax code", "tax codes", "taxcode", "self assessment", "tax return",
               "tax rebate", "tax refund from hmrc", "national insurance", "ni number",
               "p60", "p45", "utr", "child benefit", "tax credits", "tax credit",
               "tax-free childcare", "tax free childcare", "marriage allowance",
               "income tax")),
    OtherBody("dvla", "the DVLA",
              "Driving licences, car tax and log books are the DVLA's: see "
              "www.gov.uk/contact-the-dvla. Council parking permits and parking tickets are "
              "something I can help with.",
              ("dvla", "driving licence", "driving license", "drivers licence",
               "provisional licence", "car tax", "vehicle tax", "tax my car", "v5c",
               "log book", "logbook", "sorn", "driving test", "mot")),
    OtherBody("passports_visas", "the Home Office",
              "Passports are dealt with by HM Passport Office (www.gov.uk/browse/abroad/"
              "passports) and visas, immigration and citizenship by the Home Office "
              "(www.gov.uk/browse/visas-immigration). The council's register office can help "
              "with birth, death and marriage certificates.",
              ("passport", "passports", "passport office", "visa", "visas", "home office",
               "asylum", "indefinite leave", "leave to remain", "ilr", "brp", "evisa",
               "e-visa", "settled status", "pre-settled status", "euss", "citizenship",
               "naturalisation", "spouse visa")),
    OtherBody("tfl", "Transport for London (TfL)",
              "Buses, the Tube, Oyster, ULEZ and the congestion charge are run by TfL: see "
              "tfl.gov.uk.",
              ("tfl", "transport for london", "oyster", "oyster card", "tube", "underground",
               "bus driver", "bus route", "bus stop", "the bus", "buses", "overground",
               "elizabeth line", "district line", "central line", "piccadilly line",
               "circle line", "northern line", "victoria line", "jubilee line", "dlr",
               "ulez", "congestion charge", "santander bike", "santander bikes",
               "contactless fare", "maximum fare")),
    OtherBody("police", "the police",
              "For the police when it is not an emergency, call 101 or report online at "
              "www.met.police.uk. If a crime is happening now or someone is in danger, "
              "call 999.",
              ("police", "met police", "101", "crime number", "crime reference",
               "stolen bike", "bike stolen", "bike was stolen", "nicked", "burgled",
               "break in", "broke into", "police officer", "copper", "coppers")),
    OtherBody("power", "your electricity network",
              "For a power cut, call 105 (free). For bills, meters or switching, contact your "
              "energy supplier on the number on your bill. If you smell gas, call 0800 111 999.",
              ("power cut", "power outage", "no electricity", "electricity bill", "energy bill",
               "gas bill", "energy supplier", "british gas", "octopus", "ovo", "edf", "eon",
               "e.on", "scottish power", "smart meter", "prepayment meter", "electric meter",
               "gas meter", "uk power networks", "warm home discount")),
    OtherBody("water", "your water company",
              "Water supply, water bills, burst mains and sewers are your water company's: for "
              "most of London that is Thames Water, www.thameswater.co.uk.",
              ("thames water", "water bill", "water meter", "water main", "water mains",
               "burst main", "water pressure", "sewer", "sewage", "water company")),
    OtherBody("royal_mail", "Royal Mail or the delivery company",
              "For post and parcels, contact Royal Mail (www.royalmail.com) or the company "
              "that delivered it.",
              ("royal mail", "postman", "postwoman", "post office", "redirection",
               "parcel", "parcels", "evri", "hermes", "dpd", "yodel", "courier",
               "delivery office"),
              # council bills are paid over the counter there with the council's payment card
              (r"\bpay(?:s|ing|ment)?\b[^.?!]{0,60}\bpost office\b",
               r"\bpost office\b[^.?!]{0,60}\b(?:pay(?:s|ing|ment)?|payment card|rent|"
               r"council tax)\b")),
    OtherBody("bank", "your bank",
              "Please contact your bank on the number on the back of your card or in its app.",
              ("my bank", "the bank", "bank account", "barclays", "lloyds", "natwest", "hsbc",
               "santander", "monzo", "nationwide", "halifax", "overdraft", "mortgage")),
    OtherBody("tv_licence", "TV Licensing",
              "The TV licence is run by TV Licensing, not the council: see "
              "www.tvlicensing.co.uk.",
              ("tv licence", "tv license", "tv licensing", "television licence")),
    OtherBody("broadband", "your broadband or phone provider",
              "For broadband, home phone or mobile problems, contact your provider on the "
              "number on your bill.",
              ("broadband", "wifi", "wi-fi", "internet provider", "openreach", "bt", "virgin media",
               "sky broadband", "talktalk", "vodafone", "ee", "o2", "three mobile",
               "phone contract", "mobile signal", "no signal")),
    OtherBody("private_landlord", "your landlord or letting agent",
              "For a problem with a private landlord or letting agent, Shelter gives free "
              "advice: england.shelter.org.uk, and deposits are covered at "
              "www.gov.uk/tenancy-deposit-protection. If you are being made homeless, tell me: "
              "the council can help with that.",
              ("private landlord", "letting agent", "letting agency", "estate agent", "deposit",
               "tenancy deposit", "housing association", "freeholder", "service charge")),
    OtherBody("courts", "the courts (HM Courts and Tribunals Service)",
              "Probate, divorce, small claims, jury service and court fines are dealt with by "
              "HM Courts and Tribunals Service: see www.gov.uk/browse/justice. For a lasting "
              "power of attorney, see www.gov.uk/power-of-attorney.",
              ("probate", "grant of probate", "divorce", "small claims", "small claims court",
               "jury service", "county court judgment", "ccj", "deed poll",
               "power of attorney", "lasting power of attorney", "office of the public guardian",
               "employment tribunal")),
    OtherBody("school", "the school",
              "Please contact the school directly about that. For school places and "
              "admissions, ask the council's admissions team.",
              ("the school", "my school", "school uniform", "teacher", "head teacher",
               "headteacher", "school trip", "college", "university", "student finance",
               "student loan")),
)
_BODY_PATTERNS = [
    (body, re.compile(r"(?<![\w&])(?:" + "|".join(
        re.escape(w) for w in sorted(body.words, key=len, reverse=True)) + r")(?![\w&])",
        re.IGNORECASE),
     re.compile("|".join(body.unless), re.IGNORECASE) if body.unless else None)
    for body in OTHER_BODIES
]


def other_body(text: str) -> OtherBody | None:
    """The other organisation a message is about (Universal Credit, the NHS, TfL...), if any."""
    for body, pattern, unless in _BODY_PATTERNS:
        if pattern.search(text or "") and not (unless and unless.search(text)):
            return body
    return None


def other_body_answer(body: OtherBody) -> str:
    return (f"That sounds like one for {body.name}, not the council, so I can't check it. "
            f"{body.where} If anyone is in danger, call 999.")


def signpost(text: str, service_id: str | None) -> str | None:
    """Where to go instead, when a message is about another organisation and names no council
    service of its own: "is the DVLA website down" (website is only the channel) is the
    DVLA's, "my housing benefit and universal credit stopped" is still the council's."""
    from bot.services.status import GENERIC_SERVICES

    if service_id and service_id not in GENERIC_SERVICES:
        return None
    body = other_body(text)
    return other_body_answer(body) if body else None
