"""The identity check before case status, and its limits across conversations (issue #15).

The check used to accept the postcode OR the last four digits of the phone, and failures were
counted per conversation only: neighbours share a postcode, and a new conversation per guess
(8 guesses of the last four digits took 0.4 s) got round the limit. Now the resident must give
both details the case has (postcode AND the last four digits of the phone), and failed checks
against a case reference are counted across every conversation: after MAX_FAILURES_PER_CASE
in LOCK_WINDOW, the reference is locked until the oldest of them is LOCK_WINDOW old, and the
case gets an event staff see on its page ("Status check locked").

Failures are also counted per client (migration 0012_guard): the channel puts a pseudonym of
the client address (REST, web chat) or phone (SMS) in the message metadata
(bot/channels/client_key.py), and a client with CASE_CHECK_CLIENT_FAILURES failed identity
checks in LOCK_WINDOW, across every reference and conversation, gets no case status until the
oldest of them is LOCK_WINDOW old. Identity checks count (a wrong postcode or phone), and so
does an unknown reference that is not a one-character slip of a real one: made-up references
from a new conversation each are guesses. A one-slip typo ("did you mean ...?") is limited per
conversation only. The default is generous because many residents can share one address.
Everything is in the database, so the limits hold across several action servers.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.config import get_settings
from bot.db.models import Case, CaseEvent, CaseLookupAttempt, utcnow
from bot.parsing.contact import normalise_postcode

MAX_FAILURES_PER_CASE = 5
LOCK_WINDOW = timedelta(hours=1)
LOCK_EVENT = "status_check_locked"
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)


def identity_matches(case: Case, answer: str) -> bool:
    """True when `answer` holds every detail the case has: its postcode and the last four
    digits of its phone (a case with neither can never be checked this way)."""
    text = answer or ""
    needed = 0
    if case.postcode:
        needed += 1
        given = [normalise_postcode(m.group(0).replace(" ", "").upper())
                 for m in _POSTCODE.finditer(text)]
        if case.postcode not in given:
            return False
    if case.phone:
        needed += 1
        digits = re.sub(r"\D", "", _POSTCODE.sub(" ", text))
        own = re.sub(r"\D", "", case.phone)
        if len(digits) < 4 or len(own) < 4 or digits[-4:] != own[-4:]:
            return False
    return needed > 0


def _recent_failures(session: Session, reference: str, now: datetime) -> list[datetime]:
    rows = session.execute(
        select(CaseLookupAttempt.created_at).where(
            CaseLookupAttempt.reference == reference,
            CaseLookupAttempt.succeeded.is_(False),
            CaseLookupAttempt.created_at >= now - LOCK_WINDOW,
        ).order_by(CaseLookupAttempt.created_at.desc())
    ).scalars().all()
    return list(rows)


def locked_until(session: Session, reference: str) -> datetime | None:
    """When checks against `reference` open again, or None when they are open now."""
    now = utcnow()
    failures = _recent_failures(session, reference, now)
    if len(failures) < MAX_FAILURES_PER_CASE:
        return None
    return failures[MAX_FAILURES_PER_CASE - 1] + LOCK_WINDOW


def client_locked_until(session: Session, client: str | None) -> datetime | None:
    """When `client` may have case status again, or None when it may now (or is unknown)."""
    if not client:
        return None
    limit = get_settings().case_check_client_failures
    now = utcnow()
    failures = session.execute(
        select(CaseLookupAttempt.created_at).where(
            CaseLookupAttempt.client_key == client,
            CaseLookupAttempt.succeeded.is_(False),
            CaseLookupAttempt.created_at >= now - LOCK_WINDOW,
        ).order_by(CaseLookupAttempt.created_at.desc()).limit(limit)
    ).scalars().all()
    if len(failures) < limit:
        return None
    return failures[limit - 1] + LOCK_WINDOW


def record_check(session: Session, conversation_id: str, case: Case, succeeded: bool,
                 client: str | None = None) -> None:
    """Count one identity check against `case` (and its client); a failure that locks the
    case adds a case event."""
    session.add(CaseLookupAttempt(conversation_id=conversation_id, succeeded=succeeded,
                                  reference=case.reference, client_key=client))
    session.flush()
    if succeeded:
        return
    failures = _recent_failures(session, case.reference, utcnow())
    if len(failures) == MAX_FAILURES_PER_CASE:  # this failure locked it
        until = failures[MAX_FAILURES_PER_CASE - 1] + LOCK_WINDOW
        session.add(CaseEvent(
            case_id=case.id, actor="assistant", kind=LOCK_EVENT,
            detail=(f"{MAX_FAILURES_PER_CASE} failed identity checks on this reference within "
                    f"an hour (from any conversation): case status is not given by the "
                    f"assistant until {until:%H:%M} UTC. The resident may ask for a person."),
        ))
        session.flush()
