"""The action-server client patch: kept-alive connections, same answers and errors as Rasa's."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from aiohttp import web
from rasa.utils.endpoints import ClientResponseError, EndpointConfig

from bot.rasa_patches.action_client import install_action_client, sessions


async def _serve(handler: Any) -> tuple[web.AppRunner, str, list[Any]]:
    """A real HTTP server on loopback that records each request's client port."""
    peers: list[Any] = []

    async def record(request: web.Request) -> web.StreamResponse:
        peers.append(request.transport.get_extra_info("peername")[1])
        return await handler(request)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", record)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}/webhook", peers


def _run(coroutine: Any) -> Any:
    return asyncio.new_event_loop().run_until_complete(coroutine)


@pytest.fixture(autouse=True)
def _patched() -> None:
    install_action_client()


def test_calls_reuse_one_connection_and_send_the_same_json() -> None:
    bodies: list[Any] = []

    async def echo(request: web.Request) -> web.Response:
        bodies.append((await request.json(), dict(request.query)))
        return web.json_response({"events": [], "responses": [{"text": "ok/ça"}]})

    async def scenario() -> list[Any]:
        runner, url, peers = await _serve(echo)
        endpoint = EndpointConfig(url=url, token="secret")
        payload = {"next_action": "action_x", "tracker": {"text": "café / 999", "n": 1.5}}
        try:
            answers = [await endpoint.request(json=payload, method="post", timeout=10)
                       for _ in range(3)]
        finally:
            await sessions.close_all()
            await runner.cleanup()
        return [answers, peers]

    answers, peers = _run(scenario())
    assert answers == [{"events": [], "responses": [{"text": "ok/ça"}]}] * 3
    assert len(peers) == 3 and len(set(peers)) == 1, peers  # one kept-alive connection
    assert bodies[0] == ({"next_action": "action_x",
                          "tracker": {"text": "café / 999", "n": 1.5}}, {"token": "secret"})


def test_an_error_status_raises_rasas_error_and_a_non_json_body_is_none() -> None:
    async def failing(request: web.Request) -> web.Response:
        if request.path.endswith("/bad"):
            return web.Response(status=500, text="boom")
        return web.Response(text="plain text")

    async def scenario() -> tuple[Any, Any]:
        runner, url, _ = await _serve(failing)
        endpoint = EndpointConfig(url=url.rsplit("/", 1)[0])
        try:
            with pytest.raises(ClientResponseError) as raised:
                await endpoint.request(method="post", subpath="bad", json={})
            plain = await endpoint.request(method="get", subpath="plain")
        finally:
            await sessions.close_all()
            await runner.cleanup()
        return raised.value, plain

    error, plain = _run(scenario())
    assert error.status == 500 and error.text == b"boom"
    assert plain is None


def test_the_encoder_writes_json_that_the_standard_library_reads_back() -> None:
    from bot.rasa_patches.action_client import _dumps

    value = {"a": [1, 2.25, None, True], "b": "Ünïcødé / \"quoted\" \n", "c": 1e-7,
             "t": 1764200000.123456}
    assert json.loads(_dumps(value)) == value
