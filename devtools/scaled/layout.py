"""Where everything of the scaled topology lives, which ports it uses, and each process's env.

One place so `up`, `down`, `status`, the tests and the benchmark agree. The state directory is
var/scaled/ (git-ignored with var/); ports are loopback-only and can be moved with environment
variables when something else already listens there. Secrets (database and Redis passwords,
Rasa token, local Twilio token) are generated once into var/scaled/secrets.json (mode 0600).
"""

from __future__ import annotations

import json
import os
import secrets
import sys
from dataclasses import dataclass, field
from pathlib import Path

from bot.config import PROJECT_ROOT

HOST = "127.0.0.1"
VENV_BIN = Path(sys.executable).parent
INSTANCES = 2
PG_DATABASES = ("council_app", "council_tracker")
PG_ROLE = "council"
REDIS_LOCK_DB = 1


def _port(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


@dataclass(frozen=True)
class Ports:
    nginx: int = field(default_factory=lambda: _port("SCALED_NGINX_PORT", 5080))
    # nginx's internal server: the Rasa HTTP API for the console and tools, never published
    nginx_api: int = field(default_factory=lambda: _port("SCALED_NGINX_API_PORT", 5081))
    postgres: int = field(default_factory=lambda: _port("SCALED_PG_PORT", 5433))
    redis: int = field(default_factory=lambda: _port("SCALED_REDIS_PORT", 6380))
    twilio: int = field(default_factory=lambda: _port("SCALED_TWILIO_PORT", 8026))
    rasa_base: int = field(default_factory=lambda: _port("SCALED_RASA_PORT", 5011))
    actions_base: int = field(default_factory=lambda: _port("SCALED_ACTIONS_PORT", 5061))

    def rasa(self, index: int) -> int:
        return self.rasa_base + index

    def actions(self, index: int) -> int:
        return self.actions_base + index


@dataclass(frozen=True)
class Paths:
    root: Path

    @property
    def run(self) -> Path:
        return self.root / "run"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def postgres(self) -> Path:
        return self.root / "postgres"

    @property
    def pg_data(self) -> Path:
        return self.postgres / "data"

    @property
    def pg_socket(self) -> Path:
        return self.postgres / "run"

    @property
    def redis(self) -> Path:
        return self.root / "redis"

    @property
    def nginx(self) -> Path:
        return self.root / "nginx"

    @property
    def endpoints(self) -> Path:
        return self.root / "endpoints.yml"

    @property
    def spool(self) -> Path:
        return self.root / "pending_cases"

    @property
    def secrets(self) -> Path:
        return self.root / "secrets.json"

    def pid_file(self, name: str) -> Path:
        return self.run / f"{name}.pid"

    def log(self, name: str) -> Path:
        return self.logs / f"{name}.log"


def default_paths() -> Paths:
    return Paths(Path(os.environ.get("SCALED_DIR") or PROJECT_ROOT / "var" / "scaled"))


SECRET_NAMES = ("pg_superuser", "pg_password", "redis_password", "rasa_token", "twilio_token",
                "conversation_id_key")


def load_secrets(paths: Paths) -> dict[str, str]:
    """Read var/scaled/secrets.json, adding any secret not generated yet (URL-safe values)."""
    paths.root.mkdir(parents=True, exist_ok=True)
    try:
        stored = json.loads(paths.secrets.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        stored = {}
    missing = [name for name in SECRET_NAMES if not stored.get(name)]
    if missing:
        stored.update({name: secrets.token_hex(24) for name in missing})
        temp = paths.secrets.with_suffix(".tmp")
        temp.write_text(json.dumps(stored, indent=2), encoding="utf-8")
        temp.chmod(0o600)
        temp.replace(paths.secrets)
    return stored


@dataclass(frozen=True)
class Layout:
    """Ports, paths and secrets of one topology, and the URLs and env derived from them."""

    paths: Paths
    ports: Ports
    secrets: dict[str, str]
    model: Path

    @property
    def nginx_url(self) -> str:
        return f"http://{HOST}:{self.ports.nginx}"

    @property
    def api_url(self) -> str:
        """nginx's internal server: the Rasa HTTP API (`/conversations`, `/status` ...), which
        the public server (nginx_url) does not proxy."""
        return f"http://127.0.0.1:{self.ports.nginx_api}"

    @property
    def twilio_url(self) -> str:
        return f"http://{HOST}:{self.ports.twilio}"

    def rasa_url(self, index: int) -> str:
        return f"http://{HOST}:{self.ports.rasa(index)}"

    def action_url(self, index: int) -> str:
        return f"http://{HOST}:{self.ports.actions(index)}"

    def pg_url(self, database: str, user: str = PG_ROLE, password: str | None = None) -> str:
        password = self.secrets["pg_password"] if password is None else password
        return f"postgresql://{user}:{password}@{HOST}:{self.ports.postgres}/{database}"

    @property
    def database_url(self) -> str:
        return self.pg_url("council_app")

    @property
    def tracker_db_url(self) -> str:
        return self.pg_url("council_tracker")

    def shared_env(self) -> dict[str, str]:
        """What every process of the topology gets: the only thing that differs from `make run`."""
        env = dict(os.environ)
        env.update({
            "RASA_TELEMETRY_ENABLED": "false",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
            "DATABASE_URL": self.database_url,
            "TRACKER_DB_URL": self.tracker_db_url,
            # two Rasa servers already share the cores; a parse worker each would only add
            # a process and a hop (NLU_WORKERS in the README)
            "NLU_WORKERS": env.get("NLU_WORKERS", "0"),
            "REDIS_HOST": HOST,
            "REDIS_PORT": str(self.ports.redis),
            "REDIS_PASSWORD": self.secrets["redis_password"],
            "REDIS_LOCK_DB": str(REDIS_LOCK_DB),
            "RASA_AUTH_TOKEN": self.secrets["rasa_token"],
            "RASA_URL": self.api_url,  # the console's way to the Rasa HTTP API
            "PUBLIC_BASE_URL": self.nginx_url,
            "CHAT_SOCKET_URL": self.nginx_url,  # a browser's socket.io goes the public way
            "CONSOLE_URL": env.get("CONSOLE_URL") or "http://localhost:8000",
            "TWILIO_AUTH_TOKEN": self.secrets["twilio_token"],
            "TWILIO_API_BASE": self.twilio_url,
            "CONVERSATION_ID_KEY": self.secrets["conversation_id_key"],
            "CASE_SPOOL_DIR": str(self.paths.spool),
            "VAR_DIR": str(self.paths.root),
            "SANIC_HOST": HOST,  # rasa-sdk's action server binds here (default 0.0.0.0)
        })
        return env

    def instance_env(self, index: int) -> dict[str, str]:
        env = self.shared_env()
        env["ACTION_SERVER_URL"] = f"{self.action_url(index)}/webhook"
        return env


def default_layout() -> Layout:
    paths = default_paths()
    model = Path(os.environ.get("SCALED_MODEL") or PROJECT_ROOT / "models" / "council.tar.gz")
    return Layout(paths=paths, ports=Ports(), secrets=load_secrets(paths), model=model)
