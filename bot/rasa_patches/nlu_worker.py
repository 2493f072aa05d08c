"""Parses residents' messages in a worker process, so the Rasa server's core is left for the rest.

Why: a Rasa server is one Python process and runs the NLU pipeline on its event loop. Under
load (20 residents, no think time, 2 CPUs) it held one core at ~90 % while the machine as a
whole was a third idle, and about a third of its GIL time was the parse (sentence encoder,
26-language detector, classifier, CRF, safety net). Nothing in this pipeline reads the
conversation (config.yml: no component takes the tracker), so the parse can run anywhere
the model is loaded.

What changes: `MessageProcessor.parse_message` sends the text and metadata to a process pool
(NLU_WORKERS processes, default 1 on two or more CPUs) that loaded only the NLU part of the
same model archive; the parse result comes back as the same dict Rasa builds, and Rasa's own
post-processing (retrieval intents, the unseen-feature check) runs on it as before.

Nothing waits on the worker to answer a resident: until it has loaded and answered a warm-up
parse, and whenever it fails, is killed, or takes longer than NLU_WORKER_TIMEOUT, the message
is parsed in the server exactly as Rasa would. A failed pool is replaced (after a pause) in
the background.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import tempfile
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

RESTART_PAUSE_SECONDS = 30.0  # after a failed pool, parse in the server this long first
ORPHAN_CHECK_SECONDS = 1.0  # a worker whose server died exits within about this long
_installed = False

# --- in the worker process --------------------------------------------------------------------

_runner: Any = None
_target: str = ""


def _exit_when_orphaned(parent: int) -> None:
    """A worker outlives a server killed with SIGKILL (its task queue never closes), and a
    supervisor then starts another server and another worker; so each worker watches its
    parent and exits once it is gone."""
    while os.getppid() == parent:
        time.sleep(ORPHAN_CHECK_SECONDS)
    os._exit(0)


def _load_in_worker(model_archive: str) -> None:
    """Pool initializer: load the NLU part of the model once per worker process."""
    global _runner, _target
    from bot.ops.logs import quiet_startup

    quiet_startup()  # as the server's start-up: no flood of library warnings in its log
    threading.Thread(target=_exit_when_orphaned, args=(os.getppid(),), daemon=True,
                     name="nlu-worker-orphan-check").start()
    from rasa.engine.graph import ExecutionContext
    from rasa.engine.runner.dask import DaskGraphRunner
    from rasa.engine.storage.local_model_storage import LocalModelStorage

    from bot.rasa_patches import install

    install()  # the server's patches (not `serving`: a worker starts no workers of its own)
    storage = Path(tempfile.mkdtemp(prefix="nlu-worker-"))
    model_storage, metadata = LocalModelStorage.from_model_archive(
        storage_path=storage, model_archive_path=Path(model_archive))
    schema = metadata.predict_schema.minimal_graph_schema([metadata.nlu_target])
    _runner = DaskGraphRunner.create(
        graph_schema=schema, model_storage=model_storage,
        execution_context=ExecutionContext(graph_schema=schema, model_id=metadata.model_id))
    _target = metadata.nlu_target


def parse_in_worker(text: str, sender_id: str, input_channel: str | None,
                    message_id: str | None, metadata: Any,
                    only_output_properties: bool = True) -> dict[str, Any]:
    """Rasa's `MessageProcessor._parse_message_with_graph`, for a message rebuilt from fields
    that cross a process boundary (no output channel)."""
    from rasa.core.channels.channel import UserMessage
    from rasa.engine.constants import PLACEHOLDER_MESSAGE, PLACEHOLDER_TRACKER
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.shared.nlu.constants import (
        ENTITIES,
        INTENT,
        INTENT_NAME_KEY,
        PREDICTED_CONFIDENCE_KEY,
        TEXT,
    )

    message = UserMessage(text, None, sender_id, None, input_channel, message_id, metadata)
    tracker = DialogueStateTracker.from_events(sender_id, [])
    results = _runner.run(inputs={PLACEHOLDER_MESSAGE: [message], PLACEHOLDER_TRACKER: tracker},
                          targets=[_target])
    parse_data: dict[str, Any] = {
        TEXT: "", INTENT: {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0}, ENTITIES: []}
    parse_data.update(results[_target][0].as_dict(only_output_properties=only_output_properties))
    return parse_data


# --- in the Rasa server -----------------------------------------------------------------------


class NluWorkers:
    """A process pool that parses with one model archive; `ready` once it has answered."""

    def __init__(self, model_archive: Path, workers: int) -> None:
        self.model_archive = model_archive
        self._pool = ProcessPoolExecutor(
            max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
            initializer=_load_in_worker, initargs=(str(model_archive),))
        self.ready = False
        self.failed_at: float | None = None
        started = time.monotonic()
        warm = self._pool.submit(parse_in_worker, "is the tip open", "nlu-worker-warm-up",
                                 None, None, {})
        warm.add_done_callback(lambda done: self._warmed(done, started))

    def _warmed(self, done: Future, started: float) -> None:
        if done.exception() is not None:
            logger.warning("NLU worker did not start (%r); parsing in the server",
                           done.exception())
            self.fail()
            return
        self.ready = True
        logger.info("NLU worker ready after %.1f s (%s)", time.monotonic() - started,
                    self.model_archive.name)

    def submit(self, *args: Any) -> Future:
        return self._pool.submit(parse_in_worker, *args)

    def fail(self) -> None:
        """Stop using this pool: its processes are ended and it is replaced later."""
        self.ready = False
        if self.failed_at is None:
            self.failed_at = time.monotonic()
        processes = list((getattr(self._pool, "_processes", None) or {}).values())
        self._pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            if process.is_alive():
                process.terminate()

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


class _Registry:
    """One pool per model archive in this process, replaced after a failure."""

    def __init__(self) -> None:
        self._pools: dict[Path, NluWorkers] = {}
        self._lock = threading.Lock()

    def for_archive(self, archive: Path, workers: int) -> NluWorkers | None:
        with self._lock:
            pool = self._pools.get(archive)
            if pool is not None and pool.failed_at is not None:
                if time.monotonic() - pool.failed_at < RESTART_PAUSE_SECONDS:
                    return None
                pool = None
            if pool is None:
                pool = self._pools[archive] = NluWorkers(archive, workers)
            return pool if pool.ready else None

    def state(self) -> str:
        """"ready" (a worker parses), "starting" (none has answered yet) or "failed" (the
        server parses until a new worker is ready)."""
        with self._lock:
            pools = list(self._pools.values())
        if any(pool.ready for pool in pools):
            return "ready"
        if any(pool.failed_at is not None for pool in pools):
            return "failed"
        return "starting"

    def close_all(self) -> None:
        with self._lock:
            pools, self._pools = list(self._pools.values()), {}
        for pool in pools:
            pool.close()


registry = _Registry()


def state() -> str:
    """For /readyz: "off" (NLU_WORKERS=0, or not a serving Rasa process), else the pool's."""
    return registry.state() if _installed else "off"


