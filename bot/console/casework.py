"""What staff do to a case: take, reply, hand back, resolve, reopen, assign, note, change status.

Each action is committed to the database first and only then sent to Rasa, so a Rasa outage
never loses the action: the failure is recorded in the case history and shown to staff, who
can retry. No database transaction is held open across an HTTP call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.console import audit
from bot.console.labels import OUTCOMES
from bot.console.rasa_api import Delivery, RasaClient, RasaUnavailable
from bot.db.engine import session_scope
from bot.db.models import CASE_STATUSES, Case, CaseNote, SmsOutboxItem, StaffUser, utcnow
from bot.privacy.redactor import redact
from bot.services.cases import record_event

MAX_REPLY_CHARS = 1000
MAX_NOTE_CHARS = 5000
LIVE_ON = {"taken"}
LIVE_OFF = {"handed_back", "resolved"}


@dataclass(frozen=True)
class Notice:
    """A message for the staff member who acted: success, warning or error."""

    level: str
    text: str


class CaseNotFound(LookupError):
    pass


def find_case(session: Session, reference: str) -> Case | None:
    return session.execute(
        select(Case).where(Case.reference == reference.strip().upper())
    ).scalar_one_or_none()


def live_with(case: Case) -> str | None:
    """The staff member currently in the conversation (the bot is paused for them), if any."""
    for event in reversed(case.events):
        if event.kind in LIVE_ON:
            return event.actor
        if event.kind in LIVE_OFF:
            return None
    return None


SMS_WAITING = ("Your message is queued: Twilio has not taken it yet, so it is not sent. It "
               "goes as soon as Twilio answers; if it cannot be delivered, the case history "
               "will say so.")


def _undelivered(delivery: Delivery) -> Notice | None:
    if delivery.delivered:
        return None
    channel = delivery.channel or "unknown"
    return Notice(
        "warning",
        f"The resident's channel ({channel}) cannot receive messages from staff, so they did "
        "not see this. Contact them by phone or email using the details below.",
    )


def _not_yours(case: Case, actor: str, supervisor: bool, verb: str) -> Notice | None:
    """Only the assignee (or anyone, while nobody has it) or a supervisor may `verb` a case."""
    if supervisor or case.assigned_to in (None, "", actor):
        return None
    return Notice("error", f"This case is assigned to {case.assigned_to}. Only they or a "
                           f"supervisor can {verb} it.")


class CaseDesk:
    """Case actions for one database and one Rasa server."""

    def __init__(self, database_url: str, rasa: RasaClient) -> None:
        self.database_url = database_url
        self.rasa = rasa

    def _record_rasa_failure(self, reference: str, actor: str, step: str, error: Exception) -> None:
        with session_scope(self.database_url) as session:
            case = find_case(session, reference)
            if case is not None:
                record_event(session, case, actor, "rasa_error", f"{step}: {error}")

    def _rasa_step(
        self, reference: str, actor: str, step: str, call: Callable[[], Delivery], success: str
    ) -> list[Notice]:
        try:
            delivery = call()
        except RasaUnavailable as error:
            self._record_rasa_failure(reference, actor, step, error)
            return [Notice("warning", f"Saved, but {step} failed: {error} Try again shortly.")]
        notices = [Notice("success", success)]
        undelivered = _undelivered(delivery)
        if undelivered:
            notices.append(undelivered)
        return notices

    def take(self, reference: str, actor: str, confirm_takeover: bool = False) -> list[Notice]:
        """Take the case; taking one a colleague holds needs `confirm_takeover` (they are told
        on their open case page, and the history says who took it from whom)."""
        with session_scope(self.database_url) as session:
            case = self._get(session, reference)
            if case.status == "resolved":
                return [Notice("error", "This case is resolved; it cannot be taken.")]
            previous = case.assigned_to
            holder = live_with(case)
            if holder and holder != actor and not confirm_takeover:
                return [Notice("error", f"{holder} is in this conversation. Tick the box to "
                                        f"confirm you are taking over from {holder}.")]
            before = {"status": case.status, "assigned_to": previous, "live_with": holder}
            case.assigned_to = actor
            case.status = "in_progress"
            taken_from = holder if holder and holder != actor else previous
            detail = f"taken over from {taken_from}" if taken_from and taken_from != actor else ""
            record_event(session, case, actor, "taken", detail)
            audit.record_change(session, actor, "case.take", reference, before,
                                {"status": case.status, "assigned_to": actor, "live_with": actor},
                                detail)
            conversation_id = case.conversation_id
        return self._rasa_step(
            reference, actor, "pausing the assistant and telling the resident",
            lambda: self.rasa.staff_joined(conversation_id),
            "You have the case. The assistant is paused and the resident has been told a "
            "person has joined.",
        )

    def reply(self, reference: str, actor: str, text: str) -> list[Notice]:
        text = (text or "").strip()
        if not text:
            return [Notice("error", "Write a message before sending.")]
        if len(text) > MAX_REPLY_CHARS:
            return [Notice("error", f"Keep messages under {MAX_REPLY_CHARS} characters.")]
        with session_scope(self.database_url) as session:
            case = self._get(session, reference)
            if live_with(case) != actor:
                return [Notice("error", "Take the case before replying to the resident.")]
            # The resident gets the words as written; the case keeps a redacted copy, like the
            # tracker store (#15.4): an officer may quote a number or an address back.
            record_event(session, case, actor, "reply", redact(text))
            audit.record(session, actor, "case.reply", reference)
            conversation_id = case.conversation_id
            officer = officer_first_name(session, actor)
        notices = self._rasa_step(
            reference, actor, "sending your message",
            lambda: self.rasa.staff_message(conversation_id, text, officer),
            "Message sent to the resident.",
        )
        if notices and notices[0].text == "Message sent to the resident." and \
                self._sms_waiting(conversation_id):
            # A text goes out only when Twilio takes it (#15.8): say so, never "sent".
            notices[0] = Notice("warning", SMS_WAITING)
        return notices

    def _sms_waiting(self, conversation_id: str) -> bool:
        """True when a text for this conversation is still in the outbox (Twilio has not
        taken it): it was queued, not sent. Only SMS conversations have outbox parts."""
        with session_scope(self.database_url) as session:
            return session.execute(select(SmsOutboxItem.id).where(
                SmsOutboxItem.conversation_id == conversation_id,
                SmsOutboxItem.state.in_(("pending", "sending")))).first() is not None

    def hand_back(self, reference: str, actor: str, supervisor: bool = False) -> list[Notice]:
        with session_scope(self.database_url) as session:
            case = self._get(session, reference)
            holder = live_with(case)
            if holder is None:
                return [Notice("error", "No member of staff is in this conversation.")]
            if not supervisor and actor not in (holder, case.assigned_to):
                return [Notice("error", f"Only {holder} or a supervisor can hand this "
                                        "conversation back.")]
            record_event(session, case, actor, "handed_back")
            audit.record_change(session, actor, "case.hand_back", reference,
                                {"live_with": holder}, {"live_with": None})
            conversation_id = case.conversation_id
        return self._rasa_step(
            reference, actor, "handing the conversation back to the assistant",
            lambda: self.rasa.staff_left(conversation_id),
            "The assistant is answering the resident again.",
        )

    def resolve(
        self, reference: str, actor: str, outcome: str = "", confirmed: bool = True,
        supervisor: bool = False,
    ) -> list[Notice]:
        if outcome not in OUTCOMES:
            return [Notice("error", "Choose the outcome before resolving the case.")]
        if not confirmed:
            return [Notice("error", "Tick the box to confirm the case is finished.")]
        with session_scope(self.database_url) as session:
            case = self._get(session, reference)
            if case.status == "resolved":
                return [Notice("error", "This case is already resolved.")]
            refusal = _not_yours(case, actor, supervisor, "resolve")
            if refusal:
                return [refusal]
            was_live = live_with(case) is not None
            before = {"status": case.status, "outcome": case.outcome}
            case.status = "resolved"
            case.outcome = outcome
            case.resolved_at = utcnow()
            record_event(session, case, actor, "resolved", OUTCOMES[outcome])
            audit.record_change(session, actor, "case.resolve", reference, before,
                                {"status": "resolved", "outcome": outcome})
            conversation_id = case.conversation_id
        if not was_live:
            return [Notice("success", "Case resolved.")]
        return self._rasa_step(
            reference, actor, "handing the conversation back to the assistant",
            lambda: self.rasa.staff_left(conversation_id),
            "Case resolved and the assistant is answering the resident again.",
        )

    def add_note(self, reference: str, actor: str, body: str) -> list[Notice]:
        body = (body or "").strip()
        if not body:
            return [Notice("error", "Write the note before saving it.")]
        if len(body) > MAX_NOTE_CHARS:
            return [Notice("error", f"Keep notes under {MAX_NOTE_CHARS} characters.")]
        with session_scope(self.database_url) as session:
            case = self._get(session, reference)
            session.add(CaseNote(case_id=case.id, author=actor, body=body))
            record_event(session, case, actor, "note")
            audit.record(session, actor, "case.note", reference)
        return [Notice("success", "Note added.")]

    def set_status(self, reference: str, actor: str, status: str) -> list[Notice]:
        if status not in CASE_STATUSES or status == "resolved":
            return [Notice("error", "Choose one of the listed statuses.")]
        with session_scope(self.database_url) as session:
            case = self._get(session, reference)
            if case.status == status:
                return [Notice("success", "Status unchanged.")]
            detail = f"{case.status} -> {status}"
            before = {"status": case.status}
            case.status = status
            record_event(session, case, actor, "status", detail)
            audit.record_change(session, actor, "case.status", reference, before,
                                {"status": status})
        return [Notice("success", f"Status set to {status.replace('_', ' ')}.")]

    def reopen(self, reference: str, actor: str) -> list[Notice]:
        """A resolved case back in the queue (in progress, with whoever had it)."""
        with session_scope(self.database_url) as session:
            case = self._get(session, reference)
            if case.status != "resolved":
                return [Notice("error", "Only a resolved case can be reopened.")]
            before = {"status": case.status, "outcome": case.outcome}
            case.status = "in_progress"
            case.outcome = None
            case.resolved_at = None
            record_event(session, case, actor, "reopened", before["outcome"] or "")
            audit.record_change(session, actor, "case.reopen", reference, before,
                                {"status": case.status, "outcome": None})
        return [Notice("success", "Case reopened. It is back in the queue.")]

    def assign(
        self, reference: str, actor: str, assignee: str | None, assignee_ok: bool,
        supervisor: bool = False,
    ) -> list[Notice]:
        """Give the case to a colleague (or to nobody). `assignee_ok` says the colleague is an
        active member of staff who may see this case's council (checked by the caller)."""
        if assignee and not assignee_ok:
            return [Notice("error", "Choose a colleague who works for this case's council.")]
        with session_scope(self.database_url) as session:
            case = self._get(session, reference)
            refusal = _not_yours(case, actor, supervisor, "reassign")
            if refusal:
                return [refusal]
            if case.assigned_to == assignee:
                return [Notice("success", "Assignment unchanged.")]
            before = {"assigned_to": case.assigned_to}
            case.assigned_to = assignee or None
            record_event(session, case, actor, "assigned",
                         f"{before['assigned_to'] or 'nobody'} -> {assignee or 'nobody'}")
            audit.record_change(session, actor, "case.assign", reference, before,
                                {"assigned_to": case.assigned_to})
        return [Notice("success", f"Case assigned to {assignee}." if assignee
                       else "Case is now unassigned.")]

    @staticmethod
    def _get(session: Session, reference: str) -> Case:
        case = find_case(session, reference)
        if case is None:
            raise CaseNotFound(reference)
        return case


def officer_first_name(session: Session, username: str) -> str:
    """The first word of the officer's display name, for "Council officer Sam" in the web chat;
    empty (just "Council officer") when no display name was given: a username is a login,
    not something to show a resident."""
    user = session.scalars(select(StaffUser).where(StaffUser.username == username)).first()
    words = (user.display_name or "").split() if user is not None else []
    return words[0][:40] if words else ""
