"""Turn a Rasa tracker (events as JSON) into the transcript lines staff read on a case page.

The tracker store already redacts personal data, so this only selects and labels events.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

SYSTEM_EVENTS = {
    "pause": "Assistant paused: a member of staff is in the conversation",
    "resume": "Assistant resumed",
    "session_started": "New conversation session",
    "restart": "Conversation restarted",
}


@dataclass(frozen=True)
class Line:
    kind: str  # user | bot | system
    text: str
    at: datetime | None
    buttons: tuple[str, ...] = ()
    channel: str = ""


@dataclass(frozen=True)
class Transcript:
    lines: list[Line]
    paused: bool
    channel: str | None


def _time(value: Any) -> datetime | None:
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, tz=timezone.utc).replace(tzinfo=None)
    return None


def _bot_text(event: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
    data = event.get("data") or {}
    buttons = tuple(
        str(button.get("title", "")) for button in (data.get("buttons") or [])
        if isinstance(button, dict)
    )
    text = event.get("text") or ""
    if not text and data.get("custom"):
        text = "[custom message]"
    return str(text), buttons


def from_tracker(tracker: dict[str, Any]) -> Transcript:
    lines: list[Line] = []
    for event in tracker.get("events") or []:
        kind = event.get("event")
        at = _time(event.get("timestamp"))
        if kind == "user":
            lines.append(Line("user", str(event.get("text") or ""), at,
                              channel=str(event.get("input_channel") or "")))
        elif kind == "bot":
            text, buttons = _bot_text(event)
            lines.append(Line("bot", text, at, buttons))
        elif kind in SYSTEM_EVENTS:
            lines.append(Line("system", SYSTEM_EVENTS[kind], at))
    # Rasa logs a session start before the first message; it says nothing to staff.
    while lines and lines[0].kind == "system" and lines[0].text == SYSTEM_EVENTS["session_started"]:
        lines.pop(0)
    return Transcript(
        lines=lines, paused=bool(tracker.get("paused")),
        channel=tracker.get("latest_input_channel"),
    )
