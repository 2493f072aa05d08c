"""Readable names for the ids staff would otherwise read raw ("no_heating_or_water").

The urgent category comes first in a case's "About" line because it is what decides what the
officer does next (a gas leak is not a housing-benefit query that happens to be urgent).
"""

from __future__ import annotations

from bot.services.escalation_turns import CATEGORY_LABELS as CASE_CATEGORY_LABELS
from bot.triage.categories import PRIORITY, UrgentCategory

URGENT_LABELS: dict[str, str] = {
    UrgentCategory.SAFEGUARDING.value: "Child or adult at risk",
    UrgentCategory.DOMESTIC_ABUSE.value: "Domestic abuse",
    UrgentCategory.SELF_HARM.value: "Risk of suicide or self-harm",
    UrgentCategory.HOMELESS_TONIGHT.value: "Homeless tonight",
    UrgentCategory.NO_HEATING_OR_WATER.value: "No heating or water",
    UrgentCategory.GAS_LEAK.value: "Gas leak",
    UrgentCategory.UNSAFE_HOME.value: "Unsafe home",
    UrgentCategory.NO_MONEY_FOR_ESSENTIALS.value: "No money for food or essentials",
    UrgentCategory.MISSED_CARE_VISIT.value: "Missed care visit",
    UrgentCategory.GENERAL.value: "Urgent (other)",
}
URGENT_ORDER = [category.value for category in PRIORITY]
#: Why a case was closed: asked for on resolve, shown in the queue and on the dashboard.
OUTCOMES = {
    "resolved_by_phone": "Sorted out by phone",
    "resolved_in_chat": "Sorted out in the chat or by text",
    "referred": "Referred to another team or service",
    "emergency_services": "Passed to emergency services",
    "no_contact": "Could not reach the resident",
    "duplicate": "Duplicate of another case",
    "not_needed": "Resident no longer needs help",
}


def readable(value: str | None) -> str:
    """Any id in words: 'no_heating_or_water' -> 'No heating or water'."""
    text = (value or "").replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def urgent_label(value: str | None) -> str:
    if not value:
        return ""
    return URGENT_LABELS.get(value, readable(value))


def category_label(value: str | None) -> str:
    if not value:
        return ""
    return CASE_CATEGORY_LABELS.get(value, readable(value))


def about(category: str | None, urgent_category: str | None, service_name: str = "") -> str:
    """'No heating or water' for an urgent case, 'Complaint: Council tax' for the rest."""
    head = urgent_label(urgent_category) or category_label(category)
    return f"{head}: {service_name}" if service_name else head


def category_choices(case_categories: list[str]) -> list[tuple[str, str]]:
    """Filter options: the urgent kinds (most serious first), then the case kinds seen."""
    urgent = [(f"urgent:{value}", f"Urgent: {urgent_label(value)}") for value in URGENT_ORDER]
    kinds = [(value, category_label(value)) for value in case_categories]
    return kinds + urgent


def outcome_label(value: str | None) -> str:
    return OUTCOMES.get(value or "", readable(value))
