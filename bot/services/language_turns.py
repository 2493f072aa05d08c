"""Residents who write in their own language: the conversation's language, the case's, and
the sentence in their language that every reply starts with when the turn itself is English.

The replies that matter most (emergency guidance, the safe-contact question, the case
confirmation, "I did not understand") are written in the resident's language by their own
turns, which mark the outcome `localised`. Every other reply stays in plain English, introduced
once by "I know English best. A person from the council can call you back with an
interpreter" and, for a status answer, by "Here is the latest news, in English". A resident
with no internet gets the offline routes first (bot.services.landline, called from here).

A language we recognise but have no translations for (Urdu, Chinese, Russian...: `RECOGNISED`
below) or cannot name at all ("und") takes the same paths, so an urgent message goes straight
to the urgent route and a message not understood never gets a menu; the words are plain
English (`message` falls back to it), with "tell us your language" so staff can book the
right interpreter. The case records the language, or "und" and `ASK_LANGUAGE`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from bot.language import SUPPORTED, language_name, message
from bot.language.detect import AMHARIC, OTHER_CODES, UNKNOWN
from bot.language.names import english_name
from bot.services.cases import open_case_for
from bot.services.held_postcode import hold_postcode
from bot.services.landline import offline_reply
from bot.services.turn import Message, Outcome, TurnContext, button

ENGLISH = "en"
# These turns answer in the resident's language themselves, or replace the answer (fallback).
_STATUS_INTENTS = {"service_status", "inform"}
# Languages we recognise without a translation file: answered in plain English.
RECOGNISED = frozenset(OTHER_CODES) | {AMHARIC, UNKNOWN}
_KNOWN = frozenset(SUPPORTED) | RECOGNISED
NOT_UNDERSTOOD_OTHER = (
    "Sorry, I can only read English and a few other languages. If you are in danger, call 999. "
    "If you cannot speak, call 999 and then press 55. A person from the council can call you "
    "back with an interpreter: tell us your language (for example \"I speak Urdu\")."
)
ASK_LANGUAGE = "Not known yet: ask the resident"  # the interpreter to book, for staff
INTERPRETER_OTHER = (
    "I know English best. A person from the council can call you back with an interpreter: "
    "tell us your language (for example \"I speak Urdu\")."
)


def conversation_language(parsed: dict[str, Any] | None, slot_value: str | None) -> str:
    """The language to answer in: the message's when the detector was sure of it, otherwise
    the conversation's so far (a short "ok" or a postcode never switches it)."""
    kept = slot_value if slot_value in _KNOWN else ENGLISH
    if not isinstance(parsed, dict) or parsed.get("by") not in ("detector", "script"):
        return kept
    code = parsed.get("code")
    return code if code in _KNOWN else kept


def is_other_language(ctx: TurnContext) -> bool:
    """Not English: one of our 12, or a language we recognise and answer in plain English."""
    return ctx.language != ENGLISH and ctx.language in _KNOWN


def is_untranslated(ctx: TurnContext) -> bool:
    return ctx.language in RECOGNISED


def interpreter_line(ctx: TurnContext) -> str:
    """ "A person can call you back with an interpreter", in the resident's language or, for
    one we have no translation for, in English with "tell us your language"."""
    return INTERPRETER_OTHER if is_untranslated(ctx) else message("interpreter", ctx.language)


def not_understood(ctx: TurnContext) -> Outcome:
    """In the resident's language: the emergency line and the offer of a call back with an
    interpreter, never "OK" or a menu."""
    outcome = Outcome()
    outcome.localised = True
    if is_untranslated(ctx):
        return outcome.say(NOT_UNDERSTOOD_OTHER,
                           [button(message("interpreter_yes"), "human_request"),
                            button(message("interpreter_no"), "deny")])
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
        case.interpreter_language = (ASK_LANGUAGE if ctx.language == UNKNOWN else
                                     english_name(ctx.language) or language_name(ctx.language))


def finish_turn(session: Session, ctx: TurnContext, outcome: Outcome) -> Outcome:
    """After any dialogue turn: remember the language (and a postcode given before the case
    opened: bot.services.held_postcode), and introduce English replies with one sentence in the
    resident's language."""
    hold_postcode(session, ctx)
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
        intro = interpreter_line(ctx)
    else:
        return outcome
    outcome.messages.insert(0, Message(intro))
    return outcome
