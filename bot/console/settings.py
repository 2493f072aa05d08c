"""Console-only settings (host, port, cookies, paths), layered on the shared `bot.config`.

Kept here rather than in `bot.config` because only the web app reads them; the shared values
(database, Rasa URL and token, timeouts) still come from `bot.config.get_settings()`.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from bot.config import PROJECT_ROOT, VAR_DIR, get_settings


def _env(name: str, default: str) -> str:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


@dataclass(frozen=True)
class ConsoleSettings:
    database_url: str
    rasa_url: str
    rasa_auth_token: str
    chat_socket_url: str
    http_timeout: float
    host: str
    port: int
    insecure_cookies: bool
    trust_proxy: bool
    secret_key: str
    node_modules: Path


def load_secret_key(explicit: str, path: Path | None = None) -> str:
    """CONSOLE_SECRET_KEY if set, else a key generated once into var/console_secret (0600).

    Persisting it means sessions survive a restart without anyone having to invent a secret.
    """
    if explicit:
        return explicit
    path = path or VAR_DIR / "console_secret"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process won the race: use its key
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key)
    return key


def get_console_settings() -> ConsoleSettings:
    shared = get_settings()
    return ConsoleSettings(
        database_url=shared.database_url,
        rasa_url=shared.rasa_url.rstrip("/"),
        rasa_auth_token=shared.rasa_auth_token,
        # The URL the resident's *browser* uses for socket.io; differs from RASA_URL when
        # Rasa sits behind a proxy. Defaults to RASA_URL for the single-machine set-up.
        chat_socket_url=_env("CHAT_SOCKET_URL", shared.rasa_url).rstrip("/"),
        http_timeout=min(shared.http_timeout, 10.0),
        host=_env("CONSOLE_HOST", "127.0.0.1"),
        port=int(_env("CONSOLE_PORT", "8000")),
        insecure_cookies=_env("CONSOLE_INSECURE_COOKIES", "0") == "1",
        # Behind one TLS-terminating reverse proxy: trust its X-Forwarded-For/-Proto, so the
        # login throttle sees client addresses and HSTS/secure-cookie checks see https.
        trust_proxy=_env("CONSOLE_TRUST_PROXY", "0") == "1",
        secret_key=load_secret_key(shared.console_secret_key),
        node_modules=Path(_env("NODE_MODULES_DIR", str(PROJECT_ROOT / "node_modules"))),
    )
