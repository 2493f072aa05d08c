"""Cases that could not be written (database down or locked) wait on disk and are retried.

A resident who asked for help must never lose their case to a database hiccup: the request
is written to a small JSON file under var/pending_cases and replayed until it lands.
ensure_case is idempotent per conversation, so a replay never makes a second case.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from pathlib import Path

from bot.config import get_settings
from bot.db.engine import session_scope
from bot.services.case_kinds import CaseKind
from bot.services.cases import ensure_case
from bot.triage import UrgentCategory

logger = logging.getLogger(__name__)
_retry_thread: threading.Thread | None = None
_lock = threading.Lock()


def spool_dir() -> Path:
    path = get_settings().case_spool_dir
    path.mkdir(parents=True, exist_ok=True)
    return path


def spool_case(
    conversation_id: str,
    channel: str,
    category: str,
    priority: str,
    issue: str,
    council_id: str | None = None,
    urgent_category: str | None = None,
) -> Path:
    """Write the request atomically; the retry loop picks it up."""
    payload = {
        "conversation_id": conversation_id,
        "channel": channel,
        "category": category,
        "priority": priority,
        "issue": issue,
        "council_id": council_id,
        "urgent_category": urgent_category,
        "spooled_at": time.time(),
    }
    target = spool_dir() / f"{int(time.time() * 1000)}-{uuid.uuid4().hex}.json"
    temp = target.with_suffix(".tmp")
    temp.write_text(json.dumps(payload), encoding="utf-8")
    temp.replace(target)
    return target  # the action server's retry loop (started in actions/) writes it


def spool_request(
    conversation_id: str, channel: str, kind: CaseKind, text: str,
    council_id: str | None = None,
) -> Path:
    """Spool the case a resident's message asked for, when it cannot be written now.

    Both places that do this (an action whose database write failed, the Rasa server when the
    action server is unreachable) pass the kind `bot.services.case_kinds.case_kind_for` chose,
    so they agree: a message that discloses a risk is spooled as urgent whatever the action
    was. The issue text is redacted like any case summary.
    """
    from bot.services.turn import redact_for_case

    urgent = kind.urgent_category
    return spool_case(
        conversation_id, channel, kind.category, kind.priority,
        issue=redact_for_case(text)[:400], council_id=council_id,
        urgent_category=UrgentCategory(urgent).value if urgent else None,
    )


def replay_spool() -> int:
    """Write every spooled case that can be written now; return how many landed.

    One process replays (the action server): a file is claimed by renaming it first, so even
    a second replayer could never write the same case twice.
    """
    landed = 0
    for path in sorted(spool_dir().glob("*.json")):
        claimed = path.with_suffix(".claimed")
        try:
            path.rename(claimed)
        except FileNotFoundError:
            continue
        path = claimed
        payload = json.loads(path.read_text(encoding="utf-8"))
        try:
            with session_scope() as session:
                ensure_case(
                    session,
                    payload["conversation_id"],
                    payload["channel"],
                    payload["category"],
                    payload["priority"],
                    council_id=payload["council_id"],
                    issue=payload["issue"],
                    urgent_category=payload["urgent_category"],
                    submit=True,
                )
        except Exception:  # noqa: BLE001 - keep the file and try again later
            logger.warning("spooled case still cannot be written; will retry")
            path.rename(path.with_suffix(".json"))
            return landed
        path.unlink(missing_ok=True)
        landed += 1
    return landed


def _retry_forever(interval: float) -> None:
    while True:
        time.sleep(interval)
        if any(spool_dir().glob("*.json")):
            replay_spool()


def start_retry_loop(interval: float = 5.0) -> None:
    """Start the background retrier once per process."""
    global _retry_thread
    with _lock:
        if _retry_thread is None or not _retry_thread.is_alive():
            _retry_thread = threading.Thread(
                target=_retry_forever, args=(interval,), daemon=True, name="case-spool"
            )
            _retry_thread.start()
