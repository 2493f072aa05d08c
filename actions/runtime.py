"""Glue between rasa-sdk and bot.services: tracker -> TurnContext, Outcome -> messages/events.

Database work runs in a thread pool with its own session, never on the action server's event
loop. A failure still leaves the resident with a reply that says how to reach a person.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from bot.channels.client_key import client_from_metadata
from bot.config import get_settings
from bot.db.engine import session_scope
from bot.services.language_turns import conversation_language, finish_turn
from bot.services.turn import Outcome, TurnContext, dedupe_sentences, guard_financial_details
from bot.triage.tier import NetVerdict

logger = logging.getLogger(__name__)
_EXECUTOR = ThreadPoolExecutor(  # ACTION_DB_THREADS, read as the action server starts
    max_workers=get_settings().action_db_threads, thread_name_prefix="action-db"
)

HOLDING_REPLY = (
    "Sorry, something went wrong on our side and I couldn't finish that. If you or someone "
    "else is in danger, call 999. Please try again in a minute, or contact the council's "
    "incident helpline."
)

Turn = Callable[[Session, TurnContext], Outcome]


def context_from_tracker(tracker: Tracker) -> TurnContext:
    latest = tracker.latest_message or {}
    entities: dict[str, list[str]] = {}
    for entity in latest.get("entities") or []:
        entities.setdefault(entity.get("entity"), []).append(entity.get("value"))
    metadata = latest.get("metadata") or {}
    client = client_from_metadata(metadata)  # the channel's, from the top level only
    custom = metadata.get("customData") if isinstance(metadata, dict) else None
    if isinstance(custom, dict):
        metadata = {**metadata, **custom}
    return TurnContext(
        conversation_id=tracker.sender_id,
        text=latest.get("text") or "",
        intent=(latest.get("intent") or {}).get("name"),
        entities=entities,
        slots=dict(tracker.current_slot_values()),
        channel=tracker.get_latest_input_channel() or "rest",
        metadata=metadata if isinstance(metadata, dict) else {},
        latest_action=tracker.latest_action_name,
        language=conversation_language(latest.get("language"), tracker.get_slot("language")),
        intent_confidence=(latest.get("intent") or {}).get("confidence"),
        client=client,
        net=NetVerdict.from_parse(latest),
    )


def _run_in_session(turn: Callable[..., Outcome], ctx: TurnContext, *args: Any) -> Outcome:
    with session_scope() as session:
        result = turn(session, ctx, *args)
    return guard_financial_details(ctx, result) if isinstance(result, Outcome) else result


def _dialogue_turn(turn: Turn) -> Turn:
    """`turn`, then what every dialogue turn does after it (bot.services.language_turns)."""

    def run(session: Session, ctx: TurnContext) -> Outcome:
        return finish_turn(session, ctx, turn(session, ctx))

    run.__name__ = getattr(turn, "__name__", "turn")
    return run


async def run_turn(turn: Callable[..., Outcome], ctx: TurnContext, *args: Any) -> Outcome:
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_EXECUTOR, _run_in_session, turn, ctx, *args)


def dispatch(outcome: Outcome, dispatcher: CollectingDispatcher) -> list[EventType]:
    for message in dedupe_sentences(outcome).messages:  # no sentence twice in one turn
        dispatcher.utter_message(text=message.text, buttons=message.buttons or None)
    events: list[EventType] = [SlotSet(name, value) for name, value in outcome.slots.items()]
    if outcome.followup:
        events.append(FollowupAction(outcome.followup))
    return events


async def run_action(
    turn: Turn, dispatcher: CollectingDispatcher, tracker: Tracker, on_failure=None
) -> list[EventType]:
    """Run one turn; on any failure reply with a holding message and hand off to `on_failure`."""
    ctx = context_from_tracker(tracker)
    try:
        return dispatch(await run_turn(_dialogue_turn(turn), ctx), dispatcher)
    except Exception:  # noqa: BLE001 - the resident must always get a reply
        logger.exception("action %s failed for conversation %s", turn.__name__, ctx.conversation_id)
        fallback = on_failure(ctx) if on_failure else None
        dispatcher.utter_message(text=fallback or HOLDING_REPLY)
        return []
