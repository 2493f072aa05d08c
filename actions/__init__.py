"""Rasa SDK actions: thin adapters from the tracker to bot.services and back.

Importing the package installs the privacy log filter, so no raw message text or phone
number from a turn reaches the action server's logs.
"""

from bot.privacy.log_filter import install_log_filter

install_log_filter()
