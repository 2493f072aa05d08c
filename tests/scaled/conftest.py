"""The scaled topology (devtools.scaled) for tests/scaled, only when RUN_SCALED=1.

It installs packages and starts PostgreSQL, Redis, nginx and four Rasa processes, which is too
heavy for every `make test`; `make test-scaled` sets RUN_SCALED=1. A topology that is already
up (`python -m devtools.scaled up`) is reused and left running; one started here is taken down.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from devtools.scaled.topology import Topology


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "scaled: needs the scaled topology (RUN_SCALED=1)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("RUN_SCALED") == "1":
        return
    skip = pytest.mark.skip(reason="scaled topology: set RUN_SCALED=1 (make test-scaled)")
    for item in items:
        if "scaled" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def topology() -> Iterator[Topology]:
    topo = Topology()
    already_up = topo.is_up()
    if not already_up:
        topo.up()
    try:
        yield topo
    finally:
        if not already_up:
            topo.down()
