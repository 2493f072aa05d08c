"""Every setting the project reads, from environment variables, with its documented default.

One place so the README table, `make run` and the tests agree on names: no other module under
bot/ or actions/ reads os.environ (tests/test_config.py checks). Defaults are the embedded
single-machine set-up: SQLite files under `var/`, everything on loopback. Each `Settings`
field names its variable in its metadata (`env`); the README's configuration table lists them.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _env(name: str, default: str) -> str:
    """The variable's value; unset or empty means the default."""
    value = os.environ.get(name)
    return value if value not in (None, "") else default


# Read once, at import: the SQLite defaults and the generated secrets live here, and every
# process of one run must agree on it. Tests patch this name.
VAR_DIR = Path(_env("VAR_DIR", str(PROJECT_ROOT / "var")))

CONVERSATION_ID_KEY_FILE = "conversation_id_key"
METRICS_TOKEN_FILE = "metrics_token"
MISSING_CONVERSATION_ID_KEY = (
    "CONVERSATION_ID_KEY is not set, but real Twilio credentials are (TWILIO_AUTH_TOKEN with "
    "no TWILIO_API_BASE): the SMS channel will not start without it. Set CONVERSATION_ID_KEY "
    "to a long random secret, e.g. `python -c 'import secrets; print(secrets.token_hex(32))'`, "
    "the same on every Rasa process and kept across restarts and Twilio token rotations: "
    "it keys each SMS resident's pseudonymous conversation id."
)


class ConfigurationError(RuntimeError):
    """A setting this deployment needs is missing or unusable."""


def _local_secret(name: str) -> str:
    """A secret `make run` generated into var/ (so a second shell's CLI uses the same one)."""
    path = VAR_DIR / name
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError:
        return ""


def generated_secret(name: str) -> str:
    """var/<name>, created (0600) with a fresh random value the first time; race-safe.

    The value is written to a private temporary file and linked into place, so a concurrent
    process sees either no file or the whole secret, and the first one to link wins.
    """
    existing = _local_secret(name)
    if existing:
        return existing
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / name
    temp = VAR_DIR / f".{name}.{os.getpid()}.{secrets.token_hex(4)}"
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(temp, path)
        except FileExistsError:
            pass  # another process generated it first: use theirs
    finally:
        temp.unlink(missing_ok=True)
    value = _local_secret(name)
    if not value:
        raise ConfigurationError(f"{path} is empty: delete it to have a new one generated")
    return value


def _sqlite_url(filename: str) -> str:
    return f"sqlite:///{VAR_DIR / filename}"


def _var(name: str) -> Any:
    """A Settings field read from environment variable `name`."""
    return field(metadata={"env": name})


