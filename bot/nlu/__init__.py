"""Custom Rasa NLU components: PII-masking tokenizer, contact-detail extractor, urgent safety net.

Importing this package changes nothing in Rasa: the server's patches are installed by
bot.server (see bot.rasa_patches).
"""
