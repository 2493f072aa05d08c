"""Counters of the Rasa server process: turns and their duration by channel, intents,
conversations whose case became urgent, cases spooled while the action server was down, and
SMS parts Twilio's API did not take.

Where they are counted: every turn, whatever the channel (REST, web chat, SMS), ends with
Rasa saving the conversation's tracker through this project's tracker store; after a
successful save the store calls `observe_saved_turn` (registered by the health channel,
bot/channels/health.py) with the tracker and how many of its events were stored before. So
no channel or Rasa internal is wrapped, and a turn is counted once, when it is stored.

What is measured:
- `triage_turns_total{channel}`: resident messages handled (one per new user event);
- `triage_turn_duration_seconds{channel}`: from the message being understood (Rasa stamps
  the user event after NLU) to the turn being stored: dialogue policies, actions (the action
  server) and replies. Time spent waiting for a place at the turn gate and in NLU is not in it:
  REST's end-to-end time is the webhook's response time at the proxy;
- `triage_intents_total{intent}`: intents of those messages;
- `triage_urgent_cases_total{channel}`: turns after which the conversation has an urgent case
  (`case_ref` set and `case_priority` "urgent") and did not before (a new urgent case, or the
  conversation's case raised to urgent). The action server writes the case; the slots it sets
  are how the Rasa server sees it. Urgent cases spooled while the action server was down are
  counted in `triage_cases_spooled_total` (bot/rasa_patches/holding_reply.py).
- `triage_sms_send_failures_total{outcome}`: SMS parts deferred (Twilio's API down, retried),
  refused or expired, counted where the outbox sends (bot/channels/sms_delivery.py).

Labels stay low-cardinality: channels outside the known three are "other", intents outside
the domain's list (a typed "/anything" is parsed as an intent) are "other", and no label ever
holds a conversation id or any text.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterable
from typing import Any

from prometheus_client import Counter, Histogram, disable_created_metrics

disable_created_metrics()  # no `_created` series beside every counter: noise on a dashboard

CHANNELS = frozenset({"rest", "socketio", "twilio_sms"})
OTHER = "other"
CASE_REF_SLOT = "case_ref"
CASE_PRIORITY_SLOT = "case_priority"
URGENT = "urgent"
PRIORITIES = ("urgent", "high", "standard")

TURNS = Counter("triage_turns", "Resident messages handled (dialogue turns), by channel.",
                ["channel"])
TURN_SECONDS = Histogram(
    "triage_turn_duration_seconds",
    "From the message being understood (after NLU) to the turn being stored, by channel.",
    ["channel"], buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 60.0),
)
INTENTS = Counter("triage_intents", "Intents of resident messages (outside the domain: other).",
                  ["intent"])
URGENT_CASES = Counter(
    "triage_urgent_cases",
    "Turns after which the conversation has an urgent case and did not before, by channel.",
    ["channel"],
)
CASES_SPOOLED = Counter(
    "triage_cases_spooled",
    "Cases spooled to disk by the Rasa server while the action server was unreachable.",
    ["priority"],
)

SMS_SEND_FAILURES = Counter(
    "triage_sms_send_failures",
    "SMS parts Twilio's API did not take: deferred (retried later), refused, or expired "
    "(given up after SMS_OUTBOX_GIVE_UP_HOURS).",
    ["outcome"],
)
SEND_FAILURES = ("deferred", "refused", "expired")

for _channel in sorted(CHANNELS):  # every series exists from the start (rate() needs a zero)
    TURNS.labels(_channel)
    URGENT_CASES.labels(_channel)
for _priority in PRIORITIES:
    CASES_SPOOLED.labels(_priority)
for _outcome in SEND_FAILURES:
    SMS_SEND_FAILURES.labels(_outcome)


def channel_label(channel: str | None) -> str:
    return channel if channel in CHANNELS else OTHER


def intent_label(intent: str | None, known: Iterable[str] | None) -> str:
    if not intent:
        return "none"
    if known is None or intent in known:
        return intent
    return OTHER


def _case_slots(events: Iterable[Any]) -> tuple[Any, Any]:
    """(case_ref, case_priority) after `events`, replayed from a conversation's start."""
    from rasa.shared.core.events import AllSlotsReset, Restarted, SlotSet

    values: dict[str, Any] = {CASE_REF_SLOT: None, CASE_PRIORITY_SLOT: None}
    for event in events:
        if isinstance(event, Restarted | AllSlotsReset):
            values = dict.fromkeys(values)
        elif isinstance(event, SlotSet) and event.key in values:
            values[event.key] = event.value
    return values[CASE_REF_SLOT], values[CASE_PRIORITY_SLOT]


def _is_urgent(slots: tuple[Any, Any]) -> bool:
    reference, priority = slots
    return bool(reference) and priority == URGENT


def observe_saved_turn(tracker: Any, stored: int, domain: Any = None,
                       now: float | None = None) -> None:
    """Count what the events after the first `stored` ones of `tracker` say (see above)."""
    from rasa.shared.core.events import UserUttered  # here: the SMS outbox imports this module

    events = list(tracker.events)
    new_events = events[stored:]
    user_events = [e for e in new_events if isinstance(e, UserUttered)]
    if not user_events:
        return  # an API call (staff joining, an appended event): not a resident's turn
    now = time.time() if now is None else now
    known_intents = getattr(domain, "intents", None) if domain is not None else None
    for event in user_events:
        channel = channel_label(event.input_channel)
        TURNS.labels(channel).inc()
        INTENTS.labels(intent_label(event.intent_name, known_intents)).inc()
    last = user_events[-1]
    channel = channel_label(last.input_channel)
    if last.timestamp:
        TURN_SECONDS.labels(channel).observe(max(0.0, now - last.timestamp))
    before = _case_slots(itertools.islice(events, stored))
    after = _case_slots(events)
    if _is_urgent(after) and (not _is_urgent(before) or before[0] != after[0]):
        URGENT_CASES.labels(channel).inc()


def count_spooled_case(priority: str) -> None:
    CASES_SPOOLED.labels(priority if priority in PRIORITIES else OTHER).inc()


def count_send_failure(outcome: str) -> None:
    """An SMS part Twilio's API did not take (bot/channels/sms_delivery.py)."""
    SMS_SEND_FAILURES.labels(outcome if outcome in SEND_FAILURES else OTHER).inc()
