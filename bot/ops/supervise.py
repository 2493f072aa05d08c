"""Keep one server process running: restart it with backoff when it exits (issue #15, item 8).

Why: under `make run` (honcho) a process that exits makes honcho stop every other process, so
when the action server crashed the Rasa server went down with it and the holding reply (which
answers while the action server is away, bot/rasa_patches/holding_reply.py) never got its
chance (and a Rasa server that exited took the console and action server with it). The
Procfile runs the Rasa server, the action server and the console through this wrapper
instead: when the child exits for any reason it is started again after 1 s, then 2 s, 4 s ...
up to `--max-delay` seconds; a child that ran for `--healthy-after` seconds starts the backoff again
at 1 s. SIGTERM or SIGINT (honcho's Ctrl-C, systemd's stop) is passed to the child, which gets
20 s to finish before it is killed; then the wrapper exits and restarts nothing.

In production the same Procfile lines run under systemd (`Restart=always`, README); this loop
is the tested local equivalent and harmless under systemd, which then sees a process that
never exits on its own. Standard library only, no network, nothing read from the environment.
"""

from __future__ import annotations

import argparse
import logging
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence

logger = logging.getLogger("bot.ops.supervise")
STOP_GRACE_SECONDS = 20.0


class Supervisor:
    """Runs `command` until stopped, restarting it with capped exponential backoff."""

    def __init__(self, command: Sequence[str], name: str = "", max_delay: float = 30.0,
                 healthy_after: float = 60.0, first_delay: float = 1.0,
                 env: dict[str, str] | None = None) -> None:
        if not command:
            raise ValueError("no command to supervise")
        self.command = list(command)
        self.env = env  # None: the child inherits this process's environment
        self.name = name or self.command[0]
        self.max_delay = max(first_delay, max_delay)
        self.healthy_after = healthy_after
        self.first_delay = first_delay
        self.stopping = threading.Event()
        self.child: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def next_delay(self, delay: float, ran_for: float) -> float:
        """The wait before the next start: back to the first after a healthy run, else double."""
        if ran_for >= self.healthy_after:
            return self.first_delay
        return min(self.max_delay, delay * 2)

    def stop(self, *_signal: object) -> None:
        """Stop for good: pass the stop to the child, restart nothing."""
        self.stopping.set()
        child = self.child
        if child is not None and child.poll() is None:
            child.terminate()

    def run(self) -> int:
        delay = self.first_delay
        code = 0
        while not self.stopping.is_set():
            started = time.monotonic()
            self.child = subprocess.Popen(self.command, env=self.env)  # noqa: S603 - our own Procfile command
            self.starts += 1
            if self.stopping.is_set():  # a stop that came while it was starting
                self.child.terminate()
            code = self.child.wait()
            ran_for = time.monotonic() - started
            if self.stopping.is_set():
                break
            delay = self.next_delay(delay, ran_for) if self.starts > 1 else delay
            logger.error("%s exited with code %s after %.1f s; starting it again in %.0f s",
                         self.name, code, ran_for, delay)
            if self.stopping.wait(delay):
                break
        self._finish_child()
        return 0 if self.stopping.is_set() else code

    def _finish_child(self) -> None:
        child = self.child
        if child is None or child.poll() is not None:
            return
        try:
            child.wait(timeout=STOP_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def parse_arguments(argv: Sequence[str] | None = None) -> tuple[argparse.Namespace, list[str]]:
    """The wrapper's options and the child's command: everything after `--`, untouched (a
    Rasa token such as "--help" or "-x..." belongs to the child, not to this parser)."""
    parser = argparse.ArgumentParser(prog="python -m bot.ops.supervise",
                                     description="Restart a server process when it exits.")
    parser.add_argument("--name", default="")
    parser.add_argument("--max-delay", type=float, default=30.0)
    parser.add_argument("--healthy-after", type=float, default=60.0)
    parser.add_argument("command", nargs=argparse.REMAINDER,
                        help="the command, after --")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the command to run after --")
    return args, command


def main(argv: Sequence[str] | None = None) -> int:
    args, command = parse_arguments(argv)
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")
    supervisor = Supervisor(command, args.name, args.max_delay, args.healthy_after)
    signal.signal(signal.SIGTERM, supervisor.stop)
    signal.signal(signal.SIGINT, supervisor.stop)
    return supervisor.run()


if __name__ == "__main__":
    sys.exit(main())
