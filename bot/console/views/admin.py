"""Supervisor area: service statuses, incident updates, SMS subscribers and broadcasts, staff
accounts and the audit log.

Statuses and updates go to the same database the action server reads, so the assistant's next
answer uses them. Every change writes an audit row in the same transaction.
"""

from __future__ import annotations

from contextlib import AbstractContextManager

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from bot.console import audit
from bot.console.accounts import create_staff, list_staff, normalise_username, set_active
from bot.console.scope import council_map, set_councils
from bot.console.security import require_supervisor
from bot.db.engine import session_scope
from bot.db.models import (
    SERVICE_STATES,
    STAFF_ROLES,
    Council,
    IncidentUpdate,
    Service,
    SmsBroadcast,
)
from bot.services import subscriptions
from bot.services.status import get_status, list_statuses, set_status

bp = Blueprint("admin", __name__, url_prefix="/staff/admin")
bp.before_request(require_supervisor)

UPDATE_KINDS = ("general", "data")
AUDIT_PAGE = 100
LIMITS = {"affected": 1000, "workaround": 1000, "expected_restoration": 120,
          "title": 200, "body": 4000, "message": 480}


def _db() -> AbstractContextManager[Session]:
    return session_scope(current_app.config["DATABASE_URL"])


def _councils(session: Session) -> list[Council]:
    return list(session.execute(select(Council).order_by(Council.name)).scalars())


def _field(name: str) -> str:
    return request.form.get(name, "").strip()[: LIMITS.get(name, 200)]


@bp.get("/statuses")
def statuses() -> str:
    with _db() as session:
        councils = _councils(session)
        ids = [council.id for council in councils]
        selected = request.args.get("council") or (ids[0] if ids else "")
        if selected not in ids:
            abort(404)
        views = list_statuses(session, selected)
    return render_template("staff/statuses.html", councils=councils, selected=selected,
                           statuses=views, states=SERVICE_STATES)


@bp.post("/statuses/<council_id>/<service_id>")
def update_status(council_id: str, service_id: str) -> Response:
    state = request.form.get("state", "")
    try:
        with _db() as session:
            old = get_status(session, council_id, service_id)
            view = set_status(
                session, council_id, service_id, state, updated_by=current_user.username,
                affected=_field("affected"), workaround=_field("workaround"),
                expected_restoration=_field("expected_restoration"),
            )
            fields = ("state", "affected", "workaround", "expected_restoration")
            audit.record_change(session, current_user.username, "status.update",
                                f"{council_id}/{service_id}",
                                {name: getattr(old, name) if old else None for name in fields},
                                {name: getattr(view, name) for name in fields})
        flash(f"{view.service_name} is now shown as {state}.", "success")
    except ValueError as error:
        flash(f"Not saved: {error}", "error")
    target = url_for("admin.statuses", council=council_id)
    return redirect(f"{target}#status-{service_id}")


@bp.get("/incidents")
def incidents() -> str:
    with _db() as session:
        councils = _councils(session)
        updates = list(session.execute(
            select(IncidentUpdate).order_by(IncidentUpdate.published_at.desc(),
                                            IncidentUpdate.id.desc()).limit(100)
        ).scalars())
    names = {council.id: council.short_name for council in councils}
    return render_template("staff/incidents.html", councils=councils, updates=updates,
                           names=names, kinds=UPDATE_KINDS)


@bp.post("/incidents")
def publish_incident() -> Response:
    council_id, kind = request.form.get("council", ""), request.form.get("kind", "")
    title, body = _field("title"), _field("body")
    with _db() as session:
        if session.get(Council, council_id) is None or kind not in UPDATE_KINDS:
            flash("Not published: choose a council and a kind of update.", "error")
        elif not title or not body:
            flash("Not published: an update needs a title and some text.", "error")
        else:
            update = IncidentUpdate(council_id=council_id, kind=kind, title=title, body=body,
                                    approved=True, published_by=current_user.username)
            session.add(update)
            session.flush()
            audit.record(session, current_user.username, "incident.publish",
                         f"{council_id}/update-{update.id}", title)
            flash("Update published. Residents and the assistant see it now.", "success")
    return redirect(url_for("admin.incidents"))


