"""Supervisors keep each council's canned replies (/staff/admin/canned)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from bot.console import canned
from bot.console.security import require_supervisor
from bot.db.engine import session_scope
from bot.db.models import Council

bp = Blueprint("canned", __name__, url_prefix="/staff/admin/canned")
bp.before_request(require_supervisor)


@bp.get("")
def replies() -> str:
    with session_scope(current_app.config["DATABASE_URL"]) as session:
        councils = list(session.execute(select(Council).order_by(Council.name)).scalars())
        ids = [council.id for council in councils]
        selected = request.args.get("council") or (ids[0] if ids else "")
        if selected not in ids:
            abort(404)
        rows = canned.replies_for(session, selected)
        names = {council.id: council.short_name for council in councils}
    return render_template("staff/canned.html", councils=councils, selected=selected,
                           council_name=names[selected], replies=rows,
                           placeholders=canned.PLACEHOLDERS)


def _back(council_id: str) -> Response:
    return redirect(url_for("canned.replies", council=council_id))


@bp.post("/<council_id>")
def save(council_id: str) -> Response:
    raw_id = request.form.get("id", "")
    reply_id = int(raw_id) if raw_id.isdigit() and len(raw_id) < 10 else None
    try:
        with session_scope(current_app.config["DATABASE_URL"]) as session:
            canned.save(session, current_user.username, council_id,
                        request.form.get("title", ""), request.form.get("body", ""), reply_id)
        flash("Canned reply saved.", "success")
    except ValueError as error:
        flash(f"Not saved: {error}", "error")
    except LookupError:
        abort(404)
    return _back(council_id)


@bp.post("/<council_id>/<int:reply_id>/delete")
def delete(council_id: str, reply_id: int) -> Response:
    try:
        with session_scope(current_app.config["DATABASE_URL"]) as session:
            canned.delete(session, current_user.username, reply_id)
    except LookupError:
        abort(404)
    flash("Canned reply deleted.", "success")
    return _back(council_id)
