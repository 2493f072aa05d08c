"""Calls the action server over kept-alive connections, with a C JSON encoder.

Why: Rasa 3.6's `EndpointConfig.request` opens a new aiohttp `ClientSession` (a new connector,
a new TCP connection) for every custom action call and encodes the whole tracker with the
standard library's JSON encoder. A form turn calls the action server two or three times.
Profiled under load (20 residents, no think time, py-spy `--gil`), the Rasa server spent
about 14 % of its GIL time in those calls, most of it setting up connections and encoding;
the Rasa process is the one that saturates its core first, so that time is throughput.

What changes: one session per (event loop, endpoint) is reused, so connections are kept
alive, and request bodies are encoded with `ujson` (already installed with Sanic; its output
is plain JSON that rasa-sdk reads the same way). Everything else is Rasa's own code path:
the same URL, headers, token parameters, timeout, compression flag and error handling
(`ClientResponseError` for a status >= 400, None for a body that is not JSON).

Kept-alive connections can be closed by the server at any moment; Sanic closes idle ones
after KEEP_ALIVE_TIMEOUT (5 s), so the client forgets them after ACTION_KEEPALIVE_SECONDS,
well before. A request that still meets a closed connection fails like any action-server
failure (the holding reply answers and the case is spooled): a request is never sent twice,
because an action call is not idempotent.
"""

from __future__ import annotations

import asyncio
import ssl
from typing import Any

import aiohttp
import ujson

ACTION_KEEPALIVE_SECONDS = 2.0  # below Sanic's default KEEP_ALIVE_TIMEOUT (5 s)
_installed = False


def _dumps(value: Any) -> str:
    """JSON text as the standard library writes it, bar spacing (ujson keeps `/` plain)."""
    return ujson.dumps(value, ensure_ascii=False, escape_forward_slashes=False)


class _Sessions:
    """One kept-alive aiohttp session per (event loop, endpoint config)."""

    def __init__(self) -> None:
        self._by_key: dict[tuple[int, int], aiohttp.ClientSession] = {}

    def get(self, endpoint: Any) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        key = (id(loop), id(endpoint))
        session = self._by_key.get(key)
        if session is None or session.closed:
            auth = None
            if endpoint.basic_auth:
                auth = aiohttp.BasicAuth(endpoint.basic_auth["username"],
                                         endpoint.basic_auth["password"])
            from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT

            session = aiohttp.ClientSession(
                headers=endpoint.headers, auth=auth,
                timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
                connector=aiohttp.TCPConnector(keepalive_timeout=ACTION_KEEPALIVE_SECONDS),
                json_serialize=_dumps,
            )
            self._by_key[key] = session
        return session

    async def close_all(self) -> None:
        sessions, self._by_key = list(self._by_key.values()), {}
        for session in sessions:
            await session.close()


sessions = _Sessions()


def install_action_client() -> None:
    """Idempotent; replaces `EndpointConfig.request` for endpoints without a CA file.

    An endpoint with its own `cafile` keeps Rasa's per-request session (it is not the
    loopback action server this was measured on)."""
    global _installed
    if _installed:
        return
    from aiohttp import ContentTypeError
    from rasa.utils.endpoints import ClientResponseError, EndpointConfig, concat_url

    original = EndpointConfig.request

    async def request(self: EndpointConfig, method: str = "post", subpath: str | None = None,
                      content_type: str | None = "application/json", compress: bool = False,
                      **kwargs: Any) -> Any:
        if self.cafile:
            return await original(self, method, subpath, content_type, compress, **kwargs)
        headers = {"Content-Type": content_type} if content_type else {}
        headers.update(kwargs.pop("headers", None) or {})
        headers.update(self.headers or {})
        session = sessions.get(self)
        ssl_context: ssl.SSLContext | None = None
        async with session.request(
            method, concat_url(self.url, subpath), headers=headers,
            params=self.combine_parameters(kwargs), compress=compress, ssl=ssl_context,
            **kwargs,
        ) as response:
            if response.status >= 400:
                raise ClientResponseError(response.status, response.reason,
                                          await response.content.read())
            try:
                return await response.json()
            except ContentTypeError:
                return None

    EndpointConfig.request = request
    _installed = True
