"""The sentence encoder reuses the tokenizer's redacted text, with features identical to
redacting again (#15.7): the redactor's rules then run once per message, not twice."""

from __future__ import annotations

import random

import numpy as np
import pytest
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.message import Message

from bot.config import PROJECT_ROOT
from bot.nlu.sentence_encoder import MultilingualSentenceFeaturizer
from bot.nlu.tokenizer import REDACTED_TEXT, PiiMaskingTokenizer, redacted_text
from bot.privacy.redactor import redact


@pytest.fixture(scope="module")
def texts() -> list[str]:
    examples = load_data(str(PROJECT_ROOT / "data" / "nlu")).training_examples
    everything = sorted({m.get(TEXT) for m in examples if m.get(TEXT)})
    # a random sample of the training data, plus messages certain to carry personal data
    return random.Random(15).sample(everything, 200) + [
        "call Sarah on 07700 900118 after six",
        "my email is jo.bloggs@example.com and my bins are full",
        "I live at 12 Grove Road W10 6EL, no heating",
    ]


def _features(messages: list[Message]) -> np.ndarray:
    rows = []
    for message in messages:
        _, sentence = message.get_dense_features(TEXT, [])
        rows.append(sentence.features[0])
    return np.vstack(rows)


def test_features_are_identical_with_and_without_reuse(texts: list[str]) -> None:
    tokenizer = PiiMaskingTokenizer(PiiMaskingTokenizer.get_default_config())
    featurizer = MultilingualSentenceFeaturizer(
        MultilingualSentenceFeaturizer.get_default_config(), "encoder")
    reused = [Message(data={TEXT: text}) for text in texts]
    tokenizer.process(reused)
    assert all(redacted_text(m) == redact(m.get(TEXT)) for m in reused)
    # the sample holds personal data, so the reuse carries masks, not just copies
    assert sum(redacted_text(m) != m.get(TEXT) for m in reused) >= 3
    fresh = [Message(data={TEXT: text}) for text in texts]
    assert all(redacted_text(m) is None for m in fresh)
    featurizer.process(reused)
    featurizer.process(fresh)
    assert np.array_equal(_features(reused), _features(fresh))


def test_a_stale_redaction_is_not_reused() -> None:
    message = Message(data={TEXT: "call Sarah on 07700 900118"})
    PiiMaskingTokenizer(PiiMaskingTokenizer.get_default_config()).process([message])
    assert redacted_text(message) == "call [NAME] on [PHONE]"
    message.set(TEXT, "my bins were not collected")
    assert redacted_text(message) is None
    message.set(REDACTED_TEXT, "not a pair")
    assert redacted_text(message) is None


def test_the_redacted_text_never_reaches_the_parse_result() -> None:
    message = Message(data={TEXT: "I'm Hodan, flat 3 Grenfell Walk"})
    PiiMaskingTokenizer(PiiMaskingTokenizer.get_default_config()).process([message])
    assert REDACTED_TEXT not in message.as_dict(only_output_properties=True)
