"""Every setting the project reads, from environment variables, with its documented default.

One place so the README table, `make run` and the tests agree on names. Defaults are the
embedded single-machine set-up: SQLite files under `var/`, everything on loopback.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", PROJECT_ROOT / "var"))


def _env(name: str, default: str) -> str:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _local_secret(name: str) -> str:
    """A secret `make run` generated into var/ (so a second shell's CLI uses the same one)."""
    path = VAR_DIR / name
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError:
        return ""


def _sqlite_url(filename: str) -> str:
    return f"sqlite:///{VAR_DIR / filename}"


@dataclass(frozen=True)
class Settings:
    """Snapshot of the environment; call `get_settings()` again after changing os.environ."""

    database_url: str
    tracker_db_url: str
    rasa_url: str
    rasa_auth_token: str
    action_server_url: str
    default_council: str
    twilio_account_sid: str
    twilio_auth_token: str
    twilio_from_number: str
    twilio_api_base: str
    public_base_url: str
    console_url: str
    console_secret_key: str
    http_timeout: float


def get_settings() -> Settings:
    """Read the environment now (cheap), so a test or CLI can change it between calls."""
    twilio_token = _env("TWILIO_AUTH_TOKEN", "")
    twilio_base = _env("TWILIO_API_BASE", "")
    if not twilio_token:
        # No real account configured: use the local fake's generated token (`make run`).
        twilio_token = _local_secret("twilio_token")
        if twilio_token and not twilio_base:
            twilio_base = "http://127.0.0.1:8025"
    return Settings(
        database_url=_env("DATABASE_URL", _sqlite_url("app.db")),
        tracker_db_url=_env("TRACKER_DB_URL", _sqlite_url("tracker.db")),
        rasa_url=_env("RASA_URL", "http://localhost:5005"),
        rasa_auth_token=_env("RASA_AUTH_TOKEN", "") or _local_secret("rasa_token"),
        action_server_url=_env("ACTION_SERVER_URL", "http://127.0.0.1:5055/webhook"),
        default_council=_env("DEFAULT_COUNCIL", ""),
        twilio_account_sid=_env("TWILIO_ACCOUNT_SID", "ACfake00000000000000000000000000000"),
        twilio_auth_token=twilio_token,
        twilio_from_number=_env("TWILIO_FROM_NUMBER", "+447700900000"),
        twilio_api_base=twilio_base,
        public_base_url=_env("PUBLIC_BASE_URL", "http://localhost:5005"),
        console_url=_env("CONSOLE_URL", "http://localhost:8000"),
        console_secret_key=_env("CONSOLE_SECRET_KEY", ""),
        http_timeout=float(_env("HTTP_TIMEOUT", "10")),
    )
