"""Residents who write in their own language: the conversation's language, the case's, and
the sentence in their language that every reply starts with when the turn itself is English.

The replies that matter most (emergency guidance, the safe-contact question, the case
confirmation, "I did not understand") are written in the resident's language by their own
turns, which mark the outcome `localised`. Every other reply stays in plain English, introduced
once by "I know English best. A person from the council can call you back with an
interpreter" and, for a status answer, by "Here is the latest news, in English". A resident
with no internet gets the offline routes first (bot.services.landline, called from here).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from bot.language import SUPPORTED, language_name, message
from bot.language.names import english_name
from bot.services.cases import open_case_for
from bot.services.landline import offline_reply
from bot.services.turn import Message, Outcome, TurnContext, button

ENGLISH = "en"
# These turns answer in the resident's language themselves, or replace the answer (fallback).
_STATUS_INTENTS = {"service_status", "inform"}


def conversation_language(parsed: dict[str, Any] | None, slot_value: str | None) -> str:
    """The language to answer in: the message's when the detector was sure of it, otherwise
    the conversation's so far (a short "ok" or a postcode never switches it)."""
    kept = slot_value if slot_value in SUPPORTED else ENGLISH
    if not isinstance(parsed, dict) or parsed.get("by") not in ("detector", "script"):
        return kept
    code = parsed.get("code")
    return code if code in SUPPORTED else kept


def is_other_language(ctx: TurnContext) -> bool:
    return ctx.language != ENGLISH and ctx.language in SUPPORTED


def not_understood(ctx: TurnContext) -> Outcome:
    """In the resident's language: the emergency line and the offer of a call back with an
    interpreter, never "OK" or a menu."""
    outcome = Outcome()
    outcome.localised = True
    return outcome.say(
        message("not_understood", ctx.language),
        [button(message("interpreter_yes", ctx.language), "human_request"),
         button(message("interpreter_no", ctx.language), "deny")],
    )


def record_language(session: Session, ctx: TurnContext) -> None:
    """Put the resident's language, and so the need for an interpreter, on their open case."""
    if not is_other_language(ctx):
        return
    case = open_case_for(session, ctx.conversation_id)
    if case is None:
        return
    if case.language != ctx.language:
        case.language = ctx.language
    if not case.interpreter_language:
        # in English, as staff book it and as a typed "Polish interpreter" is stored
        case.interpreter_language = english_name(ctx.language) or language_name(ctx.language)


def finish_turn(session: Session, ctx: TurnContext, outcome: Outcome) -> Outcome:
    """After any dialogue turn: remember the language, and introduce English replies with one
    sentence in the resident's language."""
    if ctx.slot("language") != ctx.language:
        outcome.slots["language"] = ctx.language
    outcome = offline_reply(session, ctx, outcome)  # no internet: nothing sends them online
    if not is_other_language(ctx):
        return outcome
    record_language(session, ctx)
    if outcome.localised or not outcome.messages:
        return outcome
    first_time = ctx.slot("language") != ctx.language
    if ctx.intent in _STATUS_INTENTS:
        intro = message("status_intro", ctx.language)
    elif first_time:
        intro = message("interpreter", ctx.language)
    else:
        return outcome
    outcome.messages.insert(0, Message(intro))
    return outcome
