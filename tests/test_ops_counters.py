"""The Rasa server's per-turn counters, from the events a tracker save adds: one turn per user
event, an urgent case counted once, when the conversation first has one."""

from __future__ import annotations

from prometheus_client import REGISTRY
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Restarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.ops.counters import observe_saved_turn

DOMAIN = Domain.from_yaml('version: "3.1"\nintents: [urgent_help, affirm, greet]\n')


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


class Conversation:
    """A tracker, saved after each turn the way the tracker store calls the observer."""

    def __init__(self, sender: str) -> None:
        self.tracker = DialogueStateTracker.from_events(sender, [ActionExecuted("action_listen")])
        self.stored = len(self.tracker.events)

    def turn(self, intent: str, *events: object, channel: str = "twilio_sms") -> None:
        self.tracker.update(UserUttered("…", intent={"name": intent, "confidence": 1.0},
                                        input_channel=channel))
        for event in events:
            self.tracker.update(event)
        self.tracker.update(ActionExecuted("action_listen"))
        observe_saved_turn(self.tracker, self.stored, DOMAIN)
        self.stored = len(self.tracker.events)


def test_urgent_cases_are_counted_when_the_conversation_first_has_one() -> None:
    urgent = lambda: sample("triage_urgent_cases_total", channel="twilio_sms")  # noqa: E731
    turns = sample("triage_turns_total", channel="twilio_sms")
    start = urgent()
    talk = Conversation("sms-counter-test")
    # "Is anyone in danger?" first: urgent priority, but no case yet
    talk.turn("urgent_help", SlotSet("case_priority", "urgent"))
    assert urgent() == start
    talk.turn("affirm", SlotSet("case_ref", "WM-AAAA-0001"), SlotSet("case_priority", "urgent"))
    assert urgent() == start + 1
    talk.turn("urgent_help", SlotSet("case_ref", "WM-AAAA-0001"))  # the same case again
    talk.turn("greet")
    assert urgent() == start + 1
    talk.turn("greet", Restarted())  # a restart, then a new urgent case
    talk.turn("urgent_help", SlotSet("case_ref", "WM-AAAA-0002"), SlotSet("case_priority",
                                                                          "urgent"))
    assert urgent() == start + 2
    assert sample("triage_turns_total", channel="twilio_sms") == turns + 6


def test_a_case_raised_to_urgent_counts_and_odd_labels_are_folded() -> None:
    start = sample("triage_urgent_cases_total", channel="other")
    other_intents = sample("triage_intents_total", intent="other")
    talk = Conversation("web-counter-test")
    talk.turn("greet", SlotSet("case_ref", "KC-AAAA-0003"), SlotSet("case_priority", "standard"),
              channel="some_new_channel")
    talk.turn("made_up", SlotSet("case_priority", "urgent"), channel="some_new_channel")
    assert sample("triage_urgent_cases_total", channel="other") == start + 1
    assert sample("triage_intents_total", intent="other") == other_intents + 1
    assert sample("triage_turns_total", channel="some_new_channel") == 0


def test_saves_without_a_user_message_are_not_turns() -> None:
    talk = Conversation("console-counter-test")
    turns = sample("triage_turns_total", channel="twilio_sms")
    talk.tracker.update(ActionExecuted("utter_staff_joined"))
    observe_saved_turn(talk.tracker, talk.stored, DOMAIN)
    assert sample("triage_turns_total", channel="twilio_sms") == turns
