"""What staff do to a case: take, reply, hand back, resolve, note, change status.

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
from bot.console.rasa_api import Delivery, RasaClient, RasaUnavailable
from bot.db.engine import session_scope
from bot.db.models import CASE_STATUSES, Case, CaseNote, utcnow
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


def _undelivered(delivery: Delivery) -> Notice | None:
    if delivery.delivered:
        return None
    channel = delivery.channel or "unknown"
    return Notice(
        "warning",
        f"The resident's channel ({channel}) cannot receive messages from staff, so they did "
        "not see this. Contact them by phone or email using the details below.",
    )


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

    def take(self, reference: str, actor: str) -> list[Notice]:
        with session_scope(self.database_url) as session:
            case = self._get(session, reference)
            if case.status == "resolved":
                return [Notice("error", "This case is resolved; it cannot be taken.")]
            previous = case.assigned_to
            case.assigned_to = actor
            case.status = "in_progress"
            detail = f"taken over from {previous}" if previous and previous != actor else ""
            record_event(session, case, actor, "taken", detail)
            audit.record(session, actor, "case.take", reference, detail)
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
            record_event(session, case, actor, "reply", text)
            audit.record(session, actor, "case.reply", reference)
            conversation_id = case.conversation_id
        return self._rasa_step(
            reference, actor, "sending your message",
            lambda: self.rasa.staff_message(conversation_id, text),
            "Message sent to the resident.",
        )

    def hand_back(self, reference: str, actor: str) -> list[Notice]:
        with session_scope(self.database_url) as session:
            case = self._get(session, reference)
            if live_with(case) is None:
                return [Notice("error", "No member of staff is in this conversation.")]
            record_event(session, case, actor, "handed_back")
            audit.record(session, actor, "case.hand_back", reference)
            conversation_id = case.conversation_id
        return self._rasa_step(
            reference, actor, "handing the conversation back to the assistant",
            lambda: self.rasa.staff_left(conversation_id),
            "The assistant is answering the resident again.",
        )

    def resolve(self, reference: str, actor: str) -> list[Notice]:
        with session_scope(self.database_url) as session:
            case = self._get(session, reference)
            if case.status == "resolved":
                return [Notice("error", "This case is already resolved.")]
            was_live = live_with(case) is not None
            case.status = "resolved"
            case.resolved_at = utcnow()
            record_event(session, case, actor, "resolved")
            audit.record(session, actor, "case.resolve", reference)
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
            if case.status == "resolved":
                case.resolved_at = None
            case.status = status
            record_event(session, case, actor, "status", detail)
            audit.record(session, actor, "case.status", reference, detail)
        return [Notice("success", f"Status set to {status.replace('_', ' ')}.")]

    @staticmethod
    def _get(session: Session, reference: str) -> Case:
        case = find_case(session, reference)
        if case is None:
            raise CaseNotFound(reference)
        return case
