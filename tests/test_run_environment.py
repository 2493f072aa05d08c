"""`make run` fills in embedded defaults and local secrets, but never overrides the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

import devtools.run as run


@pytest.fixture()
def var_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(run, "VAR_DIR", tmp_path)
    return tmp_path


def test_defaults_generate_secrets_once_and_use_the_fake_twilio(var_dir: Path) -> None:
    env, processes = run.run_environment({})
    again, _ = run.run_environment({})
    token = (var_dir / "rasa_token").read_text()
    assert env["RASA_AUTH_TOKEN"] == again["RASA_AUTH_TOKEN"] == token
    assert (var_dir / "rasa_token").stat().st_mode & 0o077 == 0
    assert env["TWILIO_API_BASE"] == "http://127.0.0.1:8025" and "twilio" in processes
    assert env["CONVERSATION_ID_KEY"] == (var_dir / "conversation_id_key").read_text()
    assert env["DATABASE_URL"].startswith("sqlite:///")
    assert set(processes) >= {"rasa", "actions", "console", "ready"}


def test_configured_values_win(var_dir: Path) -> None:
    env, processes = run.run_environment({
        "RASA_AUTH_TOKEN": "mine", "TWILIO_AUTH_TOKEN": "real", "TWILIO_ACCOUNT_SID": "AC1",
        "DATABASE_URL": "postgresql://db/app",
    })
    assert env["RASA_AUTH_TOKEN"] == "mine" and env["DATABASE_URL"] == "postgresql://db/app"
    assert "twilio" not in processes and "TWILIO_API_BASE" not in env
    # Real Twilio: the key must be configured, never generated (bot.config refuses without it).
    assert "CONVERSATION_ID_KEY" not in env
    assert not (var_dir / "rasa_token").exists()
