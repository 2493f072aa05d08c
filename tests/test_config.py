"""Configuration in one place: only bot/config.py reads the environment, every setting is in
the README's table, and the SMS conversation-id key is never the Twilio token."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

import bot.config as config
from bot.channels import sms_store
from bot.channels.twilio_sms import TwilioSmsInput
from bot.config import PROJECT_ROOT, ConfigurationError, Settings, get_settings

ENV_NAMES = [f.metadata["env"] for f in dataclasses.fields(Settings)]
REAL_TOKEN = "real-twilio-auth-token-0123456789"
READS_ENVIRONMENT = re.compile(
    r"\bos\s*\.\s*(environb?|getenv|putenv|unsetenv)\b"
    r"|\bfrom\s+os\s+import\b[^\n]*\b(environb?|getenv)\b"
)


@pytest.fixture()
def clean_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No setting in the environment; var/ is an empty temporary directory (returned)."""
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    var_dir = tmp_path / "var"
    monkeypatch.setattr(config, "VAR_DIR", var_dir)
    return var_dir


# --- one module reads the environment -------------------------------------------------------


def test_only_bot_config_reads_the_environment() -> None:
    offenders = []
    for package in ("bot", "actions"):
        for path in sorted((PROJECT_ROOT / package).rglob("*.py")):
            if path == PROJECT_ROOT / "bot" / "config.py":
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if READS_ENVIRONMENT.search(line):
                    offenders.append(f"{path.relative_to(PROJECT_ROOT)}:{number}: {line.strip()}")
    assert offenders == [], "read settings through bot.config.get_settings():\n" + "\n".join(
        offenders)


def test_the_scan_would_catch_a_read() -> None:
    for line in ('x = os.environ.get("A")', 'os.getenv("A")', "from os import environ",
                 "from os import path, getenv", 'os.environ["A"]'):
        assert READS_ENVIRONMENT.search(line), line
    assert not READS_ENVIRONMENT.search("environ.get('HTTP_ORIGIN')")


def readme_table_names() -> set[str]:
    text = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Configuration (environment variables)", 1)[1].split("\n## ", 1)[0]
    names: set[str] = set()
    for line in section.splitlines():
        if line.startswith("| `"):
            names.update(re.findall(r"`([A-Z][A-Z0-9_]*)`", line.split("|")[1]))
    return names


def test_every_setting_is_in_the_readme_table() -> None:
    assert all(ENV_NAMES), "every Settings field names its variable (metadata 'env')"
    assert len(set(ENV_NAMES)) == len(ENV_NAMES)
    missing = sorted(set(ENV_NAMES) - readme_table_names())
    assert missing == [], f"add to the README's configuration table: {missing}"


# --- defaults and parsing -------------------------------------------------------------------


def test_documented_defaults(clean_env: Path) -> None:
    settings = get_settings()
    assert settings.var_dir == clean_env
    assert settings.case_spool_dir == clean_env / "pending_cases"
    assert settings.database_url == f"sqlite:///{clean_env / 'app.db'}"
    assert (settings.turn_concurrency, settings.tracker_db_threads,
            settings.action_db_threads) == (6, 4, 8)
    assert (settings.sms_worker_stale_seconds, settings.sms_outbox_poll_seconds,
            settings.sms_outbox_give_up_hours, settings.tracker_db_wait_seconds) == (
        45.0, 2.0, 24.0, 20.0)
    assert settings.chat_allowed_origins == ()
    assert (settings.console_host, settings.console_port) == ("127.0.0.1", 8000)
    assert not settings.console_insecure_cookies and not settings.console_trust_proxy
    assert settings.chat_socket_url == settings.rasa_url == "http://localhost:5005"
    assert settings.node_modules_dir == PROJECT_ROOT / "node_modules"
    assert settings.conversation_id_key == ""
    assert not clean_env.exists(), "reading the settings generates nothing"


