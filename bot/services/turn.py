"""What one dialogue turn sees and what it decides, as plain data.

Actions build a `TurnContext` from the Rasa tracker and turn an `Outcome` back into
dispatcher messages and slot events; everything in between is testable without Rasa.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.config import get_settings
from bot.db.models import Service, SmsConversation
from bot.services.councils import CouncilInfo, get_council, list_councils, resolve_council
from bot.services.status import SERVICE_IDS, service_from_text
from bot.triage.tier import NetVerdict

SMS_CHANNEL = "twilio_sms"
# "I live in W10": an outward code on its own still tells us the council
OUTWARD_CODE = re.compile(r"\b[A-Za-z]{1,2}\d{1,2}[A-Za-z]?\b")


@dataclass
class TurnContext:
    conversation_id: str
    text: str = ""
    intent: str | None = None
    entities: dict[str, list[str]] = field(default_factory=dict)
    slots: dict[str, Any] = field(default_factory=dict)
    channel: str = "rest"
    metadata: dict[str, Any] = field(default_factory=dict)
    latest_action: str | None = None
    language: str = "en"  # ISO 639-1 the resident writes in (bot.services.language_turns)
    intent_confidence: float | None = None
    # a pseudonym of the client (address or phone), set by the channel: bot/channels/client_key
    client: str | None = None
    # The NLU safety net's verdict on this message (None: it did not judge it; bot.triage.tier)
    net: NetVerdict | None = None

    def entity(self, name: str) -> str | None:
        values = self.entities.get(name) or []
        return str(values[0]) if values else None

    def slot(self, name: str) -> Any:
        return self.slots.get(name)


@dataclass
class Message:
    text: str
    buttons: list[dict[str, str]] = field(default_factory=list)


@dataclass
class Outcome:
    messages: list[Message] = field(default_factory=list)
    slots: dict[str, Any] = field(default_factory=dict)
    localised: bool = False  # the turn already answered in the resident's language
    followup: str | None = None  # an action to run next instead of predicting one

    def say(self, text: str, buttons: list[dict[str, str]] | None = None) -> Outcome:
        self.messages.append(Message(text, buttons or []))
        return self

    def extend(self, other: Outcome) -> Outcome:
        self.messages.extend(other.messages)
        self.slots.update(other.slots)
        self.localised = self.localised or other.localised
        self.followup = other.followup or self.followup
        return self


def button(title: str, intent: str, **entities: str) -> dict[str, str]:
    """A quick reply whose payload skips NLU: `/intent{"entity": "value"}`."""
    if entities:
        pairs = ", ".join(f'"{key}": "{value}"' for key, value in entities.items())
        return {"title": title, "payload": f"/{intent}{{{pairs}}}"}
    return {"title": title, "payload": f"/{intent}"}


def council_buttons(session: Session, intent: str = "inform") -> list[dict[str, str]]:
    return [button(c.short_name, intent, council=c.id) for c in list_councils(session)]


def service_buttons(session: Session) -> list[dict[str, str]]:
    names = dict(session.execute(select(Service.id, Service.name)).all())
    short = {sid: names.get(sid, sid).split(",")[0].split(" and ")[0] for sid in SERVICE_IDS}
    return [button(short[sid], "service_status", service=sid) for sid in SERVICE_IDS]


def resolve_turn_council(session: Session, ctx: TurnContext) -> str | None:
    """Entity, then a postcode in the message, then the slot, the page, the deployment default."""
    for candidate in (ctx.entity("council"), ctx.entity("postcode")):
        council_id = resolve_council(session, candidate)
        if council_id:
            return council_id
    from bot.parsing.contact import extract_contact
    from bot.services.councils import council_from_text

    postcode = extract_contact(ctx.text).postcode
    for candidate in (postcode, council_from_text(ctx.text) if ctx.text else None,
                      *OUTWARD_CODE.findall(ctx.text or "")):
        council_id = resolve_council(session, candidate)
        if council_id:
            return council_id
    for candidate in (
        ctx.slot("council"),
        ctx.metadata.get("council") if isinstance(ctx.metadata, dict) else None,
        get_settings().default_council,
    ):
        council_id = resolve_council(session, candidate)
        if council_id:
            return council_id
    return None


def resolve_turn_service(ctx: TurnContext, use_slot: bool = True) -> str | None:
    entity = ctx.entity("service")
    if entity in SERVICE_IDS:
        return entity
    from_text = service_from_text(ctx.text) if ctx.text else None
    if from_text:
        return from_text
    slot = ctx.slot("service")
    return slot if use_slot and slot in SERVICE_IDS else None


def council_info(session: Session, council_id: str | None) -> CouncilInfo | None:
    return get_council(session, council_id) if council_id else None


def sms_phone(session: Session, ctx: TurnContext) -> str | None:
    """The resident's own number on SMS, so an escalation never asks for it."""
    if ctx.channel != SMS_CHANNEL:
        return None
    row = session.get(SmsConversation, ctx.conversation_id)
    return row.phone if row else None


def redact_for_case(text: str) -> str:
    """Issue summaries shown to staff carry no raw card, bank or contact numbers."""
    from bot.privacy.redactor import redact

    return redact(text)


def contains_financial_details(text: str) -> bool:
    from bot.privacy.redactor import contains_financial_or_ni

    return contains_financial_or_ni(text)


def guard_financial_details(ctx: TurnContext, outcome: Outcome) -> Outcome:
    """Whatever the turn, a message with card, bank or NI numbers gets the warning, once."""
    from bot.services.advice import NEVER_IN_CHAT

    if contains_financial_details(ctx.text) and all(
        m.text != NEVER_IN_CHAT for m in outcome.messages
    ):
        outcome.say(NEVER_IN_CHAT)
    return outcome


_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def dedupe_sentences(outcome: Outcome) -> Outcome:
    """No sentence said twice in one turn: a later repeat is dropped (a message left empty is
    dropped too, unless it carries buttons, which then keep their last remaining text)."""
    seen: set[str] = set()
    kept: list[Message] = []
    for msg in outcome.messages:
        parts = []
        for sentence in _SENTENCE.split(msg.text or ""):
            key = " ".join(re.sub(r"[^\w\s]", " ", sentence.lower()).split())
            if not key:
                continue
            if key in seen and len(key) > 12:  # "Thanks." twice is harmless; long ones are not
                continue
            seen.add(key)
            parts.append(sentence)
        if parts:
            kept.append(Message(" ".join(parts), msg.buttons))
        elif msg.buttons:
            kept.append(Message(msg.text, msg.buttons))
    outcome.messages = kept
    return outcome
