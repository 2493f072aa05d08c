"""The environment matches the lock resolved in one pass with rasa: nothing drifted."""

from __future__ import annotations

import re
from importlib.metadata import version

import pytest

from bot.compat import PINNED_RANGES, version_problems
from bot.config import PROJECT_ROOT


def locked_versions() -> dict[str, str]:
    pins = {}
    for line in (PROJECT_ROOT / "requirements.lock").read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.-]+)==([^\s;]+)", line)
        if match:
            pins[match.group(1).lower().replace("_", "-")] = match.group(2)
    return pins


def test_rasa_pins_hold() -> None:
    assert version_problems() == []


@pytest.mark.parametrize("package", sorted(PINNED_RANGES) + ["alembic", "flask", "rasa-sdk",
                                                             "prometheus-client", "structlog"])
def test_installed_version_is_the_locked_one(package: str) -> None:
    assert version(package) == locked_versions()[package.lower()]


def test_sqlalchemy_is_1_4() -> None:
    import sqlalchemy

    assert sqlalchemy.__version__.startswith("1.4.")
