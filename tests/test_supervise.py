"""The restart loop the Procfile runs the action server and the console under (#15.8).

Real child processes, real signals: a child that exits is started again with backoff; a stop
ends the child and the loop; and the real action server, killed, answers again.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from bot.config import PROJECT_ROOT
from bot.ops.supervise import Supervisor
from devtools.devstack import _server_env, free_port


def wait_until(condition, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_backoff_doubles_to_its_cap_and_a_healthy_run_starts_it_again() -> None:
    supervisor = Supervisor(["true"], first_delay=1, max_delay=8, healthy_after=60)
    delays = [1.0]
    for _ in range(5):
        delays.append(supervisor.next_delay(delays[-1], ran_for=0.5))
    assert delays == [1, 2, 4, 8, 8, 8]
    assert supervisor.next_delay(8, ran_for=61) == 1


def test_a_child_that_exits_is_started_again_until_stopped(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    child = [sys.executable, "-c",
             f"open({str(runs)!r}, 'a').write('run\\n'); raise SystemExit(3)"]
    supervisor = Supervisor(child, first_delay=0.05, max_delay=0.2, healthy_after=60)
    thread = threading.Thread(target=supervisor.run)
    thread.start()
    try:
        assert wait_until(lambda: runs.exists() and len(runs.read_text().splitlines()) >= 4)
    finally:
        supervisor.stop()
        thread.join(timeout=30)
    assert not thread.is_alive()
    assert supervisor.starts >= 4


def test_sigterm_stops_the_child_and_the_loop(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    child = (f"import os, time; open({str(pid_file)!r}, 'w').write(str(os.getpid())); "
             "time.sleep(600)")
    wrapper = subprocess.Popen(
        [sys.executable, "-m", "bot.ops.supervise", "--name", "sleeper", "--",
         sys.executable, "-c", child],
        cwd=PROJECT_ROOT, env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)})
    try:
        assert wait_until(lambda: pid_file.exists() and pid_file.read_text().strip())
        child_pid = int(pid_file.read_text())
        wrapper.send_signal(signal.SIGTERM)
        assert wrapper.wait(timeout=30) == 0
        assert wait_until(lambda: not _alive(child_pid), timeout=30)
    finally:
        if wrapper.poll() is None:
            wrapper.kill()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie still answers kill(0) until reaped; its status says it is gone
    status = Path(f"/proc/{pid}/stat")
    return status.exists() and status.read_text().split()[2] != "Z"


@pytest.mark.integration
def test_the_real_action_server_killed_answers_again(tmp_path: Path) -> None:
    """The finding: under `make run` a dead action server took every process down with it.
    Under the supervisor it is back, on the same port, after a SIGKILL."""
    from bot.db.migrate import upgrade

    port = free_port()
    env = _server_env(tmp_path, port, "token")
    upgrade(env["DATABASE_URL"])
    health = f"http://127.0.0.1:{port}/healthz"

    def healthy() -> bool:
        try:
            return requests.get(health, timeout=2).status_code == 200
        except requests.RequestException:
            return False

    supervisor = Supervisor([sys.executable, "-m", "bot.action_server", "--port", str(port),
                             "--actions", "actions"], first_delay=0.5, healthy_after=60,
                            env=env)
    thread = threading.Thread(target=supervisor.run)
    try:
        thread.start()
        assert wait_until(healthy, timeout=180)
        first = supervisor.child
        first.kill()
        assert wait_until(lambda: not healthy(), timeout=30)
        started = time.monotonic()
        assert wait_until(lambda: supervisor.child is not first and healthy(), timeout=180)
        print(f"action server answered again {time.monotonic() - started:.1f} s after SIGKILL")
    finally:
        supervisor.stop()
        thread.join(timeout=60)
    assert supervisor.starts == 2