def model_archive_of(processor: Any) -> Path:
    """The archive a MessageProcessor loaded (its model_path may be a directory)."""
    path = Path(processor.model_path)
    return path if path.is_file() else path / processor.model_filename


async def parse_with_workers(workers: _Registry, count: int, timeout: float, original: Any,
                             processor: Any, message: Any, tracker: Any,
                             only_output_properties: bool) -> dict[str, Any]:
    """`MessageProcessor.parse_message`, with the graph run in a worker when one is ready;
    `original` (Rasa's own) whenever none is, or the worker fails or is too slow."""
    pool = None
    if not processor.http_interpreter:
        pool = workers.for_archive(model_archive_of(processor), count)
    if pool is None:
        return await original(processor, message, tracker, only_output_properties)
    try:
        parse_data = await asyncio.wait_for(asyncio.wrap_future(pool.submit(
            message.text, message.sender_id, message.input_channel, message.message_id,
            message.metadata, only_output_properties)), timeout)
    except Exception as error:  # noqa: BLE001 - the resident is answered in any case
        logger.warning("NLU worker failed (%r); parsing in the server", error)
        pool.fail()
        return await original(processor, message, tracker, only_output_properties)
    processor._update_full_retrieval_intent(parse_data)
    processor._check_for_unseen_features(parse_data)
    return parse_data


def install_nlu_worker() -> None:
    """Idempotent; wraps `MessageProcessor.parse_message` when NLU_WORKERS > 0."""
    global _installed
    if _installed:
        return
    from rasa.core.processor import MessageProcessor

    from bot.config import get_settings

    settings = get_settings()
    if settings.nlu_workers < 1:
        return
    original = MessageProcessor.parse_message
    original_init = MessageProcessor.__init__

    def __init__(self: MessageProcessor, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        if not self.http_interpreter:  # start the worker loading now, not on a first message
            registry.for_archive(model_archive_of(self), settings.nlu_workers)

    async def parse_message(self: MessageProcessor, message: Any, tracker: Any = None,
                            only_output_properties: bool = True) -> dict[str, Any]:
        return await parse_with_workers(registry, settings.nlu_workers,
                                        settings.nlu_worker_timeout, original, self, message,
                                        tracker, only_output_properties)

    MessageProcessor.__init__ = __init__
    MessageProcessor.parse_message = parse_message
    _installed = True
