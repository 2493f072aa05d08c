"""The assistant's custom actions. Each one names a turn in bot.services and nothing more."""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.runtime import context_from_tracker, run_action, run_turn
from bot.services.advice_turns import (
    affirm_turn,
    complaint_turn,
    data_concern_turn,
    deny_turn,
    phishing_turn,
    thanks_turn,
)
from bot.services.case_kinds import case_kind_for
from bot.services.case_spool import spool_request, start_retry_loop
from bot.services.case_status_turns import case_status_turn
from bot.services.contact_turns import person_first
from bot.services.escalation_turns import (
    ask_contact_reach_turn,
    contact_form_turn,
    required_contact_slots,
    start_case_turn,
    submit_case_turn,
    urgent_turn,
)
from bot.services.greeting_turns import greet_turn
from bot.services.status_turns import (
    fallback_turn,
    inform_turn,
    out_of_scope_turn,
    service_status_turn,
)
from bot.services.turn import TurnContext
from bot.triage import UrgentCategory, emergency_advice

logger = logging.getLogger(__name__)
# Slots the contact form's extraction may set besides those it still asks for.
PASS_THROUGH_SLOTS = {"pending", "contact_reach", "contact_postcode", "contact_time",
                      "contact_name", "contact_safety"}
start_retry_loop()


def _spool_and_explain(action_name: str):  # noqa: ANN202
    """On a failed case write: keep the request on disk and tell the resident the truth."""

    def handler(ctx: TurnContext) -> str:
        kind = case_kind_for(action_name, ctx.text)  # the one look at the risk rules
        spool_request(ctx.conversation_id, ctx.channel, kind, ctx.text,
                      council_id=ctx.slot("council"))
        first = ""
        if kind.priority == "urgent":
            category_value = kind.urgent_category or UrgentCategory.GENERAL
            first = (
                emergency_advice(category_value, "your council's out-of-hours line",
                                 "your council", text=ctx.text)
                + " "
            )
        return (
            f"{first}I couldn't save your case just now because of a problem on our side. It "
            "has not been lost: I'll keep trying and it will reach council staff as soon as the "
            "system is back. If anyone is in danger, call 999."
        )

    return handler


class SimpleTurnAction(Action, ABC):
    """An action that runs one turn function (abstract: rasa-sdk registers only subclasses)."""

    turn = staticmethod(service_status_turn)
    on_failure = None

    @property
    @abstractmethod
    def action_name(self) -> str:
        """The action's name in the domain."""

    def name(self) -> str:
        return self.action_name

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        return await run_action(self.turn, dispatcher, tracker, self.on_failure)


class ActionServiceStatus(SimpleTurnAction):
    action_name = "action_service_status"
    turn = staticmethod(person_first(service_status_turn, late=False))


class ActionHandleInform(SimpleTurnAction):
    action_name = "action_handle_inform"
    turn = staticmethod(person_first(inform_turn))


class ActionFallback(SimpleTurnAction):
    action_name = "action_fallback"
    turn = staticmethod(person_first(fallback_turn))


class ActionOutOfScope(SimpleTurnAction):
    action_name = "action_out_of_scope"
    turn = staticmethod(person_first(out_of_scope_turn))


class ActionUrgentHelp(SimpleTurnAction):
    action_name = "action_urgent_help"
    turn = staticmethod(urgent_turn)
    on_failure = staticmethod(_spool_and_explain("action_urgent_help"))


class ActionStartCase(SimpleTurnAction):
    action_name = "action_start_case"
    turn = staticmethod(start_case_turn)
    on_failure = staticmethod(_spool_and_explain("action_start_case"))


class ActionSubmitCase(SimpleTurnAction):
    action_name = "action_submit_case"
    turn = staticmethod(submit_case_turn)
    on_failure = staticmethod(_spool_and_explain("action_submit_case"))


class ActionDataConcern(SimpleTurnAction):
    action_name = "action_data_concern"
    turn = staticmethod(data_concern_turn)


class ActionPhishingReport(SimpleTurnAction):
    action_name = "action_phishing_report"
    turn = staticmethod(phishing_turn)
    on_failure = staticmethod(_spool_and_explain("action_phishing_report"))


class ActionComplaint(SimpleTurnAction):
    action_name = "action_complaint"
    turn = staticmethod(complaint_turn)
    on_failure = staticmethod(_spool_and_explain("action_complaint"))


class ActionCaseStatus(SimpleTurnAction):
    action_name = "action_case_status"
    turn = staticmethod(case_status_turn)


class ActionHandleAffirm(SimpleTurnAction):
    action_name = "action_handle_affirm"
    turn = staticmethod(person_first(affirm_turn))


class ActionAskContactReach(SimpleTurnAction):
    action_name = "action_ask_contact_reach"
    turn = staticmethod(ask_contact_reach_turn)


class ActionThanks(SimpleTurnAction):
    action_name = "action_thanks"
    turn = staticmethod(person_first(thanks_turn))


class ActionHandleDeny(SimpleTurnAction):
    action_name = "action_handle_deny"
    turn = staticmethod(person_first(deny_turn))


class ValidateContactForm(FormValidationAction):
    """Custom extraction for every contact slot at once, written straight to the case row."""

    def name(self) -> str:
        return "validate_contact_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        ctx = context_from_tracker(tracker)
        return await run_turn(_required_slots_turn, ctx)

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """rasa-sdk keeps only slots still required; `pending` ("person_now", the helper
        question) and the markers of a form that ends now must reach the tracker too."""
        events = await super().get_validation_events(dispatcher, tracker, domain)
        kept = {event["name"] for event in events}
        extra = {name: value for name, value in tracker.slots_to_validate().items()
                 if name in PASS_THROUGH_SLOTS and name not in kept}
        return events + [SlotSet(name, value) for name, value in extra.items()]

    async def extract_contact_reach(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        ctx = context_from_tracker(tracker)
        ctx.latest_action = _action_before_form(tracker)
        requested = tracker.get_slot("requested_slot")
        try:
            outcome = await run_turn(contact_form_turn, ctx, requested)
        except Exception:  # noqa: BLE001 - the database may be locked or down: move on
            logger.exception("contact form answer not saved for %s", ctx.conversation_id)
            # The form goes on (and the case is submitted, or spooled, by its own action) rather
            # than the resident being left without a reply.
            return {requested: "unsaved"} if requested else {}
        for message in outcome.messages:
            dispatcher.utter_message(text=message.text)
        return outcome.slots


def _action_before_form(tracker: Tracker) -> str | None:
    """What ran between the resident's last message and this form run: "action_listen" when
    the form is validating an answer just typed, another action's name when the form is being
    activated by it. (Rasa hands the validation action a tracker whose latest action is the
    form itself, so `latest_action_name` cannot tell the two apart.)"""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return "action_listen"
        if event.get("event") == "action" and event.get("name") not in (
                "contact_form", "action_listen", "validate_contact_form"):
            return event.get("name")
    return None


def _required_slots_turn(session, ctx: TurnContext) -> list[str]:  # noqa: ANN001
    return required_contact_slots(session, ctx)


class ActionGreet(SimpleTurnAction):
    action_name = "action_greet"
    turn = staticmethod(greet_turn)
