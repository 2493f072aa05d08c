"""Client for the Rasa HTTP API calls the console makes: read a transcript, pause, send, resume.

Every call has a timeout and turns every failure into `RasaUnavailable` with a sentence staff
can act on; callers record the case change first, so a Rasa outage never loses staff work.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import requests

STAFF_JOINED = "utter_staff_joined"
STAFF_MESSAGE = "utter_staff_message"
STAFF_LEFT = "utter_staff_left"
STAFF_MESSAGE_SLOT = "staff_message"  # no longer set: see RasaClient.staff_message
RESUME_EVENTS = [{"event": "resume"}, {"event": "action", "name": "action_listen"}]
# Each channel's conversations have their own namespace (bot/channels/limits.py), so the
# conversation id recorded on the case names its channel. Never Rasa's "latest": that is
# whichever channel last wrote to the conversation, which a caller of another channel could
# once choose (issue #15).
CHANNEL_BY_PREFIX = (("sms-", "twilio_sms"), ("web-", "socketio"))
REST_CHANNEL = "rest"


def channel_for(conversation_id: str) -> str:
    """The channel a conversation belongs to, from its id's namespace."""
    for prefix, channel in CHANNEL_BY_PREFIX:
        if conversation_id.startswith(prefix):
            return channel
    return REST_CHANNEL


class RasaUnavailable(Exception):
    """The Rasa server could not do what was asked; `str()` is shown to staff."""


@dataclass(frozen=True)
class Delivery:
    """What happened to a message sent into a conversation.

    `delivered` is False when Rasa had no live channel for the conversation (e.g. it came in
    over the REST channel) and handed the message back to us instead of sending it.
    """

    delivered: bool
    channel: str | None


class RasaClient:
    def __init__(
        self, base_url: str, token: str = "", timeout: float = 10.0,
        http: requests.Session | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.http = http or requests.Session()

    # -- raw calls -------------------------------------------------------------------------

    def _url(self, conversation_id: str, suffix: str) -> str:
        return f"{self.base_url}/conversations/{quote(conversation_id, safe='')}/{suffix}"

    def _params(self, **extra: str) -> dict[str, str]:
        params = dict(extra)
        if self.token:
            params["token"] = self.token
        return params

    def _call(self, method: str, url: str, params: dict[str, str], body: Any = None) -> Any:
        try:
            response = self.http.request(
                method, url, params=params, json=body, timeout=self.timeout
            )
        except requests.Timeout as error:
            raise RasaUnavailable(
                f"The assistant server at {self.base_url} did not answer within "
                f"{self.timeout:g} seconds."
            ) from error
        except requests.RequestException as error:
            raise RasaUnavailable(
                f"Could not reach the assistant server at {self.base_url} "
                f"({type(error).__name__})."
            ) from error
        if response.status_code in (401, 403):
            raise RasaUnavailable(
                "The assistant server refused the console's token (check RASA_AUTH_TOKEN)."
            )
        if response.status_code == 404:
            raise RasaUnavailable("The assistant server has no record of this conversation.")
        if response.status_code == 409:
            raise RasaUnavailable("The assistant server is running but has no model loaded.")
        if response.status_code >= 400:
            raise RasaUnavailable(
                f"The assistant server answered {response.status_code}: {_message(response)}"
            )
        try:
            return response.json()
        except ValueError as error:
            raise RasaUnavailable("The assistant server sent a reply that is not JSON.") from error

    def tracker(self, conversation_id: str) -> dict[str, Any]:
        return self._call(
            "GET", self._url(conversation_id, "tracker"), self._params(include_events="ALL")
        )

    def append_events(self, conversation_id: str, events: list[dict[str, Any]]) -> dict[str, Any]:
        return self._call(
            "POST", self._url(conversation_id, "tracker/events"), self._params(), events
        )

    def execute(self, conversation_id: str, action: str) -> Delivery:
        body = self._call(
            "POST", self._url(conversation_id, "execute"),
            self._params(output_channel=channel_for(conversation_id)), {"name": action},
        )
        tracker = body.get("tracker") or {}
        # Rasa only returns "messages" when it fell back to collecting them (no live channel).
        collected = bool(body.get("messages"))
        return Delivery(delivered=not collected, channel=tracker.get("latest_input_channel"))

    # -- the hand-over protocol --------------------------------------------------------------

    def staff_joined(self, conversation_id: str) -> Delivery:
        """Pause the bot, then tell the resident a person has joined."""
        self.append_events(conversation_id, [{"event": "pause"}])
        return self.execute(conversation_id, STAFF_JOINED)

    def staff_message(self, conversation_id: str, text: str, officer: str = "") -> Delivery:
        """Send staff text, exactly as written, through the resident's own channel.

        It goes in as a bot event with Rasa's `execute_side_effects`, which sends the event's
        own text to the channel; the tracker store then keeps a redacted copy. (Through the
        `staff_message` slot and `utter_staff_message`, the text was read back from the
        redacted store, so a resident got "[PHONE]" where the officer wrote a number.) A REST
        conversation has no live channel: the message is recorded, not delivered. `officer` is
        the writer's first name, shown to a web-chat resident ("Council officer Sam").
        """
        channel = channel_for(conversation_id)
        metadata = {"utter_action": STAFF_MESSAGE, "sender": "staff"}
        if officer:
            metadata["staff_name"] = officer  # the web chat shows "Council officer <name>"
        event = {"event": "bot", "text": text, "metadata": metadata}
        live = channel != REST_CHANNEL
        params = (self._params(output_channel=channel, execute_side_effects="true") if live
                  else self._params())
        self._call("POST", self._url(conversation_id, "tracker/events"), params, [event])
        return Delivery(delivered=live, channel=channel)

    def staff_left(self, conversation_id: str) -> Delivery:
        """Tell the resident the assistant is back, then resume the bot.

        The trailing `action_listen` matters: actions run through /execute are not followed
        by one, and Rasa's rules only match a user turn that comes after `action_listen`, so
        without it the bot's first answer after a hand-back is silence.
        """
        delivery = self.execute(conversation_id, STAFF_LEFT)
        self.append_events(conversation_id, RESUME_EVENTS)
        return delivery


def _message(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    if isinstance(body, dict):
        return str(body.get("message") or body.get("reason") or body)[:200]
    return str(body)[:200]
