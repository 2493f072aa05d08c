"""The console's view of the settings: what the web app needs, from `bot.config`.

Every value, console-only ones (host, port, cookies, paths) included, is read from the
environment by `bot.config.get_settings()`; this module shapes it for the app and generates the
session key when none is configured.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from bot.config import VAR_DIR, get_settings


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
    idle_minutes: int = 30
    totp_roles: tuple[str, ...] = ("supervisor",)


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
        chat_socket_url=shared.chat_socket_url.rstrip("/"),
        http_timeout=min(shared.http_timeout, 10.0),
        host=shared.console_host,
        port=shared.console_port,
        insecure_cookies=shared.console_insecure_cookies,
        # Behind one TLS-terminating reverse proxy: trust its X-Forwarded-For/-Proto, so the
        # login throttle sees client addresses and HSTS/secure-cookie checks see https.
        trust_proxy=shared.console_trust_proxy,
        secret_key=load_secret_key(shared.console_secret_key),
        node_modules=shared.node_modules_dir,
        idle_minutes=shared.console_idle_minutes,
        totp_roles=shared.console_totp_roles,
    )
