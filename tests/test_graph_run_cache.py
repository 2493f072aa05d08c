"""The remembered graph run plans give the trained model's answers unchanged."""

from __future__ import annotations

import asyncio

from rasa.core.agent import Agent
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_patches import graph_run_cache
from bot.rasa_patches.graph_run_cache import install_graph_run_cache

MESSAGES = ("is the tip open in westminster", "my dad has no heating and hes 90",
            "can i talk to a real person", "what is my case KC-7KQ2-M9XD")


def _answers(agent: Agent) -> list[tuple]:
    async def run() -> list[tuple]:
        answers = []
        for text in MESSAGES:
            parsed = await agent.parse_message(text)
            tracker = DialogueStateTracker.from_events("graph-cache", [
                ActionExecuted("action_session_start"), SessionStarted(),
                ActionExecuted("action_listen"),
                UserUttered(text, parsed["intent"], parsed["entities"], parsed)],
                slots=agent.domain.slots)
            prediction = agent.processor._predict_next_with_tracker(tracker)
            answers.append((parsed["intent"]["name"], round(parsed["intent"]["confidence"], 5),
                            prediction.max_confidence_index,
                            round(prediction.max_confidence, 5)))
        return answers

    return asyncio.run(run())


def test_cached_plans_answer_as_rasas_own_runner(trained_agent: Agent) -> None:
    agent = trained_agent
    install_graph_run_cache()
    cached = DaskGraphRunner.run
    assert graph_run_cache.rasa_run is not None and cached is not graph_run_cache.rasa_run
    DaskGraphRunner.run = graph_run_cache.rasa_run
    try:
        expected = _answers(agent)
    finally:
        DaskGraphRunner.run = cached
    assert _answers(agent) == expected
    assert _answers(agent) == expected  # second time: from the remembered plans
    assert agent.processor.graph_runner.__dict__["_run_plans"]
