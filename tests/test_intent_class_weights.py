"""The linear intent classifier's class weights: scikit-learn's "balanced", times a boost (#12)."""

from __future__ import annotations

import numpy as np
from sklearn.utils.class_weight import compute_class_weight

from bot.nlu.intent_classifier import LinearIntentClassifier

LABELS = ["greet"] * 6 + ["urgent_help"] * 3 + ["thanks"] * 1


def _weights(boost: dict[str, float] | None) -> dict[str, float]:
    config = {} if boost is None else {"class_weight_boost": boost}
    classifier = LinearIntentClassifier(config, model_storage=None, resource=None)  # type: ignore[arg-type]
    return classifier._class_weights(LABELS)


def test_without_a_boost_the_weights_are_sklearns_balanced_ones() -> None:
    classes = np.array(sorted(set(LABELS)))
    expected = compute_class_weight("balanced", classes=classes, y=np.array(LABELS))
    weights = _weights(None)
    assert [round(weights[c], 9) for c in classes] == [round(w, 9) for w in expected]


def test_a_boost_multiplies_only_its_class() -> None:
    plain, boosted = _weights({}), _weights({"urgent_help": 1.5})
    assert boosted["urgent_help"] == plain["urgent_help"] * 1.5
    assert boosted["greet"] == plain["greet"] and boosted["thanks"] == plain["thanks"]
