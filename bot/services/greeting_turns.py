"""The greeting, with what it says about the disruption read from the status database now.

Why not a fixed response: "our phone lines are disrupted" is wrong for a council whose lines
work, and wrong for every council once they are restored. One source of truth (issue #14.7).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.services.councils import get_council
from bot.services.status import list_statuses
from bot.services.turn import Outcome, TurnContext, resolve_turn_council

OFFER = (
    "I can tell you what's working, what to do instead, help if you're worried about your "
    "data, and get your problem to a member of staff. If you or someone else is in danger, "
    "call 999. What can I help with?"
)


def disruption_sentence(session: Session, council_id: str | None) -> str:
    """One sentence on the phone lines and services for this council (or all three), or ''."""
    views = list_statuses(session, council_id)
    down = [v for v in views if v.state != "operating"]
    if not down:
        return "All council services are working at the moment." if views else ""
    if council_id is None:
        return "Some council services are disrupted at the moment."
    council = get_council(session, council_id)
    where = f" in {council.short_name}" if council else ""
    phones = next((v for v in views if v.service_id == "phone_lines"), None)
    phones_down = phones is not None and phones.state != "operating"
    others = any(v.service_id != "phone_lines" for v in down)
    if phones_down and others:
        return f"The council phone lines and some services{where} are disrupted at the moment."
    if phones_down:
        return f"The council phone lines{where} are disrupted at the moment."
    working = " The council phone lines are working." if phones is not None else ""
    return f"Some council services{where} are disrupted at the moment.{working}"


def greet_turn(session: Session, ctx: TurnContext) -> Outcome:
    council_id = resolve_turn_council(session, ctx)
    sentence = disruption_sentence(session, council_id)
    text = f"Hello. I'm the council's assistant. {sentence} {OFFER}".replace("  ", " ")
    return Outcome().say(text)
