"""The remembered event class lookup answers exactly as Rasa's own walk does."""

from __future__ import annotations

import pytest
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered
from rasa.shared.utils.common import all_subclasses

from bot.rasa_patches.event_type_cache import install_event_type_cache

install_event_type_cache()


@pytest.mark.parametrize("cls", [UserUttered, SlotSet, ActionExecuted])
def test_known_names_resolve_to_their_class(cls: type[Event]) -> None:
    assert Event.resolve_by_type(cls.type_name) is cls
    assert Event.resolve_by_type(cls.type_name) is cls  # second call: from the cache


def test_every_concrete_event_class_resolves_as_rasa_would() -> None:
    for cls in all_subclasses(Event):
        first = next(c for c in all_subclasses(Event) if c.type_name == cls.type_name)
        assert Event.resolve_by_type(cls.type_name) is first


def test_unknown_name_raises_or_returns_the_default() -> None:
    with pytest.raises(ValueError, match="Unknown event name"):
        Event.resolve_by_type("no_such_event")
    assert Event.resolve_by_type("no_such_event", SlotSet) is SlotSet
    assert Event.resolve_by_type("topic") is None


def test_events_round_trip_through_their_dicts() -> None:
    events = [UserUttered("hi", {"name": "greet", "confidence": 0.9}), SlotSet("x", "y"),
              ActionExecuted("action_listen")]
    assert [Event.from_parameters(event.as_dict()) for event in events] == events
