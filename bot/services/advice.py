"""Advice on data exposure, scams and complaints: approved facts from the database plus fixed,
accurate practical steps (NCSC / police guidance). Never a guess about what was taken.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import IncidentUpdate
from bot.services.councils import CouncilInfo
from bot.services.status import describe_age

DATA_STEPS = (
    "What you can do now: check your bank statements and your credit file. If you are worried "
    "about your bank account, call your bank on 159. Report fraud to Action Fraud on "
    "0300 123 2040. You can ask Cifas for protective registration: it makes it harder for "
    "someone to get credit in your name. Change any password you use on more than one site, "
    "and turn on 2-step verification. Take care with calls, emails and texts that talk about "
    "the incident: the council will never ask for card or bank details this way."
)
PHISHING_STEPS = (
    "The council will never ask for your card or bank details by text, email or a call out of "
    "the blue. Refunds go back by Direct Debit or by post. Do not click links or reply. Send a "
    "text you think is a scam to 7726 (free). Send an email you think is a scam to "
    "report@phishing.gov.uk. If you are not sure, contact us through the council's own "
    "website, not through a link in a message."
)
MONEY_LOST_STEPS = (
    "First, call your bank on 159 now (it puts you through to your bank's fraud team) and ask "
    "them to freeze your card. Then report it to Action Fraud on 0300 123 2040. Forward any "
    "scam texts to 7726 (free). Check your bank statements for payments you don't know."
)
# By SMS the same steps in one text of two segments (the case line follows: 3 in all)
MONEY_LOST_STEPS_SMS = (
    "Call your bank on 159 now and ask them to freeze your card. Report it to Action Fraud on "
    "0300 123 2040. Forward scam texts to 7726. Check your statements. The council never asks "
    "for card or bank details."
)
NEVER_ASKS = (
    "The council will never ask for your card or bank details. Not by text, email or phone."
)
NEVER_IN_CHAT = (
    "Please don't send card numbers, bank details or your National Insurance number here: the "
    "council never needs them in a chat or a text. I have not stored them."
)
OMBUDSMAN = (
    "For now, the Local Government and Social Care Ombudsman will not look at new complaints "
    "about the councils hit by this attack. If it is urgent, call the council's emergency "
    "line. We have still logged your complaint."
)

_MONEY_LOST = re.compile(
    r"\b(?:(?:i|we|mum|dad|he|she) (?:already )?(?:gave|give|entered|put|typed|sent|paid)|"
    r"(?:gave|entered|put in|typed in) (?:my|our|her|his) (?:card|bank|account|details)|"
    r"money (?:has been |was )?(?:taken|gone|stolen)|they took|been scammed|lost money)",
    re.IGNORECASE,
)


# "oh no I already put my card in", "I gave them my bank details", "typed my card number"
_DETAILS_HANDED_OVER = re.compile(
    r"\b(?:gave|give|given|entered|put|putting|typed|sent|paid|handed|filled in|shared|told)\b"
    r"[^.?!]{0,40}?\b(?:card|bank|account|sort code|pin|password|details|security code|cvv|"
    r"money)\b|\b(?:card|bank) details (?:were |have been )?(?:taken|stolen|given)",
    re.IGNORECASE,
)


def money_lost(text: str) -> bool:
    """True when a scam report says details were already handed over or money is gone."""
    return bool(_MONEY_LOST.search(text or "")) or scam_loss(text)


def scam_loss(text: str) -> bool:
    """Stricter, for any turn: card or bank details (or money) already handed over."""
    text = text or ""
    return bool(_DETAILS_HANDED_OVER.search(text)) or bool(
        re.search(r"money (?:has been |was )?(?:taken|gone|stolen)|been scammed|lost money|"
                  r"they took (?:my |our )?money", text, re.IGNORECASE))


def approved_data_updates(session: Session, council_id: str) -> list[IncidentUpdate]:
    return list(
        session.execute(
            select(IncidentUpdate)
            .where(
                IncidentUpdate.council_id == council_id,
                IncidentUpdate.kind == "data",
                IncidentUpdate.approved.is_(True),
            )
            .order_by(IncidentUpdate.published_at.desc())
        ).scalars()
    )


def data_concern_text(session: Session, council: CouncilInfo | None) -> str:
    """What is known (approved, dated), the promise to contact residents directly, the steps."""
    if council is None:
        known = (
            "Each council publishes what it knows about the data involved. Tell me your council "
            "or postcode and I'll give you its latest approved update."
        )
    else:
        updates = approved_data_updates(session, council.id)
        if updates:
            latest = updates[0]
            known = (
                f"{council.short_name}, update of {describe_age(latest.published_at)}: "
                f"{latest.body}"
            )
        else:
            known = (
                f"{council.short_name} has not published anything about data yet. If your data "
                "is found to be affected, the council will contact you directly."
            )
    return f"{known} {DATA_STEPS}"


def complaint_text(council: CouncilInfo | None) -> str:
    route = (
        council.complaints_route
        if council
        else (
            "Your council's complaints team (tell me your council and I'll give you its details)."
        )
    )
    return (
        "I'm sorry this has been so difficult. I've logged your complaint so it is on record. "
        f"How to complain formally: {route} {OMBUDSMAN}"
    )
