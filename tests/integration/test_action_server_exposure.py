"""The action server has no authentication, so it must listen on loopback only."""

from __future__ import annotations

import socket
import subprocess

import pytest
import requests

from devtools.devstack import Servers

pytestmark = pytest.mark.integration


def non_loopback_addresses() -> list[str]:
    try:
        out = subprocess.run(["hostname", "-I"], capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.TimeoutExpired):
        return []
    return [a for a in out.stdout.split() if ":" not in a and not a.startswith("127.")]


def test_action_server_answers_on_loopback_only(servers: Servers) -> None:
    assert requests.get(f"{servers.action_url}/health", timeout=10).status_code == 200
    addresses = non_loopback_addresses()
    if not addresses:
        pytest.skip("this machine has no non-loopback IPv4 address to try")
    for address in addresses:
        with socket.socket() as sock:
            sock.settimeout(3)
            assert sock.connect_ex((address, servers.action_port)) != 0, address
