"""SMS segments per reply type (status, urgent, case confirmation, fallback), end to end.

Why measured through the real stack: what a resident pays for and reads is what the Twilio
channel sends for a whole turn (every bot message, buttons as "Reply 1 for ...", long ones
split and numbered), after the real Rasa and action servers chose the replies. Each scripted
conversation texts the signed webhook; the turn is done when the channel has marked the text
processed and the texts it queued for that turn have reached the fake Twilio API; those texts
(exactly what Twilio is asked to send) are counted in GSM-7/UCS-2 segments.
Targets (issue #14): status <= 2 segments (the "text me when it's back" offer included);
urgent <= 3 with the first text starting with the emergency numbers; scam steps <= 3.
"""

from __future__ import annotations

import re
import statistics
import time
import uuid
from typing import Any

from sqlalchemy import func, select

from bot.channels.sms_render import gsm7_segments
from bot.db.engine import session_scope
from bot.db.models import SmsConversation, SmsInboxItem, SmsOutboxItem
from devtools.scaled.residents import Target, outbox, target_from_stack, text

TURN_TIMEOUT = 90.0
POLL = 0.15
# (reply type, the texts of one conversation; the last turn's reply is the one measured).
# "person asked for" is the turn that opens the case and asks the first contact question.
SCRIPTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("status", ("is the tip open in westminster",)),
    ("status", ("are my bins being collected? W10 6EL",)),
    ("status", ("is council tax online working in hammersmith",)),
    ("status", ("can I renew a parking permit in W2",)),
    ("urgent", ("there's a strong smell of gas in my kitchen, W10 6EL",)),
    ("urgent", ("my partner hits me and I'm scared",)),
    ("urgent", ("I have nowhere to sleep tonight, I'm in W6",)),
    ("urgent", ("my boiler has broken and my 80 year old mum is freezing, W11 1AA",)),
    ("urgent", ("I've run out of money for food and the kids are hungry",)),
    ("case confirmation", ("can I talk to someone about my rent", "skip", "skip", "skip")),
    ("case confirmation", ("I want to make a complaint", "yes", "skip", "skip", "skip")),
    ("case confirmation", ("can I talk to someone about my rent", "just get me a person")),
    ("person asked for", ("is the library open in westminster", "can I speak to a person")),
    ("scam, card given", ("got a text about a council tax refund, clicked it and typed in my "
                          "card number",)),
    ("scam, card given", ("someone rang from the council and I gave them my bank details",)),
    ("fallback", ("qwerty zxcv",)),
    ("fallback", ("the thing with the stuff again",)),
)
STARTS_WITH_NUMBERS = re.compile(r"^(?:999|111|0\d{3}|Call 999|Gas: call 0800)")


def phone_number() -> str:
    return f"+4477009{uuid.uuid4().int % 100000:05d}"


def conversation_id(target: Target, phone: str) -> str | None:
    with session_scope(target.database_url) as session:
        row = session.execute(select(SmsConversation.conversation_id).where(
            SmsConversation.phone == phone)).first()
    return row[0] if row else None


def sms_turn(target: Target, phone: str, body: str) -> list[str]:
    """Text `body`; the texts the resident receives for that turn, in order.

    Done when the channel has marked the text processed (its inbox row is "done", so every
    reply part is queued in the SMS outbox) and as many texts as were queued have reached the
    (fake) Twilio API. Raises TimeoutError."""
    sid = "SM" + uuid.uuid4().hex
    with session_scope(target.database_url) as session:
        before = session.execute(select(func.max(SmsOutboxItem.id))).scalar() or 0
    already = len(outbox(target, phone))
    ack = text(target, phone, body, message_sid=sid)
    if not ack.ok:
        raise RuntimeError(f"webhook answered {ack.status} {ack.error}")
    deadline = time.monotonic() + TURN_TIMEOUT
    queued: int | None = None
    while time.monotonic() < deadline:
        if queued is None:
            with session_scope(target.database_url) as session:
                state = session.execute(select(SmsInboxItem.state).where(
                    SmsInboxItem.message_sid == sid)).scalar()
                if state == "done":
                    queued = session.execute(select(func.count(SmsOutboxItem.id)).where(
                        SmsOutboxItem.conversation_id == conversation_id(target, phone),
                        SmsOutboxItem.id > before)).scalar_one()
        if queued is not None:
            sent = outbox(target, phone)
            if len(sent) >= already + queued:
                return [m.get("body", "") for m in sent[already:already + queued]]
        time.sleep(POLL)
    raise TimeoutError(f"no answer to {body!r} within {TURN_TIMEOUT:.0f} s")


def measure(target: Target) -> dict[str, Any]:
    by_type: dict[str, list[dict[str, Any]]] = {}
    for kind, script in SCRIPTS:
        phone = phone_number()
        texts: list[str] = []
        for body in script:
            texts = sms_turn(target, phone, body)
        by_type.setdefault(kind, []).append({
            "said": script[-1], "texts": len(texts),
            "segments": sum(gsm7_segments(t) for t in texts),
            "first_has_numbers": bool(texts and STARTS_WITH_NUMBERS.match(texts[0])),
        })
    return by_type


def run() -> dict[str, Any]:
    from devtools.devstack import start_stack

    stack = start_stack()
    try:
        return measure(target_from_stack(stack))
    finally:
        stack.close(remove_files=True)


def format_results(results: dict[str, Any]) -> str:
    lines = [f"{'reply type':<18} {'n':>2} {'segments min/median/max':>24} {'texts max':>9}"]
    for kind, rows in results.items():
        segments = [r["segments"] for r in rows]
        lines.append(f"{kind:<18} {len(rows):>2} {min(segments):>10}/"
                     f"{statistics.median(segments):g}/{max(segments):<8} "
                     f"{max(r['texts'] for r in rows):>9}")
    urgent = results.get("urgent", [])
    if urgent:
        lines.append(f"urgent turns whose first text starts with the emergency numbers: "
                     f"{sum(r['first_has_numbers'] for r in urgent)}/{len(urgent)}")
    for kind, rows in results.items():
        for row in rows:
            lines.append(f"  {kind}: {row['segments']} segment(s), {row['texts']} text(s) "
                         f"<- {row['said']!r}")
    return "\n".join(lines)


if __name__ == "__main__":
    print(format_results(run()))
