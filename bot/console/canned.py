"""Canned replies: ready-made staff messages per council, kept by supervisors.

Placeholders in braces are filled from the council's own row and the case when an officer
picks a reply, so one text serves every council and never carries a stale number. Filling is
a plain lookup (no str.format: a supervisor's text must not reach attributes of objects), and
an unknown placeholder is left as written so the officer sees it before sending.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.console import audit
from bot.db.models import CannedReply, Case, Council

MAX_TITLE = 80
MAX_BODY = 1000  # the same cap as a staff reply
PLACEHOLDER = re.compile(r"\{([a-z_]{1,30})\}")
PLACEHOLDERS = {
    "council": "the council's name",
    "helpline": "the council's incident helpline",
    "out_of_hours": "the council's out-of-hours number",
    "email": "the council's contact email",
    "website": "the council's website",
    "reference": "the case reference",
    "officer": "your first name",
}


@dataclass(frozen=True)
class FilledReply:
    id: int
    title: str
    text: str


def values_for(council: Council | None, case: Case | None, officer: str) -> dict[str, str]:
    values = {"officer": officer.split()[0] if officer.strip() else ""}
    if case is not None:
        values["reference"] = case.reference
    if council is not None:
        values.update(council=council.name, helpline=council.incident_helpline,
                      out_of_hours=council.out_of_hours_phone, email=council.contact_email,
                      website=council.website)
    return {key: value for key, value in values.items() if value}


def fill(body: str, values: dict[str, str]) -> str:
    return PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), body)


def replies_for(session: Session, council_id: str | None) -> list[CannedReply]:
    if not council_id:
        return []
    return list(session.execute(
        select(CannedReply).where(CannedReply.council_id == council_id)
        .order_by(CannedReply.title)
    ).scalars())


def filled_for_case(session: Session, case: Case, officer: str) -> list[FilledReply]:
    council = session.get(Council, case.council_id) if case.council_id else None
    values = values_for(council, case, officer)
    return [FilledReply(reply.id, reply.title, fill(reply.body, values))
            for reply in replies_for(session, case.council_id)]


def _checked(title: str, body: str) -> tuple[str, str]:
    title, body = " ".join(title.split()), body.strip()
    if not title or not body:
        raise ValueError("Give the reply a title and a text.")
    if len(title) > MAX_TITLE or len(body) > MAX_BODY:
        raise ValueError(f"Keep the title under {MAX_TITLE} and the text under {MAX_BODY} "
                         "characters.")
    return title, body


def save(session: Session, actor: str, council_id: str, title: str, body: str,
         reply_id: int | None = None) -> CannedReply:
    """Create or edit a canned reply; the audit row keeps the text before and after."""
    title, body = _checked(title, body)
    if session.get(Council, council_id) is None:
        raise ValueError("Choose one of the councils.")
    reply = session.get(CannedReply, reply_id) if reply_id else None
    if reply_id and (reply is None or reply.council_id != council_id):
        raise LookupError(reply_id)
    before = {"title": reply.title, "text": reply.body} if reply else {"title": None,
                                                                        "text": None}
    if reply is None:
        reply = CannedReply(council_id=council_id, title=title, body=body, updated_by=actor)
        session.add(reply)
    else:
        reply.title, reply.body, reply.updated_by = title, body, actor
    session.flush()
    audit.record_change(session, actor, "canned.save", f"canned:{council_id}:{reply.id}",
                        before, {"title": title, "text": body})
    return reply


def delete(session: Session, actor: str, reply_id: int) -> None:
    reply = session.get(CannedReply, reply_id)
    if reply is None:
        raise LookupError(reply_id)
    audit.record_change(session, actor, "canned.delete", f"canned:{reply.council_id}:{reply.id}",
                        {"title": reply.title, "text": reply.body}, {"title": None, "text": None})
    session.delete(reply)
    session.flush()
