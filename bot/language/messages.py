"""The replies that matter most, in the resident's language, from one data file per language.

`translations/en.yml` is the source; every other file repeats each key with the English beside
its translation and the same {placeholders} (tests/test_translations.py checks both). A key
or language that is missing falls back to English, so a resident always gets a reply.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml

TRANSLATIONS = Path(__file__).with_name("translations")
_CODE = re.compile(r"[a-z]{2,3}")


@cache
def _load(code: str) -> dict[str, Any]:
    if not _CODE.fullmatch(code or ""):
        return {}  # never a path: codes come from detectors, slots and database rows
    path = TRANSLATIONS / f"{code}.yml"
    if not path.is_file():
        return {}
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


@lru_cache(maxsize=1)
def supported() -> tuple[str, ...]:
    return tuple(sorted(path.stem for path in TRANSLATIONS.glob("*.yml")))


SUPPORTED = supported()


def language_name(code: str | None) -> str:
    """The language's name for itself ("Polski"), or the code when it is not one we know."""
    data = _load(code or "en")
    return str(data.get("name") or code or "English")


def message(key: str, code: str | None = "en", **params: Any) -> str:
    """The text for `key` in language `code` with its placeholders filled; English if the
    language or the key is missing."""
    for candidate in (code or "en", "en"):
        entry = (_load(candidate).get("messages") or {}).get(key)
        if entry and entry.get("text"):
            return str(entry["text"]).format(**params)
    raise KeyError(f"no message {key!r} in en.yml")
