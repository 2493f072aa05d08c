"""`make run`: fill in the embedded defaults, generate local secrets, start every process.

Secrets that are not configured (Rasa API token, console key, metrics token; with the local
fake Twilio, its token and the SMS conversation-id key) are generated once into var/ and
reused, so a newcomer needs no set-up. Environment variables always win. The processes run
under honcho (Procfile); Ctrl-C stops them all.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

from bot.config import PROJECT_ROOT, VAR_DIR

FAKE_TWILIO_PORT = 8025


def local_secret(name: str) -> str:
    """Read var/<name>, creating it with a fresh random value the first time."""
    path = VAR_DIR / name
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(24), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def run_environment(environ: dict[str, str] | None = None) -> tuple[dict[str, str], list[str]]:
    """The environment and the Procfile processes for a local run."""
    env = dict(os.environ if environ is None else environ)
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")
    env.setdefault("DATABASE_URL", f"sqlite:///{VAR_DIR / 'app.db'}")
    env.setdefault("TRACKER_DB_URL", f"sqlite:///{VAR_DIR / 'tracker.db'}")
    env.setdefault("ACTION_SERVER_URL", "http://127.0.0.1:5055/webhook")
    # rasa-sdk's action server has no authentication and listens on 0.0.0.0 by default.
    env.setdefault("SANIC_HOST", "127.0.0.1")
    env.setdefault("CONSOLE_URL", "http://localhost:8000")
    env.setdefault("RASA_URL", "http://localhost:5005")
    env.setdefault("PUBLIC_BASE_URL", "http://localhost:5005")
    if not env.get("RASA_AUTH_TOKEN"):
        env["RASA_AUTH_TOKEN"] = local_secret("rasa_token")
    if not env.get("CONSOLE_SECRET_KEY"):
        env["CONSOLE_SECRET_KEY"] = local_secret("console_secret")
    if not env.get("METRICS_TOKEN"):
        env["METRICS_TOKEN"] = local_secret("metrics_token")
    env.setdefault("CONSOLE_INSECURE_COOKIES", "1")  # plain http on localhost only
    processes = ["rasa", "actions", "console", "ready"]
    if not env.get("TWILIO_AUTH_TOKEN") or env.get("TWILIO_API_BASE"):
        # No real Twilio account: talk to the local fake with a locally generated token.
        env.setdefault("TWILIO_AUTH_TOKEN", local_secret("twilio_token"))
        env.setdefault("TWILIO_API_BASE", f"http://127.0.0.1:{FAKE_TWILIO_PORT}")
        processes.append("twilio")
        # Local development only: with real Twilio credentials CONVERSATION_ID_KEY must be
        # configured (bot.config refuses to start the SMS channel without it).
        if not env.get("CONVERSATION_ID_KEY"):
            env["CONVERSATION_ID_KEY"] = local_secret("conversation_id_key")
    return env, processes


def main() -> None:
    env, processes = run_environment()
    token_file = VAR_DIR / "rasa_token"
    print("Starting the triage assistant (Ctrl-C stops everything)...")
    print(f"  processes: {', '.join(processes)}")
    if token_file.exists() and env["RASA_AUTH_TOKEN"] == token_file.read_text().strip():
        print(f"  Rasa HTTP API token generated into {token_file}")
    os.chdir(PROJECT_ROOT)
    honcho = str(Path(sys.executable).with_name("honcho"))
    os.execve(honcho, [honcho, "start", "-f", "Procfile", *processes], env)


if __name__ == "__main__":
    main()
