"""The resident's language: which one a message is written in, and the replies that matter most
(emergency guidance, the interpreter offer, the safe-contact question, the case confirmation)
in it. Translations are data files, one per language, the English source beside each string."""

from bot.language.detect import LanguageGuess, detect_language
from bot.language.messages import SUPPORTED, language_name, message

__all__ = ["SUPPORTED", "LanguageGuess", "detect_language", "language_name", "message"]