@dataclass(frozen=True)
class Settings:
    """Snapshot of the environment; call `get_settings()` again after changing os.environ.

    Defaults are documented beside each field and in the README's configuration table.
    """

    # -- shared ---------------------------------------------------------------------------
    var_dir: Path = _var("VAR_DIR")  # var/ of the checkout; read once at import
    database_url: str = _var("DATABASE_URL")  # sqlite:///var/app.db
    tracker_db_url: str = _var("TRACKER_DB_URL")  # sqlite:///var/tracker.db
    rasa_url: str = _var("RASA_URL")  # http://localhost:5005
    rasa_auth_token: str = _var("RASA_AUTH_TOKEN")  # else var/rasa_token, else empty
    action_server_url: str = _var("ACTION_SERVER_URL")  # http://127.0.0.1:5055/webhook
    default_council: str = _var("DEFAULT_COUNCIL")  # empty
    http_timeout: float = _var("HTTP_TIMEOUT")  # 10 (seconds)
    case_spool_dir: Path = _var("CASE_SPOOL_DIR")  # var/pending_cases
    # -- SMS (Twilio) -----------------------------------------------------------------------
    twilio_account_sid: str = _var("TWILIO_ACCOUNT_SID")  # a fake test SID
    twilio_auth_token: str = _var("TWILIO_AUTH_TOKEN")  # else var/twilio_token (local fake)
    twilio_from_number: str = _var("TWILIO_FROM_NUMBER")  # +447700900000
    twilio_api_base: str = _var("TWILIO_API_BASE")  # empty = real Twilio
    public_base_url: str = _var("PUBLIC_BASE_URL")  # http://localhost:5005
    conversation_id_key: str = _var("CONVERSATION_ID_KEY")  # empty; see conversation_id_key()
    sms_worker_stale_seconds: float = _var("SMS_WORKER_STALE_SECONDS")  # 45
    sms_outbox_poll_seconds: float = _var("SMS_OUTBOX_POLL_SECONDS")  # 2
    sms_outbox_give_up_hours: float = _var("SMS_OUTBOX_GIVE_UP_HOURS")  # 24
    sms_notify_per_second: float = _var("SMS_NOTIFY_PER_SECOND")  # 1 (restoration/broadcast)
    # -- Rasa server and action server ------------------------------------------------------
    turn_concurrency: int = _var("TURN_CONCURRENCY")  # 6 (at least 1)
    nlu_workers: int = _var("NLU_WORKERS")  # 1 on 2+ CPUs, else 0 (parse in the server)
    nlu_worker_timeout: float = _var("NLU_WORKER_TIMEOUT")  # 10 (seconds)
    chat_allowed_origins: tuple[str, ...] = _var("CHAT_ALLOWED_ORIGINS")  # none (comma list)
    tracker_db_wait_seconds: float = _var("TRACKER_DB_WAIT_SECONDS")  # 20
    tracker_db_threads: int = _var("TRACKER_DB_THREADS")  # 4 (at least 1)
    action_db_threads: int = _var("ACTION_DB_THREADS")  # 8 (at least 1)
    # -- what a resident channel accepts (bot/channels/limits.py) ---------------------------
    max_message_chars: int = _var("MAX_MESSAGE_CHARS")  # 2000 (at least 1); SMS: also 1600
    max_request_bytes: int = _var("MAX_REQUEST_BYTES")  # 16384 (REST webhook body)
    max_metadata_bytes: int = _var("MAX_METADATA_BYTES")  # 4096 (REST and web-chat metadata)
    chat_max_packet_bytes: int = _var("CHAT_MAX_PACKET_BYTES")  # 131072 (engine.io buffer)
    # -- per-client rate limits and conversation identity (bot/channels/rate_limit.py) -----
    rate_limit_ip_per_minute: float = _var("RATE_LIMIT_IP_PER_MINUTE")  # 3000 (0 = off)
    rate_limit_ip_burst: int = _var("RATE_LIMIT_IP_BURST")  # 1000
    rate_limit_sender_per_minute: float = _var("RATE_LIMIT_SENDER_PER_MINUTE")  # 30 (0 = off)
    rate_limit_sender_burst: int = _var("RATE_LIMIT_SENDER_BURST")  # 20
    channel_trust_proxy: bool = _var("CHANNEL_TRUST_PROXY")  # False ("1": X-Forwarded-For)
    rest_channel_enabled: bool = _var("REST_CHANNEL_ENABLED")  # True ("0" = off: 404)
    rest_channel_token: str = _var("REST_CHANNEL_TOKEN")  # empty = open (make run)
    case_check_client_failures: int = _var("CASE_CHECK_CLIENT_FAILURES")  # 20 an hour (>= 1)
    # -- staff console ----------------------------------------------------------------------
    console_url: str = _var("CONSOLE_URL")  # http://localhost:8000
    console_secret_key: str = _var("CONSOLE_SECRET_KEY")  # empty: console generates one
    console_host: str = _var("CONSOLE_HOST")  # 127.0.0.1
    console_port: int = _var("CONSOLE_PORT")  # 8000
    console_insecure_cookies: bool = _var("CONSOLE_INSECURE_COOKIES")  # False ("1" = True)
    console_trust_proxy: bool = _var("CONSOLE_TRUST_PROXY")  # False ("1" = True)
    # Console sessions (#15.6): idle sign-out, and the roles that must use a second factor.
    console_idle_minutes: int = _var("CONSOLE_IDLE_MINUTES")  # 30 (at least 1)
    console_totp_roles: tuple[str, ...] = _var("CONSOLE_TOTP_ROLES")  # ("supervisor",)
    chat_socket_url: str = _var("CHAT_SOCKET_URL")  # RASA_URL
    node_modules_dir: Path = _var("NODE_MODULES_DIR")  # node_modules of the checkout
    # -- operations (bot/ops/) -------------------------------------------------------------
    log_format: str = _var("LOG_FORMAT")  # plain ("json": one JSON object per line)
    metrics_token: str = _var("METRICS_TOKEN")  # else var/metrics_token, else empty (off)
    health_check_timeout: float = _var("HEALTH_CHECK_TIMEOUT")  # 2 (seconds, each check)
    retention_purge_hours: float = _var("RETENTION_PURGE_HOURS")  # 24 (0 = no schedule)
    retention_days: int = _var("RETENTION_DAYS")  # 90 (at least 1)

    @property
    def twilio_is_local(self) -> bool:
        """True unless real Twilio credentials are configured.

        Real means a TWILIO_AUTH_TOKEN with TWILIO_API_BASE empty. Without a token the SMS
        channel refuses every webhook; with TWILIO_API_BASE set the API is the local fake
        (`make run`, the tests) — the rule devtools/run.py uses to start the fake.
        """
        return not self.twilio_auth_token or bool(self.twilio_api_base)


