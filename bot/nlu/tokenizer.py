"""Whitespace tokenizer that shows the model a placeholder instead of personal data.

Without it, the character n-grams of a phone or card number outweigh the words around it:
"can I speak to a person, my card 4111 ... was charged twice" was classified as `inform`
(a bare contact detail) with 0.99 confidence. With it, the model sees
"... my card __card__ was charged twice", the same way in training and at run time, and a
number no longer decides the intent. Offsets are kept, so entity positions stay right.

The same spans also give the redacted text ("my card [CARD] was..."), set on the message as
`REDACTED_TEXT` (with the text it was made from) for the sentence encoder, which would
otherwise run the redactor's rules a second time on every message. It is not an output
property, so it never reaches the parse result or the tracker.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.privacy.pii_types import PiiSpan
from bot.privacy.redactor import apply_masks, find_pii

# Message property: (text, that text redacted), set by the tokenizer for the TEXT attribute.
REDACTED_TEXT = "pii_redacted_text"


def placeholder(kind: str) -> str:
    return f"__{kind.lower()}__"


def mask_tokens(tokens: list[Token], text: str,
                spans: list[PiiSpan] | None = None) -> list[Token]:
    """Replace the tokens covering each piece of personal data with one placeholder token."""
    if spans is None:
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
        spans = find_pii(text)
        message.set(REDACTED_TEXT, (text, apply_masks(text, spans)))
        return mask_tokens(tokens, text, spans)


def redacted_text(message: Message) -> str | None:
    """The redacted TEXT the tokenizer left on `message`, if it is for the current text."""
    stored = message.get(REDACTED_TEXT)
    if isinstance(stored, tuple | list) and len(stored) == 2 and stored[0] == message.get(TEXT):
        return str(stored[1])
    return None
