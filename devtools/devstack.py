"""Starts the real Rasa server and action server on free ports with the trained model.

Used by the integration tests and the benchmarks: the app database and tracker store are
SQLite files in a temporary folder, migrated and seeded like `make run` does.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

from bot.config import PROJECT_ROOT
from bot.db.engine import session_scope
from bot.db.migrate import upgrade
from bot.db.seed import seed
from devtools.rasa_command import rasa_run_argv

MODEL = PROJECT_ROOT / "models" / "council.tar.gz"
VENV_BIN = Path(sys.executable).parent
START_TIMEOUT = 240


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, timeout: float, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} process exited early:\n{log.read_text()[-4000:]}")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} not ready after {timeout}s:\n{log.read_text()[-4000:]}")


@dataclass
class Servers:
    rasa_url: str
    action_url: str
    token: str
    database_url: str
    tracker_db_url: str
    env: dict[str, str]
    tmp: Path
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    logs: dict[str, Path] = field(default_factory=dict)
    action_port: int = 0
    twilio_url: str = ""

    def say(self, sender: str, message: str, metadata: dict | None = None) -> list[dict]:
        body: dict = {"sender": sender, "message": message}
        if metadata:
            body["metadata"] = metadata
        response = requests.post(f"{self.rasa_url}/webhooks/rest/webhook", json=body, timeout=60)
        response.raise_for_status()
        return response.json()

    def say_text(self, sender: str, message: str, metadata: dict | None = None) -> str:
        return " ".join(m.get("text", "") for m in self.say(sender, message, metadata))

    def _launch(self, name: str, command: list[str], ready_url: str) -> None:
        """Start one server with its own log file and wait until `ready_url` answers 200."""
        log = self.tmp / f"{name}.log"
        self.logs[name] = log
        self.processes[name] = subprocess.Popen(
            command, cwd=PROJECT_ROOT, env=self.env, stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
        )
        wait_for(ready_url, START_TIMEOUT, self.processes[name], log)

    def start_action_server(self) -> None:
        self._launch(
            "actions",
            [sys.executable, "-m", "bot.action_server", "--port", str(self.action_port),
             "--actions", "actions"],
            f"{self.action_url}/health",
        )

    def start_fake_twilio(self, port: int) -> None:
        """The far side of Twilio's API, as a real HTTP server on loopback."""
        self.twilio_url = f"http://127.0.0.1:{port}"
        self._launch(
            "twilio",
            [sys.executable, "-m", "devtools.fake_twilio", "--port", str(port)],
            f"{self.twilio_url}/_fake/messages",
        )

    def start_console(self) -> str:
        """The staff console and public page, on the port CONSOLE_URL names; returns its URL."""
        url = self.env["CONSOLE_URL"]
        self._launch("console", [sys.executable, "-m", "bot.console"], f"{url}/healthz")
        return url

    def start_rasa(self, port: int) -> None:
        self._launch(
            "rasa",
            rasa_run_argv(token=self.token, port=port, model=MODEL,
                          endpoints=PROJECT_ROOT / "endpoints.yml", cors=self.env["CONSOLE_URL"],
                          interface="127.0.0.1"),  # like `make run`: never on the LAN
            f"{self.rasa_url}/status?token={self.token}",
        )

    def close(self, remove_files: bool = False) -> None:
        for name in list(self.processes):
            self.stop(name)
        if remove_files:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def stop(self, name: str) -> None:
        process = self.processes.pop(name, None)
        if process and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _server_env(tmp: Path, action_port: int, token: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "RASA_TELEMETRY_ENABLED": "false",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "DATABASE_URL": f"sqlite:///{tmp / 'app.db'}",
            "TRACKER_DB_URL": f"sqlite:///{tmp / 'tracker.db'}",
            "ACTION_SERVER_URL": f"http://127.0.0.1:{action_port}/webhook",
            "RASA_AUTH_TOKEN": token,
            "METRICS_TOKEN": f"metrics-{token}",
            "CASE_SPOOL_DIR": str(tmp / "spool"),
            "TWILIO_AUTH_TOKEN": env.get("TWILIO_AUTH_TOKEN") or "test-twilio-token",
            "VAR_DIR": str(tmp),
            "SANIC_HOST": "127.0.0.1",
        }
    )
    return env


def start_stack(tmp: Path | None = None) -> Servers:
    """Migrate and seed fresh databases, start both servers, wait until the model is loaded."""
    if not MODEL.exists():
        raise RuntimeError(f"{MODEL} is missing: run `make train` first (make test does)")
    tmp = tmp or Path(tempfile.mkdtemp(prefix="stack-"))
    token = secrets.token_hex(16)
    action_port, rasa_port, twilio_port = free_port(), free_port(), free_port()
    env = _server_env(tmp, action_port, token)
    env["TWILIO_API_BASE"] = f"http://127.0.0.1:{twilio_port}"
    env["PUBLIC_BASE_URL"] = f"http://127.0.0.1:{rasa_port}"
    env["RASA_URL"] = f"http://127.0.0.1:{rasa_port}"
    console_port = free_port()
    env["CONSOLE_PORT"] = str(console_port)
    env["CONSOLE_URL"] = f"http://127.0.0.1:{console_port}"
    env["CONSOLE_INSECURE_COOKIES"] = "1"
    env["CONSOLE_SECRET_KEY"] = secrets.token_urlsafe(24)
    upgrade(env["DATABASE_URL"])
    with session_scope(env["DATABASE_URL"]) as session:
        seed(session)
    stack = Servers(
        rasa_url=f"http://127.0.0.1:{rasa_port}",
        action_url=f"http://127.0.0.1:{action_port}",
        token=token,
        database_url=env["DATABASE_URL"],
        tracker_db_url=env["TRACKER_DB_URL"],
        env=env,
        tmp=tmp,
        action_port=action_port,
    )
    try:
        stack.start_fake_twilio(twilio_port)
        stack.start_action_server()
        stack.start_rasa(rasa_port)
    except BaseException:
        stack.close()
        raise
    return stack
