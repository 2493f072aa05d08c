"""Kinds of urgent situation, most serious first, and what a risk match reports."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


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
RANK = {category: rank for rank, category in enumerate(PRIORITY)}


@dataclass(frozen=True)
class RiskMatch:
    """The category chosen and the matched words (log the category only, never the phrase).

    `weak` is True when the message also takes the risk back or frames it ("nobody was hurt",
    "not urgent", a scam text that quotes it; bot.triage.softeners): still urgent_help, but the
    resident is asked the safety question before an urgent case is opened."""

    category: UrgentCategory
    phrase: str
    weak: bool = False

