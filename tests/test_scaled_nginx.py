"""The scaled topology's nginx publishes only the channels (issue #15, item 9).

Residents and Twilio reach one nginx port; it used to proxy every path, so the Rasa HTTP API
(`/model`, `/conversations`, `/status`) was as public as the webhooks. Now the public server
proxies `/webhooks/` and `/socket.io/` only and answers 404 to everything else; the console and
the tools reach the API through a second, internal server on loopback, routed the same way.

Checked twice: on the generated configuration (always), and with the real nginx binary
(devtools.scaled.nginx.start, the same code `make run-scaled` uses) in front of two small
loopback HTTP servers standing in for the Rasa instances, which record what reaches them.
"""

from __future__ import annotations

import json
import re
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

from devtools.scaled import nginx
from devtools.scaled.layout import INSTANCES, SECRET_NAMES, Layout, Paths, Ports
from devtools.scaled.packages import Binaries, _which

API_PATHS = ["/conversations/resident-1/tracker", "/conversations/x/tracker/events",
             "/model", "/model/parse", "/status", "/version", "/healthz", "/readyz",
             "/metrics", "/", "/webhook", "/socket"]


def layout_for(root: Path, public: int, internal: int, rasa_base: int) -> Layout:
    return Layout(paths=Paths(root), ports=Ports(nginx=public, nginx_api=internal,
                                                 rasa_base=rasa_base),
                  secrets=dict.fromkeys(SECRET_NAMES, "not-a-secret"),
                  model=root / "model.tar.gz")


def server_blocks(config: str) -> dict[str, str]:
    """The `server { ... }` blocks of the generated config, keyed by their `listen` address."""
    blocks = {}
    for match in re.finditer(r"\n    server \{\n(.*?)\n    \}\n", config, re.DOTALL):
        body = match.group(1)
        listen = re.search(r"listen ([^;]+);", body)
        assert listen, body
        blocks[listen.group(1)] = body
    return blocks


def locations(block: str) -> dict[str, str]:
    return {m.group(1): m.group(2) for m in
            re.finditer(r"location (\S+) \{\n(.*?)\n        \}", block, re.DOTALL)}


def test_the_public_server_proxies_only_the_channels(tmp_path: Path) -> None:
    layout = layout_for(tmp_path, 5080, 5081, 5011)
    blocks = server_blocks(nginx.render(layout, None))
    assert set(blocks) == {"127.0.0.1:5080", "127.0.0.1:5081"}
    public = locations(blocks["127.0.0.1:5080"])
    assert set(public) == {"/webhooks/", "/socket.io/", "/"}
    assert "proxy_pass" not in public["/"] and "return 404;" in public["/"]
    assert "proxy_pass http://rasa_by_conversation;" in public["/webhooks/"]
    assert "proxy_pass http://rasa_by_client;" in public["/socket.io/"]
    assert tuple(p for p in public if p != "/") == nginx.PUBLIC_PREFIXES
    # nginx picks the longest matching prefix: no API path falls under a proxied one.
    for path in API_PATHS:
        assert not any(path.startswith(prefix) for prefix in nginx.PUBLIC_PREFIXES), path
    internal = locations(blocks["127.0.0.1:5081"])
    assert set(internal) == {"/"}
    assert "proxy_pass http://rasa_by_conversation;" in internal["/"]
    # A location that sets a header inherits none: each one names the forwarding headers.
    for block in (public["/webhooks/"], public["/socket.io/"], internal["/"]):
        assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in block


def test_the_console_and_tools_use_the_internal_server(tmp_path: Path) -> None:
    layout = layout_for(tmp_path, 5080, 5081, 5011)
    env = layout.shared_env()
    assert env["RASA_URL"] == layout.api_url == "http://127.0.0.1:5081"
    assert env["PUBLIC_BASE_URL"] == env["CHAT_SOCKET_URL"] == layout.nginx_url


# --- the real nginx ----------------------------------------------------------------------------


class Recorder(BaseHTTPRequestHandler):
    """A stand-in Rasa instance: 200 with what it received."""

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        payload = json.dumps({"path": self.path, "body": body, "port": self.server.server_port,
                              "forwarded_for": self.headers.get("X-Forwarded-For", "")})
        data = payload.encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = _answer
    do_POST = _answer

    def log_message(self, *_args: object) -> None:
        pass


def consecutive_backends(count: int) -> list[ThreadingHTTPServer]:
    """`count` recorders on consecutive loopback ports (the layout numbers instances so)."""
    for _ in range(50):
        first = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
        servers = [first]
        try:
            for offset in range(1, count):
                servers.append(ThreadingHTTPServer(
                    ("127.0.0.1", first.server_port + offset), Recorder))
            return servers
        except OSError:
            for server in servers:
                server.server_close()
    raise RuntimeError("no consecutive free ports")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture()
def proxied(tmp_path: Path) -> Iterator[Layout]:
    binary = _which("nginx")
    if binary is None:
        pytest.skip("nginx is not installed (make run-scaled installs it)")
    backends = consecutive_backends(INSTANCES)
    threads = [threading.Thread(target=b.serve_forever, daemon=True) for b in backends]
    for thread in threads:
        thread.start()
    layout = layout_for(tmp_path, free_port(), free_port(), backends[0].server_port)
    try:
        nginx.start(layout, Binaries(pg_bin=tmp_path, redis_server=tmp_path, nginx=binary))
        yield layout
    finally:
        nginx.stop(layout)
        for backend in backends:
            backend.shutdown()
            backend.server_close()


def test_real_nginx_answers_404_to_the_api_on_the_public_port(proxied: Layout) -> None:
    public, internal = proxied.nginx_url, proxied.api_url
    for path in API_PATHS:
        reply = requests.get(f"{public}{path}", params={"token": "t"}, timeout=10)
        assert reply.status_code == 404, path
        assert "X-Rasa-Instance" not in reply.headers or not reply.headers["X-Rasa-Instance"]
    reply = requests.post(f"{public}/conversations/resident-1/tracker/events", json={},
                          timeout=10)
    assert reply.status_code == 404

    # The channels are forwarded, with the client's address for the per-client limits.
    rest = requests.post(f"{public}/webhooks/rest/webhook",
                         json={"sender": "resident-1", "message": "hello"}, timeout=10)
    assert rest.status_code == 200
    assert rest.json()["path"] == "/webhooks/rest/webhook"
    assert json.loads(rest.json()["body"])["sender"] == "resident-1"
    assert rest.json()["forwarded_for"] == "127.0.0.1"
    assert rest.headers["X-Rasa-Instance"].startswith("rasa")
    sms = requests.post(f"{public}/webhooks/twilio_sms/webhook", data={"From": "+447700900123"},
                        timeout=10)
    assert sms.status_code == 200 and sms.json()["path"] == "/webhooks/twilio_sms/webhook"
    chat = requests.get(f"{public}/socket.io/", params={"EIO": "4", "transport": "polling"},
                        timeout=10)
    assert chat.status_code == 200 and chat.json()["path"].startswith("/socket.io/")

    # The internal server has the API, pinned like the conversation's own messages.
    tracker = requests.get(f"{internal}/conversations/resident-1/tracker", timeout=10)
    assert tracker.status_code == 200
    assert tracker.json()["path"] == "/conversations/resident-1/tracker"
    assert tracker.headers["X-Rasa-Instance"] == rest.headers["X-Rasa-Instance"]
    assert requests.get(f"{internal}/status", timeout=10).status_code == 200
