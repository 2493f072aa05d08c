"""A stand-in for the Rasa server that the console and the widget talk to, for fast tests.

It speaks the same socket.io events as Rasa 3.6's socketio channel (session_request /
session_confirm / user_uttered / bot_uttered, rooms per session id) and answers the HTTP API
calls the console makes (tracker, tracker/events, execute), honouring pause and resume the
way Rasa does: while paused, user messages are logged but get no answer. It does not stand in
for the model: the real end-to-end run is tests/console/test_e2e_browser.py.
"""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import socketio
from aiohttp import web

STAFF_TEXTS = {
    "utter_staff_joined": "A member of staff has joined the conversation.",
    "utter_staff_left": "The member of staff has left. The assistant will answer from now on.",
}


@dataclass
class Conversation:
    events: list[dict[str, Any]] = field(default_factory=list)
    slots: dict[str, Any] = field(default_factory=dict)
    paused: bool = False
    channel: str = "socketio"

    def as_tracker(self, conversation_id: str) -> dict[str, Any]:
        return {
            "sender_id": conversation_id, "slots": dict(self.slots), "paused": self.paused,
            "events": list(self.events), "latest_input_channel": self.channel,
        }


def scripted_reply(text: str) -> dict[str, Any]:
    """What the fake bot says: enough to show quick replies and a hand-over offer."""
    lowered = text.lower()
    if "council tax" in lowered:
        return {
            "text": "Council tax in Westminster is disrupted: online payments are not working. "
                    "Direct Debits are still being collected.",
            "quick_replies": [
                {"content_type": "text", "title": "Speak to a person",
                 "payload": "/human_request"},
                {"content_type": "text", "title": "That's all, thanks", "payload": "/thanks"},
            ],
        }
    if "human_request" in lowered or "person" in lowered:
        return {"text": "I can pass this to a member of staff. Your reference is WM-TEST-0001."}
    return {"text": "Thanks. Ask me about any council service."}


