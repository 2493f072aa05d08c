"""Console: subscribers page, broadcast preview, four eyes (a second supervisor approves), audit."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from bot.db.engine import session_scope
from bot.db.models import AuditLog, SmsBroadcast, SmsNotification
from bot.services.subscriptions import subscribe
from tests.console.conftest import add_staff, login, post


def test_broadcast_is_previewed_and_needs_a_second_supervisor(app: Flask, db_url: str) -> None:
    add_staff(db_url, "sup1", "supervisor")
    add_staff(db_url, "sup2", "supervisor")
    with session_scope(db_url) as session:
        subscribe(session, "westminster", "waste", "+447700900111", "sms")
        subscribe(session, "westminster", "parking", "+447700900222", "socketio")
    first, second = app.test_client(), app.test_client()
    login(first, "sup1")
    login(second, "sup2")
    page = first.get("/staff/admin/subscribers").get_data(as_text=True)
    assert "Bins, recycling and bulky waste" in page and "Parking permits and fines" in page

    form = {"council": "westminster", "service": "", "message": "Libraries reopen Monday."}
    preview = post(first, "/staff/admin/broadcasts", {**form, "action": "preview"},
                   page="/staff/admin/broadcasts").get_data(as_text=True)
    assert 'id="preview-recipients">2<' in preview and 'id="preview-segments">1<' in preview
    post(first, "/staff/admin/broadcasts", {**form, "action": "submit"},
         page="/staff/admin/broadcasts")
    with session_scope(db_url) as session:
        [broadcast] = session.execute(select(SmsBroadcast)).scalars().all()
        broadcast_id = broadcast.id
    decision = f"/staff/admin/broadcasts/{broadcast_id}/decision"
    post(first, decision, {"decision": "approve"}, page="/staff/admin/broadcasts")
    with session_scope(db_url) as session:
        assert session.get(SmsBroadcast, broadcast_id).state == "awaiting_approval"
        assert session.execute(select(SmsNotification)).first() is None
    post(second, decision, {"decision": "approve"}, page="/staff/admin/broadcasts")
    with session_scope(db_url) as session:
        row = session.get(SmsBroadcast, broadcast_id)
        assert (row.state, row.decided_by, row.recipients) == ("approved", "sup2", 2)
        assert len(session.execute(select(SmsNotification)).all()) == 2
        actions = session.execute(
            select(AuditLog.actor, AuditLog.action).where(AuditLog.action.like("broadcast.%"))
            .order_by(AuditLog.id)).all()
    assert [tuple(a) for a in actions] == [("sup1", "broadcast.draft"),
                                           ("sup2", "broadcast.approve")]
    history = second.get("/staff/admin/broadcasts").get_data(as_text=True)
    assert "2 recipients: 2 queued, 0 sent" in history
