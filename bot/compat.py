"""Fail fast, with a clear message, when a dependency drifted from rasa 3.6.21's pins.

A later separate `pip install` (alembic, flask, ...) can silently upgrade SQLAlchemy to 2.x,
which breaks rasa's tracker store in ways that only show up at run time.
"""

from __future__ import annotations

from importlib.metadata import version

# package -> (minimum inclusive, maximum exclusive) major.minor, as rasa 3.6.21 requires
PINNED_RANGES = {
    "SQLAlchemy": ((1, 4), (2, 0)),
    "spacy": ((3, 4), (3, 5)),
    "twilio": ((8, 2), (8, 3)),
    "sanic": ((21, 12), (21, 13)),
    "pydantic": ((1, 10), (1, 11)),
    "rasa": ((3, 6), (3, 7)),
}


def _major_minor(text: str) -> tuple[int, int]:
    parts = text.split(".")
    return int(parts[0]), int("".join(ch for ch in parts[1] if ch.isdigit()) or 0)


def version_problems() -> list[str]:
    problems = []
    for package, (low, high) in PINNED_RANGES.items():
        installed = _major_minor(version(package))
        if not low <= installed < high:
            problems.append(
                f"{package} {version(package)} is outside "
                f"{'.'.join(map(str, low))} <= v < {'.'.join(map(str, high))}"
            )
    return problems


def check_pins() -> None:
    problems = version_problems()
    if problems:
        raise RuntimeError(
            "dependencies drifted from rasa 3.6.21's pins: "
            + "; ".join(problems)
            + ". Reinstall from requirements.lock (make install)."
        )