def _origins(raw: str) -> tuple[str, ...]:
    return tuple(o.strip().rstrip("/") for o in raw.split(",") if o.strip())


def get_settings() -> Settings:
    """Read the environment now (cheap), so a test or CLI can change it between calls."""
    twilio_token = _env("TWILIO_AUTH_TOKEN", "")
    twilio_base = _env("TWILIO_API_BASE", "")
    if not twilio_token:
        # No real account configured: use the local fake's generated token (`make run`).
        twilio_token = _local_secret("twilio_token")
        if twilio_token and not twilio_base:
            twilio_base = "http://127.0.0.1:8025"
    rasa_url = _env("RASA_URL", "http://localhost:5005")
    return Settings(
        var_dir=VAR_DIR,
        database_url=_env("DATABASE_URL", _sqlite_url("app.db")),
        tracker_db_url=_env("TRACKER_DB_URL", _sqlite_url("tracker.db")),
        rasa_url=rasa_url,
        rasa_auth_token=_env("RASA_AUTH_TOKEN", "") or _local_secret("rasa_token"),
        action_server_url=_env("ACTION_SERVER_URL", "http://127.0.0.1:5055/webhook"),
        default_council=_env("DEFAULT_COUNCIL", ""),
        http_timeout=float(_env("HTTP_TIMEOUT", "10")),
        case_spool_dir=Path(_env("CASE_SPOOL_DIR", str(VAR_DIR / "pending_cases"))),
        twilio_account_sid=_env("TWILIO_ACCOUNT_SID", "ACfake00000000000000000000000000000"),
        twilio_auth_token=twilio_token,
        twilio_from_number=_env("TWILIO_FROM_NUMBER", "+447700900000"),
        twilio_api_base=twilio_base,
        public_base_url=_env("PUBLIC_BASE_URL", "http://localhost:5005"),
        conversation_id_key=_env("CONVERSATION_ID_KEY", ""),
        sms_worker_stale_seconds=float(_env("SMS_WORKER_STALE_SECONDS", "45")),
        sms_outbox_poll_seconds=float(_env("SMS_OUTBOX_POLL_SECONDS", "2")),
        sms_outbox_give_up_hours=float(_env("SMS_OUTBOX_GIVE_UP_HOURS", "24")),
        sms_notify_per_second=max(0.01, float(_env("SMS_NOTIFY_PER_SECOND", "1"))),
        turn_concurrency=max(1, int(_env("TURN_CONCURRENCY", "6"))),
        nlu_workers=max(0, int(_env("NLU_WORKERS", "1" if (os.cpu_count() or 1) > 1 else "0"))),
        nlu_worker_timeout=max(0.5, float(_env("NLU_WORKER_TIMEOUT", "10"))),
        chat_allowed_origins=_origins(_env("CHAT_ALLOWED_ORIGINS", "")),
        tracker_db_wait_seconds=float(_env("TRACKER_DB_WAIT_SECONDS", "20")),
        tracker_db_threads=max(1, int(_env("TRACKER_DB_THREADS", "4"))),
        action_db_threads=max(1, int(_env("ACTION_DB_THREADS", "8"))),
        max_message_chars=max(1, int(_env("MAX_MESSAGE_CHARS", "2000"))),
        max_request_bytes=max(1024, int(_env("MAX_REQUEST_BYTES", "16384"))),
        max_metadata_bytes=max(0, int(_env("MAX_METADATA_BYTES", "4096"))),
        chat_max_packet_bytes=max(1024, int(_env("CHAT_MAX_PACKET_BYTES", "131072"))),
        rate_limit_ip_per_minute=max(0.0, float(_env("RATE_LIMIT_IP_PER_MINUTE", "3000"))),
        rate_limit_ip_burst=max(1, int(_env("RATE_LIMIT_IP_BURST", "1000"))),
        rate_limit_sender_per_minute=max(0.0, float(_env("RATE_LIMIT_SENDER_PER_MINUTE", "30"))),
        rate_limit_sender_burst=max(1, int(_env("RATE_LIMIT_SENDER_BURST", "20"))),
        channel_trust_proxy=_env("CHANNEL_TRUST_PROXY", "0") == "1",
        rest_channel_enabled=_env("REST_CHANNEL_ENABLED", "1") != "0",
        rest_channel_token=_env("REST_CHANNEL_TOKEN", ""),
        case_check_client_failures=max(1, int(_env("CASE_CHECK_CLIENT_FAILURES", "20"))),
        console_url=_env("CONSOLE_URL", "http://localhost:8000"),
        console_secret_key=_env("CONSOLE_SECRET_KEY", ""),
        console_host=_env("CONSOLE_HOST", "127.0.0.1"),
        console_port=int(_env("CONSOLE_PORT", "8000")),
        console_insecure_cookies=_env("CONSOLE_INSECURE_COOKIES", "0") == "1",
        console_trust_proxy=_env("CONSOLE_TRUST_PROXY", "0") == "1",
        console_idle_minutes=max(1, int(_env("CONSOLE_IDLE_MINUTES", "30"))),
        # Supervisors always; "supervisor,agent" makes it compulsory for everyone.
        console_totp_roles=tuple(sorted({"supervisor", *(
            role.strip().lower() for role in _env("CONSOLE_TOTP_ROLES", "supervisor").split(",")
            if role.strip())})),
        chat_socket_url=_env("CHAT_SOCKET_URL", rasa_url),
        node_modules_dir=Path(_env("NODE_MODULES_DIR", str(PROJECT_ROOT / "node_modules"))),
        log_format="json" if _env("LOG_FORMAT", "plain").strip().lower() == "json" else "plain",
        metrics_token=_env("METRICS_TOKEN", "") or _local_secret(METRICS_TOKEN_FILE),
        health_check_timeout=max(0.1, float(_env("HEALTH_CHECK_TIMEOUT", "2"))),
        retention_purge_hours=max(0.0, float(_env("RETENTION_PURGE_HOURS", "24"))),
        retention_days=max(1, int(_env("RETENTION_DAYS", "90"))),
    )