@bp.post("/incidents/<int:update_id>/visibility")
def incident_visibility(update_id: int) -> Response:
    visible = request.form.get("visible") == "1"
    with _db() as session:
        update = session.get(IncidentUpdate, update_id)
        if update is None:
            abort(404)
        before = {"shown_to_residents": "yes" if update.approved else "no"}
        update.approved = visible
        audit.record_change(session, current_user.username,
                            "incident.restore" if visible else "incident.withdraw",
                            f"{update.council_id}/update-{update.id}", before,
                            {"shown_to_residents": "yes" if visible else "no"}, update.title)
    flash("Update restored." if visible else "Update withdrawn from residents.", "success")
    return redirect(url_for("admin.incidents"))


# --- "text me when it's back": subscribers and broadcasts -----------------------------------


def _names(session: Session) -> tuple[list[Council], dict[str, str], list[Service]]:
    councils = _councils(session)
    services = list(session.execute(select(Service).order_by(Service.name)).scalars())
    return councils, {c.id: c.short_name for c in councils}, services


@bp.get("/subscribers")
def subscribers() -> str:
    with _db() as session:
        councils, names, services = _names(session)
        counts = subscriptions.subscriber_counts(session)
        waiting = subscriptions.pending_counts(session)
    service_names = {service.id: service.name for service in services}
    totals: dict[str, int] = {}
    for council_id, _service_id, count in counts:
        totals[council_id] = totals.get(council_id, 0) + count
    return render_template("staff/subscribers.html", counts=counts, names=names,
                           service_names=service_names, totals=totals, waiting=waiting)


def _broadcast_page(preview: subscriptions.BroadcastPreview | None = None,
                    form: dict[str, str] | None = None) -> str:
    with _db() as session:
        councils, names, services = _names(session)
        rows = subscriptions.broadcasts(session)
        figures = subscriptions.broadcast_figures(session, [row.id for row in rows])
        session.expunge_all()
    return render_template(
        "staff/broadcasts.html", councils=councils, names=names, services=services,
        service_names={service.id: service.name for service in services}, rows=rows,
        figures=figures, preview=preview, form=form or {}, me=current_user.username,
    )


@bp.get("/broadcasts")
def broadcasts() -> str:
    return _broadcast_page()


@bp.post("/broadcasts")
def draft_broadcast() -> str | Response:
    """Preview first ("preview"); "submit" stores it for a second supervisor's approval."""
    form = {"council": request.form.get("council", ""),
            "service": request.form.get("service", ""), "message": _field("message")}
    if request.form.get("action") != "submit":
        with _db() as session:
            if session.get(Council, form["council"]) is None:
                flash("Choose a council.", "error")
                return redirect(url_for("admin.broadcasts"))
            preview = subscriptions.preview_broadcast(session, form["council"],
                                                      form["service"] or None, form["message"])
        return _broadcast_page(preview, form)
    try:
        with _db() as session:
            row = subscriptions.draft_broadcast(session, form["council"], form["service"] or None,
                                                form["message"], current_user.username)
            recipients = len(subscriptions.subscribers_for(session, row.council_id,
                                                           row.service_id))
            audit.record(session, current_user.username, "broadcast.draft",
                         f"{row.council_id}/broadcast-{row.id}",
                         f"{recipients} recipients, {row.segments} segments: {row.body}")
        flash("Saved. A second supervisor must approve it before it is sent.", "success")
    except subscriptions.BroadcastError as error:
        flash(f"Not saved: {error}", "error")
    return redirect(url_for("admin.broadcasts"))