def test_environment_overrides(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASE_SPOOL_DIR", str(clean_env / "spool"))
    monkeypatch.setenv("TURN_CONCURRENCY", "0")
    monkeypatch.setenv("TRACKER_DB_THREADS", "2")
    monkeypatch.setenv("ACTION_DB_THREADS", "3")
    monkeypatch.setenv("SMS_OUTBOX_GIVE_UP_HOURS", "1.5")
    monkeypatch.setenv("CHAT_ALLOWED_ORIGINS", " https://a.example/ ,,https://b.example")
    monkeypatch.setenv("CONSOLE_TRUST_PROXY", "1")
    monkeypatch.setenv("RASA_URL", "http://rasa:5005")
    settings = get_settings()
    assert settings.case_spool_dir == clean_env / "spool"
    assert settings.turn_concurrency == 1  # at least one turn at a time
    assert (settings.tracker_db_threads, settings.action_db_threads) == (2, 3)
    assert settings.sms_outbox_give_up_hours == 1.5
    assert settings.chat_allowed_origins == ("https://a.example", "https://b.example")
    assert settings.console_trust_proxy
    assert settings.chat_socket_url == "http://rasa:5005"


# --- CONVERSATION_ID_KEY ----------------------------------------------------------------------


def test_a_configured_key_is_used_as_is(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", REAL_TOKEN)
    monkeypatch.setenv("CONVERSATION_ID_KEY", "configured-key")
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", "AC" + "1" * 32)  # whole real configuration
    monkeypatch.setenv("TWILIO_FROM_NUMBER", "+447700900001")
    assert sms_store.conversation_key() == "configured-key"
    TwilioSmsInput.from_credentials(None)  # real Twilio with a key: starts
    assert not (clean_env / "conversation_id_key").exists()


@pytest.mark.parametrize("fake_twilio", [
    {},  # `make run` with no TWILIO_* variables, before it fills them in
    {"TWILIO_AUTH_TOKEN": "local-fake-token", "TWILIO_API_BASE": "http://127.0.0.1:8025"},
])
def test_local_development_generates_a_key_once(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, fake_twilio: dict[str, str]
) -> None:
    for name, value in fake_twilio.items():
        monkeypatch.setenv(name, value)
    assert get_settings().twilio_is_local
    TwilioSmsInput.from_credentials(None)
    key = sms_store.conversation_key()
    path = clean_env / "conversation_id_key"
    assert key and path.read_text() == key and len(key) >= 32
    assert path.stat().st_mode & 0o077 == 0
    assert sms_store.conversation_key() == key
    assert key != get_settings().twilio_auth_token
    assert [p.name for p in clean_env.iterdir()] == ["conversation_id_key"]  # no temp left


def test_the_generated_key_is_the_one_make_run_made(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import devtools.run as run

    monkeypatch.setattr(run, "VAR_DIR", clean_env)
    env, _processes = run.run_environment({})
    assert sms_store.conversation_key() == env["CONVERSATION_ID_KEY"]


def test_real_twilio_without_a_key_refuses_to_start(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", REAL_TOKEN)
    assert not get_settings().twilio_is_local
    with pytest.raises(ConfigurationError, match="CONVERSATION_ID_KEY"):
        TwilioSmsInput.from_credentials(None)
    with pytest.raises(ConfigurationError, match="CONVERSATION_ID_KEY"):
        sms_store.conversation_key()  # never falls back to the Twilio auth token
    assert not clean_env.exists(), "no key is generated for a real deployment"


def test_rotating_the_twilio_token_keeps_the_pseudonym(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONVERSATION_ID_KEY", "stable-key")
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", REAL_TOKEN)
    before = sms_store.pseudonym("+447700900123", sms_store.conversation_key())
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", REAL_TOKEN + "-rotated")
    assert sms_store.pseudonym("+447700900123", sms_store.conversation_key()) == before


@pytest.mark.parametrize("unset", [("TWILIO_ACCOUNT_SID",), ("TWILIO_FROM_NUMBER",),
                                   ("TWILIO_ACCOUNT_SID", "TWILIO_FROM_NUMBER")])
def test_half_set_real_twilio_refuses_to_start_and_says_what_to_set(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, unset: tuple[str, ...]
) -> None:
    """Only TWILIO_AUTH_TOKEN (and a key): replies went to the real API with a fake account
    SID, were retried for a day and the console said "Message sent" (#15.8)."""
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", REAL_TOKEN)
    monkeypatch.setenv("CONVERSATION_ID_KEY", "stable-key")
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", "AC" + "1" * 32)
    monkeypatch.setenv("TWILIO_FROM_NUMBER", "+447700900001")
    for name in unset:
        monkeypatch.delenv(name)
    with pytest.raises(ConfigurationError) as refused:
        TwilioSmsInput.from_credentials(None)
    for name in unset:
        assert name in str(refused.value)
    assert "CONVERSATION_ID_KEY" not in str(refused.value)


def test_fully_set_real_twilio_or_the_local_fake_starts(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", REAL_TOKEN)
    monkeypatch.setenv("CONVERSATION_ID_KEY", "stable-key")
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", "AC" + "1" * 32)
    monkeypatch.setenv("TWILIO_FROM_NUMBER", "+447700900001")
    assert TwilioSmsInput.from_credentials(None) is not None
    monkeypatch.delenv("TWILIO_ACCOUNT_SID")
    monkeypatch.setenv("TWILIO_API_BASE", "http://127.0.0.1:8025")  # the local fake
    assert TwilioSmsInput.from_credentials(None) is not None
