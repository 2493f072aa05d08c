"""One real stack (Rasa, action server, fake Twilio; SQLite in a temp folder) for tests/fuzz.

Session scope: starting Rasa costs a minute, and every test uses its own conversation ids and
phone numbers, so the fuzz and fault tests can share it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from devtools.devstack import Servers, start_stack


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    servers = start_stack(tmp_path_factory.mktemp("fuzz-stack"))
    try:
        yield servers
    finally:
        servers.close()
