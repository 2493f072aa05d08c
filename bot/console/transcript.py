"""Turn a Rasa tracker (events as JSON) into the transcript lines staff read on a case page.

The tracker store already redacts personal data, so this only selects and labels events.
A tapped button arrives as its payload ("/affirm", '/inform{"service":"parking"}'); staff
read the button's title instead ("Yes"), taken from the buttons the assistant last offered,
and the line is marked as a tap.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

STAFF_UTTER = "utter_staff_message"  # how a staff reply reaches the resident (rasa_api.py)
SYSTEM_EVENTS = {
    "pause": "Assistant paused: a member of staff is in the conversation",
    "resume": "Assistant resumed",
    "session_started": "New conversation session",
    "restart": "Conversation restarted",
}


@dataclass(frozen=True)
class Line:
    kind: str  # user | bot | staff | system
    text: str
    at: datetime | None
    buttons: tuple[str, ...] = ()
    channel: str = ""
    tapped: bool = False  # the resident tapped a button; `text` is its title


@dataclass(frozen=True)
class Transcript:
    lines: list[Line]
    paused: bool
    channel: str | None


def _time(value: Any) -> datetime | None:
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, tz=timezone.utc).replace(tzinfo=None)
    return None


def _offered(event: dict[str, Any]) -> dict[str, str]:
    """payload -> title of the buttons (or quick replies) in a bot event."""
    data = event.get("data") or {}
    offered: dict[str, str] = {}
    for button in (data.get("buttons") or data.get("quick_replies") or []):
        if isinstance(button, dict) and button.get("payload"):
            offered[str(button["payload"]).strip()] = str(button.get("title") or "")
    return offered


def _user_text(event: dict[str, Any], offered: dict[str, str]) -> tuple[str, bool]:
    """(what to show, tapped): a payload becomes the title of the button it came from."""
    text = str(event.get("text") or "")
    if not text.startswith("/"):
        return text, False
    title = offered.get(text.strip())
    if title:
        return title, True
    intent = text[1:].split("{", 1)[0].strip()
    return (intent.replace("_", " ").capitalize() or text), True


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
    offered: dict[str, str] = {}
    for event in tracker.get("events") or []:
        kind = event.get("event")
        at = _time(event.get("timestamp"))
        if kind == "user":
            text, tapped = _user_text(event, offered)
            lines.append(Line("user", text, at, channel=str(event.get("input_channel") or ""),
                              tapped=tapped))
            offered = {}
        elif kind == "bot":
            text, buttons = _bot_text(event)
            offered.update(_offered(event))
            metadata = event.get("metadata") or {}
            by_staff = isinstance(metadata, dict) and metadata.get("utter_action") == STAFF_UTTER
            lines.append(Line("staff" if by_staff else "bot", text, at, buttons))
        elif kind in SYSTEM_EVENTS:
            lines.append(Line("system", SYSTEM_EVENTS[kind], at))
    # Rasa logs a session start before the first message; it says nothing to staff.
    while lines and lines[0].kind == "system" and lines[0].text == SYSTEM_EVENTS["session_started"]:
        lines.pop(0)
    return Transcript(
        lines=lines, paused=bool(tracker.get("paused")),
        channel=tracker.get("latest_input_channel"),
    )
