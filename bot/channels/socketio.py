"""Rasa's socket.io web-chat channel, with two fixes the resident's browser depends on.

1. Rasa 3.6.21 calls `sio.enter_room(...)` without `await`; with python-socketio >= 5.10
   (locked beside rasa) that is a coroutine, so the socket never joins its session room and,
   with session persistence on, every bot reply goes to nobody.
2. Rasa builds the socket.io server with `cors_allowed_origins=[]`, which accepts websocket
   connections from any web page. Here a browser connection must come from the console's
   origin (CONSOLE_URL, plus its localhost/127.0.0.1 twin and CHAT_ALLOWED_ORIGINS).
The channel keeps the name "socketio", so `output_channel=latest` still finds it.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput as RasaSocketIOInput
from sanic import Blueprint

from bot.channels.turn_gate import gated
from bot.config import get_settings

logger = logging.getLogger(__name__)


def allowed_origins() -> set[str]:
    settings = get_settings()
    console = settings.console_url.rstrip("/")
    origins = {console,
               console.replace("://localhost", "://127.0.0.1"),
               console.replace("://127.0.0.1", "://localhost")}
    origins.update(settings.chat_allowed_origins)
    return origins


def origin_allowed(environ: dict[str, Any]) -> bool:
    """Browsers always send Origin; a missing one is a non-browser client (allowed)."""
    origin = environ.get("HTTP_ORIGIN")
    return origin is None or origin.rstrip("/") in allowed_origins()


class SocketIOInput(RasaSocketIOInput):
    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        blueprint = super().blueprint(gated(on_new_message))
        sio = self.sio
        rasa_connect = sio.handlers[self.namespace or "/"]["connect"]

        async def connect(sid: str, environ: dict, auth: dict | None = None) -> bool:
            if not origin_allowed(environ):
                logger.warning("refused a web-chat connection from origin %s",
                               environ.get("HTTP_ORIGIN"))
                return False
            return await rasa_connect(sid, environ, auth)

        async def session_request(sid: str, data: dict | None) -> None:
            data = data or {}
            if not data.get("session_id"):
                data["session_id"] = uuid.uuid4().hex
            if self.session_persistence:
                await sio.enter_room(sid, data["session_id"])
            await sio.emit("session_confirm", data["session_id"], room=sid)

        sio.on("connect", connect, namespace=self.namespace)
        sio.on("session_request", session_request, namespace=self.namespace)
        return blueprint
