"""Red team: `make run` put the Rasa server on every network interface (docs/security-review.md,
RT-5).

The Procfile's `rasa` line had no `--interface`, so Sanic listened on 0.0.0.0: on a laptop on
a café or office network anyone nearby could chat through REST, and reach the token-guarded
HTTP API, of a developer's instance (the console and action server already listened on
127.0.0.1 only). Checked here: the Procfile line, and the real stack answers on 127.0.0.1 but
not on 127.0.0.2 (another loopback address: a server bound to every interface answers there,
one bound to 127.0.0.1 does not; no network needed).
"""

from __future__ import annotations

import shlex
from urllib.parse import urlsplit

import pytest
import requests

from devtools.devstack import Servers
from tests.test_rasa_command import parse_rasa, procfile_rasa_server_command


def test_procfile_rasa_line_listens_on_loopback_only() -> None:
    command = shlex.split(procfile_rasa_server_command())
    assert command[1:4] == ["-m", "bot.server", "run"]
    args = parse_rasa(command[3:])
    assert args.interface == "127.0.0.1"


@pytest.mark.integration
def test_rasa_server_is_not_on_other_addresses(servers: Servers) -> None:
    port = urlsplit(servers.rasa_url).port
    assert requests.get(f"http://127.0.0.1:{port}/version", timeout=10).status_code == 200
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://127.0.0.2:{port}/version", timeout=10)
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{servers.action_url.replace('127.0.0.1', '127.0.0.2')}/health",
                     timeout=10)
