"""Builds each of the model graph's run plans once, not on every message.

Why: for every NLU parse and every next-action prediction, Rasa 3.6's DaskGraphRunner.run
recomputes which graph nodes the targets need (a recursion without memory that revisits shared
nodes, so it grows with every featurizer and policy in config.yml), rebuilds the dask graph from
them, and formats its inputs, a whole conversation tracker, into a debug message even when
debug logging is off. Profiled under load that was about 4 % of the server's time. The graph
schema and its instantiated nodes never change after the model is loaded, so the plan for a
set of targets is kept per runner and copied for each run; the inputs and the result are as
before. Each plan is built with bot.rasa_patches.rules_first, so TED waits for the rules' verdict.
"""

from __future__ import annotations

import logging
from typing import Any

logger = logging.getLogger(__name__)

_installed = False
rasa_run: Any = None  # Rasa's own DaskGraphRunner.run, kept for comparison


def install_graph_run_cache() -> None:
    """Idempotent; replaces DaskGraphRunner.run in this process."""
    global _installed, rasa_run
    if _installed:
        return
    import dask
    from rasa.engine.exceptions import GraphRunError
    from rasa.engine.runner.dask import DaskGraphRunner

    from bot.rasa_patches.rules_first import rules_first

    def run(self: DaskGraphRunner, inputs: dict[str, Any] | None = None,
            targets: list[str] | None = None) -> dict[str, Any]:
        run_targets = targets if targets else self._graph_schema.target_names
        plans: dict[tuple[str, ...], dict[str, Any]] = self.__dict__.setdefault(
            "_run_plans", {})
        key = tuple(run_targets)
        plan = plans.get(key)
        if plan is None:
            plan = plans[key] = rules_first(self._build_dask_graph(
                self._graph_schema.minimal_graph_schema(run_targets)))
        run_graph = dict(plan)
        if inputs:
            self._add_inputs_to_graph(inputs, run_graph)
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("Running graph with targets %s and %s", targets,
                         self._execution_context)
        try:
            return dict(dask.get(run_graph, run_targets))
        except RuntimeError as error:
            raise GraphRunError("Error running runner.") from error

    rasa_run = DaskGraphRunner.run
    DaskGraphRunner.run = run
    _installed = True
