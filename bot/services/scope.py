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
