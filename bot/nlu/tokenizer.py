"""Whitespace tokenizer that shows the model a placeholder instead of personal data.

Without it, the character n-grams of a phone or card number outweigh the words around it:
"can I speak to a person, my card 4111 ... was charged twice" was classified as `inform`
(a bare contact detail) with 0.99 confidence. With it, the model sees
"... my card __card__ was charged twice", the same way in training and at run time, and a
number no longer decides the intent. Offsets are kept, so entity positions stay right.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.privacy.redactor import find_pii


def placeholder(kind: str) -> str:
    return f"__{kind.lower()}__"


def mask_tokens(tokens: list[Token], text: str) -> list[Token]:
    """Replace the tokens covering each piece of personal data with one placeholder token."""
    spans = find_pii(text)
    if not spans:
        return tokens
    masked: list[Token] = []
    for token in tokens:
        span = next((s for s in spans if token.start < s.end and s.start < token.end), None)
        if span is None:
            masked.append(token)
        elif not masked or masked[-1].start != span.start:
            masked.append(Token(placeholder(span.type), span.start, span.end))
    return masked


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False
)
class PiiMaskingTokenizer(WhitespaceTokenizer):
    """WhitespaceTokenizer + placeholders for phone, card, NI, email, postcode, ... spans."""

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        tokens = super().tokenize(message, attribute)
        text = message.get(attribute)
        if attribute != TEXT or not text:
            return tokens
        return mask_tokens(tokens, text)