@bp.post("/broadcasts/<int:broadcast_id>/decision")
def decide_broadcast(broadcast_id: int) -> Response:
    approve = request.form.get("decision") == "approve"
    queued = 0
    try:
        with _db() as session:
            if approve:
                queued = subscriptions.approve_broadcast(session, broadcast_id,
                                                         current_user.username)
            else:
                subscriptions.reject_broadcast(session, broadcast_id, current_user.username)
            row = session.get(SmsBroadcast, broadcast_id)
            audit.record(session, current_user.username,
                         "broadcast.approve" if approve else "broadcast.reject",
                         f"{row.council_id if row else ''}/broadcast-{broadcast_id}",
                         f"{queued} texts queued" if approve else "")
        flash(f"Approved: {queued} texts queued." if approve else "Broadcast rejected.",
              "success")
    except subscriptions.BroadcastError as error:
        flash(f"Not done: {error}", "error")
    return redirect(url_for("admin.broadcasts"))


@bp.get("/staff")
def staff() -> str:
    with _db() as session:
        users = list_staff(session)
        councils = [(council.id, council.short_name) for council in _councils(session)]
        assigned = council_map(session)
    return render_template("staff/staff.html", users=users, roles=STAFF_ROLES,
                           councils=councils, assigned=assigned)


@bp.post("/staff/<username>/councils")
def staff_councils(username: str) -> Response:
    """Which councils' cases an agent sees and works (supervisors see every council)."""
    username = normalise_username(username)
    with _db() as session:
        if username not in {person.username for person in list_staff(session)}:
            abort(404)
        before, after = set_councils(session, username, request.form.getlist("council"))
        audit.record_change(session, current_user.username, "staff.councils",
                            f"staff:{username}", {"councils": ", ".join(before)},
                            {"councils": ", ".join(after)})
    flash(f"Councils for {username}: {', '.join(after) or 'none'}.", "success")
    return redirect(url_for("admin.staff"))


@bp.post("/staff")
def add_staff() -> Response:
    username = normalise_username(request.form.get("username", ""))
    password = request.form.get("password", "")
    if password != request.form.get("password_confirm", ""):
        flash("Not added: the two passwords are different.", "error")
        return redirect(url_for("admin.staff"))
    try:
        with _db() as session:
            create_staff(session, username, password, request.form.get("role", ""),
                         _field("display_name"))
            set_councils(session, username, request.form.getlist("council"))
            audit.record(session, current_user.username, "staff.add", f"staff:{username}",
                         request.form.get("role", ""))
        flash(f"Added {username}.", "success")
    except ValueError as error:
        flash(f"Not added: {error}", "error")
    return redirect(url_for("admin.staff"))


@bp.post("/staff/<username>/active")
def staff_active(username: str) -> Response:
    active = request.form.get("active") == "1"
    if normalise_username(username) == current_user.username and not active:
        flash("You cannot disable your own account.", "error")
        return redirect(url_for("admin.staff"))
    try:
        with _db() as session:
            was = {person.username: person.active for person in list_staff(session)}.get(
                normalise_username(username))
            set_active(session, username, active)
            audit.record_change(session, current_user.username,
                                "staff.enable" if active else "staff.disable",
                                f"staff:{username}",
                                {"active": None if was is None else ("yes" if was else "no")},
                                {"active": "yes" if active else "no"})
        flash(f"{'Enabled' if active else 'Disabled'} {username}.", "success")
    except ValueError as error:
        flash(str(error), "error")
    return redirect(url_for("admin.staff"))


@bp.get("/audit")
def audit_log() -> str:
    actor = request.args.get("actor", "").strip()[:80]
    target = request.args.get("target", "").strip()[:200]
    before = request.args.get("before", "")
    with _db() as session:
        rows = audit.entries(session, actor=actor, target=target, limit=AUDIT_PAGE,
                             before_id=int(before) if before.isdigit() and len(before) < 10
                             else None)
    older = rows[-1].id if len(rows) == AUDIT_PAGE else None
    return render_template("staff/audit.html", rows=rows, actor=actor, target=target,
                           older=older)
