"""Custom Rasa NLU components: rule-based extractors and the urgent safety net.

The Rasa server imports this package when it loads the model, so it is also where the
server-side resilience hook is installed (a holding reply when the action server is down).
"""

from bot.resilience import install_action_failure_reply

install_action_failure_reply()
