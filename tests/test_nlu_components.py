"""The project's own NLU components on their own: the multilingual sentence encoder, the linear
intent classifier (trained, saved, loaded, predicting across languages), entity values, language."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.entity_values import normalised_council_entities, normalised_service_entities
from bot.nlu.intent_classifier import LinearIntentClassifier
from bot.nlu.language import LanguageTagger
from bot.nlu.sentence_encoder import MultilingualSentenceFeaturizer, encode
from bot.nlu.tokenizer import PiiMaskingTokenizer

CONTEXT = ExecutionContext(GraphSchema({}), "test-model")
TRAINING = {
    "urgent_help": ["my partner hits me and I am scared", "I want to kill myself tonight",
                    "my baby has no heating and is freezing", "he is threatening to hurt me",
                    "I have nowhere to sleep tonight", "my dad took all his pills"],
    "service_status": ["when are the bins collected", "is the library open today",
                       "can I pay my council tax online", "is the parking permit page working",
                       "are the recycling collections running", "is the register office open"],
    "greet": ["hello", "hi there", "good morning", "hey", "hello council", "good afternoon"],
}


def test_encoder_maps_translations_close_and_empty_text_to_zero() -> None:
    vectors = encode(["my husband hits me", "mój mąż mnie bije", "when are the bins collected",
                      ""])
    assert vectors.shape == (4, 512)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.3
    assert not vectors[3].any()


def _pipeline(tmp_path: Path):
    storage = LocalModelStorage(tmp_path)
    tokenizer = PiiMaskingTokenizer.create(PiiMaskingTokenizer.get_default_config(), storage,
                                           Resource("tok"), CONTEXT)
    featurizer = MultilingualSentenceFeaturizer.create(
        MultilingualSentenceFeaturizer.get_default_config(), storage, Resource("enc"), CONTEXT)
    return storage, tokenizer, featurizer


def _prepare(tokenizer, featurizer, messages: list[Message]) -> list[Message]:
    tokenizer.process(messages)
    featurizer.process(messages)
    return messages


def test_linear_classifier_trains_saves_loads_and_carries_across_languages(
    tmp_path: Path,
) -> None:
    storage, tokenizer, featurizer = _pipeline(tmp_path)
    examples = [Message(data={"text": text, "intent": intent})
                for intent, texts in TRAINING.items() for text in texts]
    data = TrainingData(training_examples=examples)
    tokenizer.process_training_data(data)
    featurizer.process_training_data(data)
    resource = Resource("intents")
    config = LinearIntentClassifier.get_default_config()
    LinearIntentClassifier.create(config, storage, resource, CONTEXT).train(data)
    loaded = LinearIntentClassifier.load(config, storage, resource, CONTEXT)
    assert loaded.model is not None
    messages = _prepare(tokenizer, featurizer, [
        Message(data={"text": "mój mąż mnie bije, boję się"}),       # Polish, never trained
        Message(data={"text": "¿cuándo recogen la basura?"}),          # Spanish
        Message(data={"text": "call me on 07700 900123 about the bins"}),
    ])
    loaded.process(messages)
    assert [m.get("intent")["name"] for m in messages] == [
        "urgent_help", "service_status", "service_status"]
    ranking = messages[0].get("intent_ranking")
    assert abs(sum(entry["confidence"] for entry in ranking) - 1.0) < 1e-6
    assert ranking == sorted(ranking, key=lambda entry: -entry["confidence"])


def test_an_unloadable_classifier_leaves_a_fallback_not_a_crash(tmp_path: Path) -> None:
    storage, tokenizer, featurizer = _pipeline(tmp_path)
    config = LinearIntentClassifier.get_default_config()
    empty = LinearIntentClassifier.load(config, storage, Resource("missing"), CONTEXT)
    message = _prepare(tokenizer, featurizer, [Message(data={"text": "hello"})])[0]
    empty.process([message])
    assert message.get("intent") == {"name": None, "confidence": 0.0}


@pytest.mark.parametrize(
    ("text", "entities", "expected"),
    [
        ("cn u tell me if tip open",
         [{"entity": "service", "value": "u tell", "start": 3, "end": 9}], ["waste"]),
        ("my resident permit ran out",
         [{"entity": "service", "value": "resident", "start": 3, "end": 11}], ["parking"]),
        ("is the library open", [], ["libraries"]),
        ("hello there", [{"entity": "service", "value": "there", "start": 6, "end": 11}], []),
        ("/service_status", [], []),
    ],
)
def test_service_values_are_contract_ids(text, entities, expected) -> None:
    values = [e["value"] for e in normalised_service_entities(text, entities)
              if e["entity"] == "service"]
    assert values == expected


def test_council_values_are_council_ids() -> None:
    assert [e["value"] for e in normalised_council_entities("I live in Fulham", [])] == [
        "hammersmith_fulham"]
    raw = [{"entity": "council", "value": "chelsea", "start": 10, "end": 17}]
    assert normalised_council_entities("I live in Chelsea", raw)[0]["value"] == (
        "kensington_chelsea")
    assert normalised_council_entities("bins", [{"entity": "council", "value": "x"}]) == []


def test_language_tagger_adds_an_output_property(tmp_path: Path) -> None:
    tagger = LanguageTagger.create({}, LocalModelStorage(tmp_path), Resource("lang"), CONTEXT)
    messages = [Message(data={"text": "kocam beni dövüyor, çok korkuyorum"}),
                Message(data={"text": "ok"})]
    tagger.process(messages)
    assert messages[0].get("language")["code"] == "tr"
    assert messages[1].get("language")["by"] == "default"
    assert "language" in messages[0].as_dict(only_output_properties=True)
    assert np.isfinite(messages[0].get("language")["confidence"])
