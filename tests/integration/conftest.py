"""One pair of real servers (Rasa + action server) per integration test session.

Start-up costs ~30 s; each test uses its own conversation ids, so tests stay independent.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from devtools.devstack import Servers, start_stack


@pytest.fixture(scope="session")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    stack = start_stack(tmp_path_factory.mktemp("stack"))
    try:
        yield stack
    finally:
        stack.close()
