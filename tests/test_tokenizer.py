"""The model sees placeholders, not digits, for personal data; other words are untouched."""

from __future__ import annotations

from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.tokenizer import PiiMaskingTokenizer


def token_texts(text: str) -> list[str]:
    tokenizer = PiiMaskingTokenizer(PiiMaskingTokenizer.get_default_config())
    return [t.text for t in tokenizer.tokenize(Message(data={TEXT: text}), TEXT)]


def test_card_and_phone_become_single_placeholders() -> None:
    tokens = token_texts("speak to a person, card 4111 1111 1111 1111 call 07700 900118")
    assert tokens == ["speak", "to", "a", "person", "card", "__card__", "call", "__phone__"]


def test_ordinary_text_and_case_refs_are_unchanged() -> None:
    assert token_texts("is the 52 bus stop bin collected KC-7KQ2-M9XD") == [
        "is", "the", "52", "bus", "stop", "bin", "collected", "KC-7KQ2-M9XD"]
