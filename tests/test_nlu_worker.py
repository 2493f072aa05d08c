"""Messages parsed in the NLU worker process come back exactly as the server would parse them,
and a worker that cannot start or fails leaves parsing in the server."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage

from bot.rasa_patches import nlu_worker
from bot.rasa_patches.nlu_worker import NluWorkers, model_archive_of

MESSAGES = ("is the tip open in westminster", "my dad has no heating and hes 90",
            "czy mogę zapłacić podatek lokalny online", "what is my case KC-7KQ2-M9XD",
            "i live in lambeth are ur bins running", "call me on 07700 900118 after 6pm",
            "", "ok")
READY_WITHIN = 180.0


def _wait_ready(pool: NluWorkers) -> None:
    deadline = time.monotonic() + READY_WITHIN
    while not pool.ready and pool.failed_at is None and time.monotonic() < deadline:
        time.sleep(0.05)


def _in_server(agent: Agent, text: str) -> dict:
    return asyncio.run(agent.processor.parse_message(UserMessage(text, sender_id="worker-test")))


@pytest.fixture(scope="module")
def worker(trained_agent: Agent):  # noqa: ANN201
    pool = NluWorkers(model_archive_of(trained_agent.processor), 1)
    _wait_ready(pool)
    yield pool
    pool.close()


def test_the_worker_parses_as_the_server_does(trained_agent: Agent, worker: NluWorkers) -> None:
    assert worker.ready, "the NLU worker did not load the model"
    for text in MESSAGES:
        expected = _in_server(trained_agent, text)
        got = worker.submit(text, "worker-test", None, None, {}).result(timeout=60)
        assert got["intent"] == expected["intent"], text
        assert got["entities"] == expected["entities"], text
        assert got["intent_ranking"] == expected["intent_ranking"], text
        assert {k: v for k, v in got.items() if k != "message_id"} == {
            k: v for k, v in expected.items() if k != "message_id"}, text


def test_a_worker_that_cannot_load_is_never_used(tmp_path: Path) -> None:
    pool = NluWorkers(tmp_path / "missing.tar.gz", 1)
    _wait_ready(pool)
    assert not pool.ready and pool.failed_at is not None
    registry = nlu_worker._Registry()
    registry._pools[tmp_path / "missing.tar.gz"] = pool
    assert registry.for_archive(tmp_path / "missing.tar.gz", 1) is None  # paused after failing
    registry.close_all()


def test_the_state_readyz_reports(tmp_path: Path, worker: NluWorkers) -> None:
    registry = nlu_worker._Registry()
    assert registry.state() == "starting"  # no model loaded yet
    registry._pools[tmp_path / "a.tar.gz"] = worker
    assert registry.state() == ("ready" if worker.ready else "failed")
    assert nlu_worker.state() in ("off", "starting", "ready", "failed")


def test_a_killed_worker_falls_back_to_the_server(trained_agent: Agent,
                                                  worker: NluWorkers) -> None:
    """The patched parse answers from the server when the worker dies under it."""
    processor = trained_agent.processor
    archive = model_archive_of(processor)
    registry = nlu_worker._Registry()
    registry._pools[archive] = worker
    calls: list[str] = []

    async def in_server(proc, message, tracker, only):  # noqa: ANN001, ANN202
        calls.append(message.text)
        return await type(proc).parse_message(proc, message, tracker, only)

    def parse(text: str) -> dict:
        return asyncio.run(nlu_worker.parse_with_workers(
            registry, 1, 30.0, in_server, processor, UserMessage(text, sender_id="w"), None,
            True))

    assert parse("is the tip open")["intent"]["name"] == "service_status"
    assert calls == []  # answered by the worker
    for process in list(worker._pool._processes.values()):  # type: ignore[attr-defined]
        process.kill()
    parsed = parse("my dad has no heating and hes 90")
    assert parsed == _in_server(trained_agent, "my dad has no heating and hes 90")
    assert calls == ["my dad has no heating and hes 90"]  # the server parsed it
    assert worker.failed_at is not None and not worker.ready
    assert registry.for_archive(archive, 1) is None  # paused: the server parses meanwhile

