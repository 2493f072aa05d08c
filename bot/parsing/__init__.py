"""Parsers of what residents type: contact details, postcodes, case references.

They sit below `bot.services`, `bot.privacy`, `bot.nlu` and `bot.channels`, which all use them,
and import nothing from those packages, so no import runs back up.
"""
