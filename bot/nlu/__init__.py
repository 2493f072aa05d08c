"""Custom Rasa NLU components: rule-based extractors and the urgent safety net.

The Rasa server imports this package when it loads the model, so it is also where the
server-side hooks are installed: a holding reply when the action server is down, and a
cheap check of action server responses (see bot.action_response_check), a remembered
event class per type name (bot.event_type_cache) and a remembered plan per graph run
(bot.graph_run_cache).
"""

from bot.action_response_check import install_cached_response_validation
from bot.event_type_cache import install_event_type_cache
from bot.graph_run_cache import install_graph_run_cache
from bot.resilience import install_action_failure_reply

install_action_failure_reply()
install_cached_response_validation()
install_event_type_cache()
install_graph_run_cache()
