"""Shared fixtures: a real migrated and seeded SQLite database per test, nothing mocked."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

from sanic import Sanic  # noqa: E402

# Several tests start a Sanic app of their own in this one process. Outside test mode Sanic's
# start-up optimiser (TouchUp) rewrites its protocol methods again for the second app, from
# the already rewritten ones, and that start fails (KeyError: 'handle_request').
Sanic.test_mode = True

from bot.db.engine import dispose_all, session_scope  # noqa: E402
from bot.db.migrate import upgrade  # noqa: E402
from bot.db.seed import seed  # noqa: E402


@pytest.fixture()
def db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh database at the latest migration with the seed loaded; DATABASE_URL points at it."""
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    upgrade(url)
    with session_scope(url) as session:
        seed(session)
    yield url
    dispose_all()


@pytest.fixture()
def session(db_url: str):
    """A session on the fixture database; committed when the test ends without error."""
    with session_scope(db_url) as session:
        yield session


@pytest.fixture(scope="session")
def trained_agent():
    """The trained model loaded once for the tests that compare its answers (slow to load)."""
    from rasa.core.agent import Agent

    from bot.config import PROJECT_ROOT
    from bot.rasa_patches import install

    model = PROJECT_ROOT / "models" / "council.tar.gz"
    if not model.exists():
        pytest.fail("needs the trained model: run `make train` (make test trains it first)")
    install()  # as the Rasa server does (bot.server)
    return Agent.load(str(model))