def check_conversation_id_key(settings: Settings | None = None) -> None:
    """Raise ConfigurationError when real Twilio is configured without CONVERSATION_ID_KEY.

    The SMS channel calls this as it starts, so a production server refuses to start rather
    than key residents' pseudonyms with something that changes.
    """
    settings = settings or get_settings()
    if not settings.conversation_id_key and not settings.twilio_is_local:
        raise ConfigurationError(MISSING_CONVERSATION_ID_KEY)


def check_twilio_configuration(settings: Settings | None = None) -> None:
    """Raise ConfigurationError when real Twilio is only half configured (#15.8).

    With TWILIO_AUTH_TOKEN set and no TWILIO_API_BASE, replies go to Twilio's real API; without
    the account SID and the sending number they were refused there (or retried for a day) while
    the console said "Message sent". The SMS channel calls this as it starts, so the server
    refuses to start and says what to set. Then the conversation-id key is checked as before.
    """
    settings = settings or get_settings()
    if settings.twilio_is_local:
        return
    missing = [name for name in ("TWILIO_ACCOUNT_SID", "TWILIO_FROM_NUMBER") if not _env(name, "")]
    if missing:
        if not settings.conversation_id_key:
            missing.append("CONVERSATION_ID_KEY")
        raise ConfigurationError(
            "TWILIO_AUTH_TOKEN is set (real Twilio, no TWILIO_API_BASE) but "
            f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} not: the SMS "
            "channel will not start half configured. Set them (the first two from the Twilio "
            "console), or unset TWILIO_AUTH_TOKEN to use the local fake Twilio API.")
    check_conversation_id_key(settings)


def conversation_id_key(settings: Settings | None = None) -> str:
    """The HMAC key of SMS conversation ids (pseudonyms of phone numbers).

    CONVERSATION_ID_KEY if set. Otherwise, in local development (no real Twilio credentials,
    see `Settings.twilio_is_local`), a key generated once into var/conversation_id_key, as
    `make run` does. With real Twilio credentials and no key: ConfigurationError. Never the
    Twilio auth token: rotating that would re-key every resident's conversation.
    """
    settings = settings or get_settings()
    if settings.conversation_id_key:
        return settings.conversation_id_key
    check_conversation_id_key(settings)
    return generated_secret(CONVERSATION_ID_KEY_FILE)


# Third-party variables that only make start-up quieter (not settings of this project): the
# Rasa server, the action server and the console set them before importing their libraries,
# unless the operator already has (an explicit value always wins).
QUIET_LIBRARY_ENVIRONMENT = {
    "TF_CPP_MIN_LOG_LEVEL": "2",  # TensorFlow's C++ INFO and WARNING lines (oneDNN, CUDA...)
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",  # SQLAlchemy 1.4's "2.0 is coming" banner
}


def quiet_library_environment() -> None:
    """Default the variables above in this process's environment (before TensorFlow loads)."""
    for name, value in QUIET_LIBRARY_ENVIRONMENT.items():
        if not os.environ.get(name):
            os.environ[name] = value
