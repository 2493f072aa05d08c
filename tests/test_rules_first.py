"""TED is skipped only where the rules' prediction wins anyway: every step of every test story
gets the same winning action, confidence and policy with and without the shortcut."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.core.agent import Agent
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    SessionStarted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader

from bot.rasa_patches import rules_first

STAFF_ACTIONS = ("utter_staff_joined", "utter_staff_message", "utter_staff_left")
STORIES = sorted((Path(__file__).parent / "stories").glob("test_*.yml"))


def _story_trackers(agent: Agent) -> list[DialogueStateTracker]:
    """Each test story cut before every action it expects, as the server would hold it, and
    cut after every user turn with that turn replaced by each other intent (off the stories'
    paths), with the form refusing each answer, and with actions where no rule puts them,
    where TED has to be asked."""
    domain = agent.domain
    trackers = []
    for path in STORIES:
        for step in YAMLStoryReader(domain).read_from_file(str(path)):
            events: list = [ActionExecuted("action_session_start"), SessionStarted()]
            for event in step.explicit_events(domain):
                if isinstance(event, ActionExecuted):
                    trackers.append(_tracker(step.block_name, events, domain))
                    for staff in STAFF_ACTIONS:  # the console speaking into the conversation
                        trackers.append(_tracker(step.block_name, [
                            *events, ActionExecuted(staff)], domain))
                    if event.action_name == "contact_form":  # the form refused the answer
                        trackers.append(_tracker(step.block_name, [
                            *events, ActionExecutionRejected("contact_form")], domain))
                if isinstance(event, UserUttered):
                    for intent in domain.intents:
                        trackers.append(_tracker(step.block_name, [
                            *events, UserUttered(intent=event.intent | {"name": intent},
                                                 entities=event.entities)], domain))
                events.append(event)
    greeted = [ActionExecuted("action_session_start"), SessionStarted(),
               ActionExecuted("action_listen"), UserUttered(intent={"name": "greet"})]
    for action in domain.user_actions:  # actions where no rule puts them: TED decides
        trackers.append(_tracker("greeted", [*greeted, ActionExecuted(action)], domain))
    return trackers


def _tracker(sender: str, events: list, domain) -> DialogueStateTracker:  # noqa: ANN001
    return DialogueStateTracker.from_events(sender, list(events), slots=domain.slots)


def _winners(agent: Agent, trackers: list[DialogueStateTracker]) -> list[tuple]:
    answers = []
    for tracker in trackers:
        prediction = agent.processor._predict_next_with_tracker(tracker)
        answers.append((prediction.max_confidence_index, round(prediction.max_confidence, 6),
                        prediction.policy_name, prediction.is_end_to_end_prediction))
    return answers


def test_every_story_step_gets_rasas_own_winner(trained_agent: Agent) -> None:
    trackers = _story_trackers(trained_agent)  # fresh for each run: predicting changes them
    assert len(trackers) > 50
    rules_first.enabled = False
    try:
        expected = _winners(trained_agent, _story_trackers(trained_agent))
    finally:
        rules_first.enabled = True
    before = dict(rules_first.counts)
    assert _winners(trained_agent, trackers) == expected
    skipped = rules_first.counts["skipped"] - before["skipped"]
    ran = rules_first.counts["ran"] - before["ran"]
    # Most steps are the rules' to decide; off their paths TED decides.
    assert skipped > len(trackers) / 2 and ran > 0
    assert {winner[2] for winner in expected} >= {"RulePolicy", "TEDPolicy"}


def test_a_rejected_action_is_never_decided_by_the_rules_alone() -> None:
    class Prediction:
        max_confidence = 1.0
        is_end_to_end_prediction = False

    tracker = DialogueStateTracker.from_events("r", [
        ActionExecuted("action_listen"), ActionExecuted("contact_form"),
        ActionExecutionRejected("contact_form")])
    assert not rules_first.rules_decided(Prediction(), tracker)
    tracker.update(ActionExecuted("action_listen"))
    assert rules_first.rules_decided(Prediction(), tracker)
    Prediction.max_confidence = 0.3  # the rules' fallback score: TED must be asked
    assert not rules_first.rules_decided(Prediction(), tracker)


def test_rasa_patches_refuse_an_untested_rasa_and_turn_off_crash_reports() -> None:
    import rasa.telemetry

    from bot.rasa_patches import UntestedRasaVersion, check_rasa_version, install

    with pytest.raises(UntestedRasaVersion):
        check_rasa_version("3.7.0")
    check_rasa_version("3.6.21")
    install()
    assert rasa.telemetry.initialize_error_reporting.__module__ == (
        "bot.rasa_patches.no_error_reporting")
