"""Start, find, wait for and stop the topology's own processes, by pid file, never by name.

Why by pid file: other people's Rasa servers and test stacks run on the same machine, and a
`pkill rasa` would take theirs down too. Every process is started in its own session, so its
pid is also its process group and stopping it takes its children along, and nothing else.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import requests

POLL_SECONDS = 0.5


def pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return not _is_zombie(pid)


def _is_zombie(pid: int) -> bool:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return False
    return fields[0] == "Z"


def read_pid(path: Path) -> int | None:
    """The first line of a pid file (PostgreSQL's postmaster.pid has more lines)."""
    try:
        return int(path.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def spawn(argv: Sequence[str], env: dict[str, str], log: Path, pid_file: Path,
          cwd: Path) -> int:
    """Start `argv` detached (own session), output appended to `log`, pid written to `pid_file`."""
    log.parent.mkdir(parents=True, exist_ok=True)
    pid_file.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as output:
        process = subprocess.Popen(
            list(argv), cwd=cwd, env=env, stdout=output, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )
    pid_file.write_text(f"{process.pid}\n")
    return process.pid


def stop_group(pid: int | None, timeout: float = 20.0, sig: int = signal.SIGTERM) -> bool:
    """Signal the process group `pid` leads, wait up to `timeout`, then SIGKILL. True if gone."""
    if not pid_alive(pid):
        return True
    assert pid is not None
    _signal_group(pid, sig)
    if wait_until(lambda: not pid_alive(pid), timeout):
        return True
    _signal_group(pid, signal.SIGKILL)
    return wait_until(lambda: not pid_alive(pid), 10)


def _signal_group(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)
    except ProcessLookupError:
        return
    except PermissionError:
        os.kill(pid, sig)


def wait_until(check: Callable[[], bool], timeout: float, interval: float = POLL_SECONDS) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(interval)
    return check()


def http_ok(url: str, timeout: float = 2.0) -> bool:
    try:
        return requests.get(url, timeout=timeout).status_code == 200
    except requests.RequestException:
        return False


def wait_http(url: str, timeout: float, pid: int | None, log: Path) -> None:
    """Wait until `url` answers 200; fail early with the log's tail if the process died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pid is not None and not pid_alive(pid):
            raise RuntimeError(f"process for {url} exited:\n{tail(log)}")
        if http_ok(url):
            return
        time.sleep(POLL_SECONDS)
    raise RuntimeError(f"{url} not ready after {timeout:.0f} s:\n{tail(log)}")


def tail(path: Path, chars: int = 3000) -> str:
    try:
        return path.read_text(errors="replace")[-chars:]
    except OSError:
        return f"(no log at {path})"


def run(argv: Sequence[str], env: dict[str, str] | None = None, timeout: float = 120,
        cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run a short command to completion; raise with its output when it fails."""
    result = subprocess.run(list(argv), env=env, cwd=cwd, capture_output=True, text=True,
                            timeout=timeout, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({result.returncode}):\n"
                           f"{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return result
