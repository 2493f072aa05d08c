"""Next-action prediction consults TED only when the rules have not already decided.

Why: Rasa runs every policy for every next-action prediction, then its ensemble
(DefaultPolicyPredictionEnsemble) keeps the most confident one, ties going to the higher
priority. This assistant is mostly rule-driven, and a RulePolicy prediction at confidence 1.0
cannot lose that contest:
- no policy is more than certain, and RulePolicy has the highest priority (6; TED's is 1);
- TED never makes a "no user" prediction, and makes an end-to-end one (which would outrank
  intent-based ones) only if it was trained on story text, which is checked here;
- the ensemble zeroes a rejected action in every prediction, so after an
  ActionExecutionRejected TED still runs.
TED's neural network was the biggest single cost in the Rasa server's loop under load, so in
those cases its node returns an all-zero prediction instead of running. The winner, and so
the conversation, is exactly what Rasa would have chosen (tests/test_rules_first.py compares
every step of the test stories with and without this).
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.shared.core.events import ActionExecuted, ActionExecutionRejected
from rasa.shared.nlu.constants import TEXT

logger = logging.getLogger(__name__)

RULE_POLICY = "RulePolicy"
SKIPPABLE = ("TEDPolicy",)

# Counts for tests and the bench: how often TED ran and how often the rules spared it.
counts = {"ran": 0, "skipped": 0}
enabled = True


def _component(node: Any) -> Any:
    return getattr(node, "_component", None)


def _policy_class_names(node: Any) -> set[str]:
    component = _component(node)
    return {cls.__name__ for cls in type(component).__mro__} if component is not None else set()


def _trained_on_text(component: Any) -> bool:
    fake_features = getattr(component, "fake_features", None)
    return fake_features is None or TEXT in fake_features


def _last_action_rejected(tracker: Any) -> bool:
    for event in reversed(tracker.events):
        if isinstance(event, ActionExecuted | ActionExecutionRejected):
            return isinstance(event, ActionExecutionRejected)
    return False


def rules_decided(rule_prediction: Any, tracker: Any) -> bool:
    """True when the RulePolicy prediction wins whatever TED would say."""
    return (
        rule_prediction is not None
        and rule_prediction.max_confidence >= 1.0
        and not rule_prediction.is_end_to_end_prediction
        and not _last_action_rejected(tracker)
    )


class RulesFirst:
    """A dask task in place of a TED node: runs it unless the rule node's output decided."""

    def __init__(self, node: Any) -> None:
        self.node = node
        self.node_name = node._node_name
        self.inputs: dict[str, str] = dict(node._inputs)

    def __call__(self, rule_output: Any, *inputs: Any) -> tuple[str, Any]:
        received = {item[0]: item[1] for item in inputs if isinstance(item, tuple)}
        tracker = received.get(self.inputs.get("tracker", ""))
        domain = received.get(self.inputs.get("domain", ""))
        rule_prediction = rule_output[1] if isinstance(rule_output, tuple) else None
        if enabled and tracker is not None and domain is not None and rules_decided(
            rule_prediction, tracker
        ):
            counts["skipped"] += 1
            abstain = [0.0] * len(domain.action_names_or_texts)
            return self.node_name, _component(self.node)._prediction(abstain)
        counts["ran"] += 1
        return self.node(*inputs)


def rules_first(plan: dict[str, Any]) -> dict[str, Any]:
    """The run plan with each skippable policy node made to wait for, and defer to, the rules."""
    rule_keys = [name for name, task in plan.items()
                 if isinstance(task, tuple) and RULE_POLICY in _policy_class_names(task[0])]
    if len(rule_keys) != 1:
        return plan
    rule_key = rule_keys[0]
    rule_component = _component(plan[rule_key][0])
    changed = dict(plan)
    for name, task in plan.items():
        if not isinstance(task, tuple):
            continue
        node = task[0]
        component = _component(node)
        if not _policy_class_names(node) & set(SKIPPABLE) or _trained_on_text(component):
            continue
        if getattr(component, "priority", 0) >= getattr(rule_component, "priority", 0):
            continue
        changed[name] = (RulesFirst(node), rule_key, *task[1:])
        logger.debug("%s runs only when %s has not decided", name, rule_key)
    return changed