class FakeRasa:
    def __init__(self) -> None:
        self.sio = socketio.AsyncServer(async_mode="aiohttp", cors_allowed_origins="*")
        self.app = web.Application()
        self.sio.attach(self.app)
        self.conversations: dict[str, Conversation] = {}
        self.received: list[dict[str, Any]] = []
        self.session_requests: list[str] = []
        self.session_ends: list[str] = []
        self.api_calls: list[tuple[str, str, Any]] = []
        self.fail_api = False
        self.loop = asyncio.new_event_loop()
        self.port = 0
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._routes()
        self._socket_handlers()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def conversation(self, conversation_id: str) -> Conversation:
        return self.conversations.setdefault(conversation_id, Conversation())

    # -- socket.io channel ------------------------------------------------------------------

    def _socket_handlers(self) -> None:
        @self.sio.on("session_request")
        async def session_request(sid: str, data: dict[str, Any] | None) -> None:
            # Like bot/channels/socketio.py: the id the browser kept, or one the server issues.
            session_id = (data or {}).get("session_id") or f"web-{uuid.uuid4().hex}"
            self.session_requests.append(session_id)
            await self.sio.enter_room(sid, session_id)
            await self.sio.emit("session_confirm", session_id, room=sid)

        @self.sio.on("session_end")
        async def session_end(sid: str, data: dict[str, Any] | None) -> None:
            session_id = (data or {}).get("session_id")
            self.session_ends.append(session_id)
            await self.sio.leave_room(sid, session_id)

        @self.sio.on("user_uttered")
        async def user_uttered(sid: str, data: dict[str, Any]) -> None:
            self.received.append(data)
            session_id = data["session_id"]
            conversation = self.conversation(session_id)
            conversation.events.append({
                "event": "user", "text": data.get("message", ""), "timestamp": time.time(),
                "input_channel": "socketio", "metadata": data.get("metadata", {}),
            })
            if conversation.paused:
                return
            await self._say(session_id, scripted_reply(data.get("message", "")))

    async def _say(self, conversation_id: str, message: dict[str, Any]) -> None:
        self.conversation(conversation_id).events.append({
            "event": "bot", "text": message.get("text"), "timestamp": time.time(),
            "data": {"buttons": message.get("quick_replies")},
        })
        await self.sio.emit("bot_uttered", message, room=conversation_id)

    # -- HTTP API ---------------------------------------------------------------------------

    def _routes(self) -> None:
        self.app.router.add_get("/conversations/{cid}/tracker", self._tracker)
        self.app.router.add_post("/conversations/{cid}/tracker/events", self._events)
        self.app.router.add_post("/conversations/{cid}/execute", self._execute)

    def _refuse(self) -> web.Response | None:
        if self.fail_api:
            return web.json_response({"message": "broken on purpose"}, status=500)
        return None

    async def _tracker(self, request: web.Request) -> web.Response:
        cid = request.match_info["cid"]
        self.api_calls.append(("tracker", cid, dict(request.query)))
        refusal = self._refuse()
        if refusal is not None:
            return refusal
        if cid not in self.conversations:
            return web.json_response({"message": "not found"}, status=404)
        return web.json_response(self.conversations[cid].as_tracker(cid))

    async def _events(self, request: web.Request) -> web.Response:
        cid = request.match_info["cid"]
        body = await request.json()
        self.api_calls.append(("events", cid, body))
        refusal = self._refuse()
        if refusal is not None:
            return refusal
        conversation = self.conversation(cid)
        for event in body if isinstance(body, list) else [body]:
            event = dict(event, timestamp=time.time())
            conversation.events.append(event)
            if event["event"] == "pause":
                conversation.paused = True
            elif event["event"] == "resume":
                conversation.paused = False
            elif event["event"] == "slot":
                conversation.slots[event["name"]] = event["value"]
            elif (event["event"] == "bot" and request.query.get("execute_side_effects") == "true"
                  and request.query.get("output_channel") == "socketio"):
                await self._say(cid, {"text": event.get("text", "")})  # as Rasa's socketio output
        return web.json_response(conversation.as_tracker(cid))

    async def _execute(self, request: web.Request) -> web.Response:
        cid = request.match_info["cid"]
        body = await request.json()
        self.api_calls.append(("execute", cid, {**body, **dict(request.query)}))
        refusal = self._refuse()
        if refusal is not None:
            return refusal
        conversation = self.conversation(cid)
        name = body["name"]
        text = STAFF_TEXTS.get(name) or str(conversation.slots.get("staff_message", ""))
        result: dict[str, Any] = {"tracker": conversation.as_tracker(cid)}
        if conversation.channel == "socketio":
            await self._say(cid, {"text": text})
        else:  # Rasa collects messages for channels it cannot push to
            result["messages"] = [{"recipient_id": cid, "text": text}]
        return web.json_response(result)

    # -- lifecycle --------------------------------------------------------------------------

    def _serve(self) -> None:
        asyncio.set_event_loop(self.loop)
        self._runner = web.AppRunner(self.app)
        self.loop.run_until_complete(self._runner.setup())
        site = web.TCPSite(self._runner, "127.0.0.1", 0, shutdown_timeout=1.0)
        self.loop.run_until_complete(site.start())
        self.port = site._server.sockets[0].getsockname()[1]
        self._ready.set()
        self.loop.run_forever()

    def start(self) -> FakeRasa:
        self._thread = threading.Thread(target=self._serve, name="fake-rasa", daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("fake Rasa did not start")
        return self

    def stop(self) -> None:
        if self._runner is not None:
            try:
                asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self.loop).result(10)
            except Exception:  # a client still connected must not fail the teardown
                pass
        self.loop.call_soon_threadsafe(self.loop.stop)
        if self._thread is not None:
            self._thread.join(10)
