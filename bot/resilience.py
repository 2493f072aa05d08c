"""When the action server cannot be reached, the resident still gets a reply and nothing is lost.

Rasa 3.6 logs a failed custom action and carries on silently: the resident sees nothing and
an escalation they asked for is dropped. `install_action_failure_reply()` wraps
`RemoteAction.run` in the Rasa server so that, when the action server is unreachable,
- the resident gets a holding reply with 999 and the council's contact routes,
- a case-creating action is spooled to disk (bot.services.case_spool) and written exactly
  once by the action server's retry loop when it is back (creation is idempotent),
- the bot then listens instead of predicting more failing actions.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from bot.services.triage import UrgentCategory, detect_risk, emergency_advice
from bot.threads import run_sync

logger = logging.getLogger(__name__)

# action name -> (category, priority) of the case it would have opened
CASE_ACTIONS = {
    "action_urgent_help": ("urgent_help", "urgent"),
    "action_start_case": ("human_request", "standard"),
    "action_submit_case": ("human_request", "standard"),
    "action_phishing_report": ("phishing_report", "standard"),
    "action_complaint": ("complaint", "standard"),
}
_installed = False
# Rasa's message for a refused connection, a timeout or an error answer from the server
_OUTAGE = re.compile(r"Failed to (?:execute|run) custom action")


def holding_reply(action_name: str, text: str, routes: str | None) -> str:
    parts = []
    risk = detect_risk(text)
    if action_name == "action_urgent_help" or risk:
        category = risk.category if risk else UrgentCategory.GENERAL
        parts.append(emergency_advice(category, "your council's out-of-hours line",
                                      "your council"))
    parts.append("Sorry, part of our system is not responding, so I couldn't finish that.")
    if action_name in CASE_ACTIONS:
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
           council_id: str | None) -> None:
    from bot.services.case_spool import spool_request

    category, priority = CASE_ACTIONS[action_name]
    spool_request(sender_id, channel, category, priority, text, council_id)


async def _on_failure(action_name: str, tracker: Any) -> list:
    from rasa.shared.core.events import BotUttered, FollowupAction

    text = (tracker.latest_message.text if tracker.latest_message else "") or ""
    council_id = tracker.get_slot("council")
    routes = None
    try:
        routes = await run_sync(_routes_for, council_id)
    except Exception:  # noqa: BLE001 - the database may be down too; reply anyway
        logger.warning("could not read contact routes for the holding reply")
    if action_name in CASE_ACTIONS:
        channel = tracker.get_latest_input_channel() or "rest"
        await run_sync(_spool, action_name, tracker.sender_id, channel, text, council_id)
    reply = holding_reply(action_name, text, routes)
    return [BotUttered(text=reply), FollowupAction("action_listen")]


def install_action_failure_reply() -> None:
    """Idempotent; called when the Rasa server loads the project's NLU components."""
    global _installed
    if _installed:
        return
    from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
    from rasa.shared.exceptions import RasaException

    original_run = RemoteAction.run

    async def run_with_holding_reply(self, output_channel, nlg, tracker, domain):  # noqa: ANN001
        try:
            return await original_run(self, output_channel, nlg, tracker, domain)
        except ActionExecutionRejection:
            raise  # a form rejecting a turn is normal dialogue, not an outage
        except RasaException as error:
            if not _OUTAGE.search(str(error)):
                raise  # not an action-server failure
            logger.error("action server unreachable for %s; sent a holding reply", self.name())
            return await _on_failure(self.name(), tracker)

    RemoteAction.run = run_with_holding_reply
    _installed = True
