"""Audit trail: who viewed or changed what, when. Written in the same transaction as the change."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import AuditLog, utcnow


def record(session: Session, actor: str, action: str, target: str = "", detail: str = "") -> None:
    session.add(AuditLog(actor=actor, action=action, target=target, detail=detail[:2000]))
    session.flush()


def describe_change(before: dict[str, object], after: dict[str, object]) -> str:
    """'status: new -> in_progress; assigned to: nobody -> amira' for the fields that changed.

    Every change keeps what it replaced, so the log alone can tell what a case looked like
    before any action, not just what it became.
    """
    parts = []
    for key in after:
        old, new = before.get(key), after.get(key)
        if old != new:
            parts.append(f"{key.replace('_', ' ')}: {_shown(old)} -> {_shown(new)}")
    return "; ".join(parts) or "no change"


def _shown(value: object) -> str:
    return "nobody" if value is None or value == "" else str(value)


def record_change(
    session: Session, actor: str, action: str, target: str,
    before: dict[str, object], after: dict[str, object], note: str = "",
) -> str:
    """Record an action with the before and after of every field it touched; returns the text."""
    detail = describe_change(before, after)
    if note:
        detail = f"{detail} ({note})"
    record(session, actor, action, target, detail)
    return detail


def record_once(
    session: Session, actor: str, action: str, target: str, window: timedelta
) -> bool:
    """Record unless the same actor did the same thing to the same target within `window`.

    For polling endpoints (the live transcript), so the log shows the viewing without a row
    every five seconds. Returns True when a row was written.
    """
    since = utcnow() - window
    seen = session.execute(
        select(AuditLog.id).where(
            AuditLog.actor == actor, AuditLog.action == action, AuditLog.target == target,
            AuditLog.created_at >= since,
        ).limit(1)
    ).first()
    if seen:
        return False
    record(session, actor, action, target)
    return True


def entries(
    session: Session, actor: str = "", target: str = "", before_id: int | None = None,
    limit: int = 100,
) -> list[AuditLog]:
    query = select(AuditLog).order_by(AuditLog.id.desc()).limit(limit)
    if actor:
        query = query.where(AuditLog.actor == actor)
    if target:
        query = query.where(AuditLog.target.contains(target))
    if before_id:
        query = query.where(AuditLog.id < before_id)
    return list(session.execute(query).scalars())
