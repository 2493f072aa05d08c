"""Every change this project makes to Rasa's own behaviour, installed by one explicit call.

Rasa 3.6 offers no extension point for these, so each replaces one Rasa function in the
process that calls `install()`: the Rasa server's launcher (`python -m bot.server`). Each
module says why it exists and what it measured:

- action_client: the action server called over kept-alive connections, bodies encoded in C;
- nlu_worker (only when serving): residents' messages parsed in a worker process, off the
  server's own core;
- holding_reply: a reply with 999 and the council's routes when the action server is down,
  and the case spooled so it is not lost;
- graph_run_cache (with rules_first): each graph run plan built once, and TED consulted only
  when the rules have not decided;
- event_type_cache: Rasa event classes looked up once per type name;
- response_check: action server responses checked against a precompiled schema;
- no_error_reporting: Rasa's own crash reports to its Sentry project turned off.

They reach into Rasa internals, so `install()` refuses a Rasa version they were not tested on.
"""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)

TESTED_RASA_VERSIONS = frozenset({"3.6.21"})
_installed = False


class UntestedRasaVersion(RuntimeError):
    """The installed Rasa is not one these patches were tested against."""


def check_rasa_version(version: str | None = None) -> None:
    """Raise UntestedRasaVersion unless `version` (default: the installed one) was tested."""
    if version is None:
        import rasa

        version = rasa.__version__
    if version not in TESTED_RASA_VERSIONS:
        raise UntestedRasaVersion(
            f"bot.rasa_patches replaces Rasa internals and was tested on Rasa "
            f"{', '.join(sorted(TESTED_RASA_VERSIONS))}, not {version}. Re-run the tests "
            "(make test) against this version, then add it to TESTED_RASA_VERSIONS."
        )


def install(serving: bool = False) -> None:
    """Install every patch in this process (idempotent); refuses an untested Rasa loudly.

    `serving`: this process is a Rasa server answering residents (`bot.server run`), so
    messages are parsed in a worker process (nlu_worker); tests, training and evaluation
    parse in their own process."""
    global _installed
    if serving:
        check_rasa_version()
        from bot.rasa_patches.nlu_worker import install_nlu_worker

        install_nlu_worker()
    if _installed:
        return
    check_rasa_version()
    from bot.rasa_patches.action_client import install_action_client
    from bot.rasa_patches.event_type_cache import install_event_type_cache
    from bot.rasa_patches.graph_run_cache import install_graph_run_cache
    from bot.rasa_patches.holding_reply import install_holding_reply
    from bot.rasa_patches.no_error_reporting import install_no_error_reporting
    from bot.rasa_patches.response_check import install_cached_response_validation

    install_no_error_reporting()
    install_action_client()
    install_holding_reply()
    install_cached_response_validation()
    install_event_type_cache()
    install_graph_run_cache()
    _installed = True
    logger.info("Rasa patches installed (action client, holding reply, graph plans, event types, "
                "responses)")


def installed() -> bool:
    return _installed
