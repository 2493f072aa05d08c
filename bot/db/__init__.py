"""The one relational database shared by actions, channels and the console."""

from bot.compat import check_pins

check_pins()
