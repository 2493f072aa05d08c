"""When the action server cannot be reached, the resident still gets a reply and nothing is lost.

Rasa 3.6 logs a failed action and carries on silently: the resident sees nothing and an
escalation they asked for is dropped. `install_holding_reply()` wraps the action the dialogue
predicted, at the point where Rasa's MessageProcessor runs it, so that when the action server
is unreachable (the error underneath is a connection error, a timeout or a 5xx answer:
decided by type, never by message text):
- the resident gets a holding reply with 999 and the council's contact routes,
- a case-creating action is spooled to disk (bot.services.case_spool) and written exactly
  once by the action server's retry loop when it is back (creation is idempotent),
- the bot then listens instead of predicting more failing actions.
Actions that Rasa runs internally (form validation, slot extraction) are not wrapped: only the
predicted action is, and a form whose validation cannot be reached gets the holding reply
without a case.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from bot.ops.counters import count_spooled_case
from bot.services.case_kinds import CASE_OPENING_ACTIONS, CaseKind, case_kind_for
from bot.threads import run_sync
from bot.triage import UrgentCategory, detect_risk, emergency_advice

logger = logging.getLogger(__name__)

_installed = False


def is_action_server_outage(error: BaseException) -> bool:
    """True when `error`, or an error it was raised from, says the action server is unreachable:
    a refused or dropped connection, a timeout, or a server error (5xx) answer."""
    import aiohttp
    from rasa.utils.endpoints import ClientResponseError

    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, aiohttp.ClientConnectionError | asyncio.TimeoutError):
            return True
        if isinstance(current, ClientResponseError) and current.status >= 500:
            return True
        current = current.__cause__ or current.__context__
    return False


def holding_reply(action_name: str, text: str, routes: str | None,
                  kind: CaseKind | None = None) -> str:
    """The reply when the action server is unreachable; `kind` is the case already spooled for
    this message (its risk is reused, not looked for again)."""
    parts = []
    if kind is not None:
        risk_category = kind.urgent_category
    else:
        risk = detect_risk(text)
        risk_category = risk.category if risk else None
    if action_name == "action_urgent_help" or risk_category:
        category = risk_category or UrgentCategory.GENERAL
        parts.append(emergency_advice(category, "your council's out-of-hours line",
                                      "your council", text=text))
    parts.append("Sorry, part of our system is not responding, so I couldn't finish that.")
    if action_name in CASE_OPENING_ACTIONS:
        parts.append("Your request has been saved and will reach council staff as soon as the "
                     "system is back: you don't need to send it again.")
    parts.append("If you or someone else is in danger, call 999.")
    if routes:
        parts.append(f"To reach the council: {routes}")
    return " ".join(parts)


def _routes_for(council_id: str | None) -> str | None:
    if not council_id:
        return None
    from bot.db.engine import session_scope
    from bot.services.councils import get_council
    from bot.services.status import contact_routes

    with session_scope() as session:
        council = get_council(session, council_id)
        return contact_routes(council) if council else None


def _spool(action_name: str, sender_id: str, channel: str, text: str,
           council_id: str | None) -> CaseKind:
    from bot.services.case_spool import spool_request

    kind = case_kind_for(action_name, text)
    spool_request(sender_id, channel, kind, text, council_id)
    count_spooled_case(kind.priority)
    return kind


async def _on_failure(action_name: str, tracker: Any) -> list:
    from rasa.shared.core.events import BotUttered, FollowupAction

    text = (tracker.latest_message.text if tracker.latest_message else "") or ""
    council_id = tracker.get_slot("council")
    routes = None
    try:
        routes = await run_sync(_routes_for, council_id)
    except Exception:  # noqa: BLE001 - the database may be down too; reply anyway
        logger.warning("could not read contact routes for the holding reply")
    kind = None
    if action_name in CASE_OPENING_ACTIONS:
        channel = tracker.get_latest_input_channel() or "rest"
        kind = await run_sync(_spool, action_name, tracker.sender_id, channel, text, council_id)
    reply = holding_reply(action_name, text, routes, kind)
    return [BotUttered(text=reply), FollowupAction("action_listen")]


class _WithHoldingReply:
    """The predicted action, unchanged, except that an action-server outage gives the holding
    reply instead of an exception Rasa would log and swallow."""

    def __init__(self, action: Any) -> None:
        self._action = action

    def __getattr__(self, name: str) -> Any:
        return getattr(self._action, name)

    async def run(self, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> list:
        from rasa.core.actions.action import ActionExecutionRejection

        try:
            return await self._action.run(output_channel, nlg, tracker, domain)
        except ActionExecutionRejection:
            raise  # a form rejecting a turn is normal dialogue, not an outage
        except Exception as error:
            if not is_action_server_outage(error):
                raise
            name = self._action.name()
            logger.error("action server unreachable for %s; sent a holding reply", name)
            return await _on_failure(name, tracker)


def install_holding_reply() -> None:
    """Idempotent; wraps MessageProcessor._run_action in this process."""
    global _installed
    if _installed:
        return
    from rasa.core.processor import MessageProcessor

    original = MessageProcessor._run_action

    async def run_action(self, action, tracker, output_channel, nlg, prediction):  # noqa: ANN001
        return await original(self, _WithHoldingReply(action), tracker, output_channel, nlg,
                              prediction)

    MessageProcessor._run_action = run_action
    _installed = True
