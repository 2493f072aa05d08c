"""Rasa's socket.io web-chat channel, with the fixes the resident's browser depends on.

1. Rasa 3.6.21 calls `sio.enter_room(...)` without `await`; with python-socketio >= 5.10
   (locked beside rasa) that is a coroutine, so the socket never joins its session room and,
   with session persistence on, every bot reply goes to nobody.
2. Rasa builds the socket.io server with `cors_allowed_origins=[]`, which accepts websocket
   connections from any web page. Here a browser connection must come from the console's
   origin (CONSOLE_URL, plus its localhost/127.0.0.1 twin and CHAT_ALLOWED_ORIGINS).
3. Rasa passes any `user_uttered` to NLU: one 100,000-character message held the event loop
   (and so every resident on every channel) for half a minute. Here a message over
   MAX_MESSAGE_CHARS gets a reply asking for shorter parts and never reaches Rasa; packets
   over CHAT_MAX_PACKET_BYTES close the socket (engine.io's buffer, 1 MB by default);
   metadata over MAX_METADATA_BYTES is dropped; lone surrogates and NUL are replaced.
   Whatever is refused, the sender is told so (never silence), and nothing reaches Rasa.
4. Per-client rate limits (bot/channels/rate_limit.py): a message over its address's or its
   session's limit gets a reply asking the resident to slow down and never reaches Rasa.
5. Session ids are issued and signed by the server (bot/channels/chat_session.py): a socket
   joins only a session it was given, a forged or foreign id gets a new one, and a message
   is taken only for the session its socket joined.
6. Each message's metadata carries a pseudonym of the connecting client's address
   (bot/channels/client_key.py), replacing any the browser sent: case-status failures are
   counted per client across conversations.
The channel keeps the name "socketio", which the console names as the output channel.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput as RasaSocketIOInput
from rasa.core.channels.socketio import SocketIOOutput
from sanic import Blueprint

from bot.channels.chat_session import is_issued_session_id, issue_session_id
from bot.channels.client_key import client_pseudonym, stamp_client
from bot.channels.limits import (
    INVALID_SESSION_REPLY,
    UNREADABLE_REPLY,
    clean_json,
    clean_text,
    metadata_problem,
    tidy_text,
    too_long_reply,
)
from bot.channels.rate_limit import (
    ChannelRateLimits,
    client_address,
    long_conversation_reply,
    slow_down_reply,
)
from bot.channels.turn_gate import gated
from bot.config import Settings, conversation_id_key, get_settings

logger = logging.getLogger(__name__)
RESTART = "/restart"  # Rasa's default intent: action_restart resets the conversation


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


def chat_metadata(raw: Any, settings: Settings) -> dict[str, Any]:
    """The message's metadata as Rasa should see it: an object within the limits, else {}.

    Rasa accepts an object or a JSON string of one; anything else, or anything too large or
    too deep, is dropped (the message is still answered)."""
    if raw is None:
        return {}
    if isinstance(raw, str):
        if len(raw) > settings.max_metadata_bytes:
            logger.warning("dropped web-chat metadata over %d bytes", settings.max_metadata_bytes)
            return {}
        try:
            raw = json.loads(raw)
        except (ValueError, RecursionError):
            logger.info("dropped web-chat metadata that is not JSON")
            return {}
    if not isinstance(raw, dict):
        return {}
    trouble = metadata_problem(raw, settings.max_metadata_bytes)
    if trouble:
        logger.warning("dropped web-chat metadata: it %s", trouble[1])
        return {}
    return clean_json(raw)


class ChatOutput(SocketIOOutput):
    """Rasa's socket.io output, except that a staff message tells the chat who wrote it.

    Rasa sends only a message's text over socket.io, so the resident could not see that a
    reply came from a named council officer rather than the assistant. A bot event whose
    metadata says `sender: staff` (bot/console/rasa_api.py) goes out with that metadata and
    the officer's first name; everything else is sent exactly as Rasa sends it.
    """

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        if kwargs.get("sender") != "staff":
            await super().send_text_message(recipient_id, text, **kwargs)
            return
        metadata: dict[str, str] = {"sender": "staff"}
        name = kwargs.get("staff_name")
        if isinstance(name, str) and name.strip():
            metadata["staff_name"] = name.strip()[:40]
        for part in text.strip().split("\n\n"):
            await self._send_message(recipient_id, {"text": part, "metadata": metadata})


class SocketIOInput(RasaSocketIOInput):
    def get_output_channel(self) -> SocketIOOutput | None:
        """What Rasa sends staff messages and other external events through."""
        if self.sio is None:
            return super().get_output_channel()
        return ChatOutput(self.sio, self.bot_message_evt)

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        handle = gated(on_new_message)
        blueprint = super().blueprint(handle)
        sio = self.sio
        sio.eio.max_http_buffer_size = get_settings().chat_max_packet_bytes
        limits = ChannelRateLimits(get_settings())
        addresses: dict[str, str] = {}  # socket id -> client address, while connected
        sessions: dict[str, str] = {}  # socket id -> the signed session id it joined
        key = conversation_id_key()  # read once: no file read on the event loop per message
        rasa_connect = sio.handlers[self.namespace or "/"]["connect"]

        async def connect(sid: str, environ: dict, auth: dict | None = None) -> bool:
            if not origin_allowed(environ):
                logger.warning("refused a web-chat connection from origin %s",
                               environ.get("HTTP_ORIGIN"))
                return False
            request = environ.get("sanic.request")
            addresses[sid] = client_address(getattr(request, "ip", None),
                                            environ.get("HTTP_X_FORWARDED_FOR"),
                                            limits.trust_proxy)
            return await rasa_connect(sid, environ, auth)

        async def disconnect(sid: str) -> None:
            addresses.pop(sid, None)
            sessions.pop(sid, None)

        async def session_request(sid: str, data: Any = None) -> None:
            """Join the session the browser kept if we issued it, else a new one.

            The id is confirmed to the browser, which keeps it for the tab; any other id
            (forged, another channel's, from before a key change) is replaced, never joined.
            """
            data = data if isinstance(data, dict) else {}
            session_id = data.get("session_id")
            if not is_issued_session_id(session_id, key):
                if session_id:
                    logger.info("web-chat session id not issued here: a new one is issued")
                session_id = issue_session_id(key)
            previous = sessions.get(sid)
            if previous and previous != session_id:
                await sio.leave_room(sid, previous, namespace=self.namespace)
            sessions[sid] = session_id
            if self.session_persistence:
                await sio.enter_room(sid, session_id, namespace=self.namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        async def session_end(sid: str, data: Any = None) -> None:
            """"Clear this conversation" (or quick exit) in the browser: the socket leaves its
            session and Rasa restarts the conversation (slots, forms and any identity check
            forgotten), so nobody resumes it later on the same device."""
            session_id = sessions.get(sid)
            claimed = data.get("session_id") if isinstance(data, dict) else None
            if not session_id or (claimed is not None and claimed != session_id):
                return
            del sessions[sid]
            if self.session_persistence:
                await sio.leave_room(sid, session_id, namespace=self.namespace)
            logger.info("web-chat session ended by the resident")
            await handle(UserMessage(RESTART, CollectingOutputChannel(), session_id,
                                     input_channel=self.name(), metadata={}))

        async def tell(sid: str, text: str) -> None:
            """A reply to this one socket only, from the channel itself (not Rasa)."""
            await sio.emit(self.bot_message_evt, {"text": text}, room=sid,
                           namespace=self.namespace)

        async def handle_message(sid: str, data: Any = None) -> None:
            settings = get_settings()  # message limits follow the environment (tests)
            if not isinstance(data, dict):
                await tell(sid, UNREADABLE_REPLY)
                return
            sender_id = sid
            if self.session_persistence:
                # Only the session this socket was given; a message naming another is refused.
                sender_id = sessions.get(sid, "")
                claimed = data.get("session_id")
                if not sender_id or (claimed is not None and claimed != sender_id):
                    logger.info("web-chat message refused: not this socket's session")
                    await tell(sid, INVALID_SESSION_REPLY)
                    return
            text = data.get("message")
            text = "" if text is None else text
            if not isinstance(text, str):
                await tell(sid, UNREADABLE_REPLY)
                return
            wait = limits.client(addresses.get(sid, "unknown")) or limits.sender(sender_id)
            if wait:
                logger.info("web-chat message refused: rate limit (retry in %d s)", wait)
                await tell(sid, slow_down_reply(wait))
                return
            if wait := limits.conversation(sender_id):
                logger.info("web-chat message refused: conversation too long")
                await tell(sid, long_conversation_reply(wait))
                return
            if len(text) > settings.max_message_chars:
                logger.warning("web-chat message of %d characters refused (limit %d)",
                               len(text), settings.max_message_chars)
                await tell(sid, too_long_reply(settings.max_message_chars))
                return
            message = UserMessage(
                tidy_text(clean_text(text)), ChatOutput(sio, self.bot_message_evt), sender_id,
                input_channel=self.name(),
                metadata=stamp_client(chat_metadata(data.get(self.metadata_key), settings),
                                      client_pseudonym("web", addresses.get(sid, ""), key)),
            )
            await handle(message)

        sio.on("connect", connect, namespace=self.namespace)
        sio.on("disconnect", disconnect, namespace=self.namespace)
        sio.on("session_request", session_request, namespace=self.namespace)
        sio.on("session_end", session_end, namespace=self.namespace)
        sio.on(self.user_message_evt, handle_message, namespace=self.namespace)
        return blueprint
