"""Looks up Rasa event classes by type name once, not on every event.

Why: Rasa 3.6 turns every stored or action-returned event dict back into an object through
`Event.resolve_by_type`, which walks the whole Event class tree (recursively, with an
`inspect.isabstract` check per class) for each event. Rebuilding a tracker of a few hundred
events did that walk a few hundred times; profiled under load it was the largest single cost
of reading a conversation back. The class tree does not change once Rasa is imported, so the
answer for a type name is remembered. Unknown names still raise (or return the default)
exactly as before, and are not remembered.
"""

from __future__ import annotations

from typing import Any

_installed = False


def install_event_type_cache() -> None:
    """Idempotent; wraps `Event.resolve_by_type` in this process."""
    global _installed
    if _installed:
        return
    from rasa.shared.core.events import Event

    original = Event.resolve_by_type
    known: dict[str, Any] = {}

    def resolve_by_type(type_name: str, default: Any = None) -> Any:
        found = known.get(type_name)
        if found is None:
            try:
                found = original(type_name, None)
            except ValueError:  # unknown name: Rasa's default, else its error
                if default is not None:
                    return default
                raise
            if found is None:  # "topic": Rasa's backwards-compatible None
                return None
            known[type_name] = found
        return found

    Event.resolve_by_type = staticmethod(resolve_by_type)
    _installed = True
