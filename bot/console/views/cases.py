"""A case: transcript from Rasa, contact details, issues, notes, history, and the actions.

Every page view writes an audit row; the live transcript feed writes one per viewer per
ten minutes so polling does not flood the log.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.wrappers import Response

from bot.console import audit
from bot.console.accounts import list_staff
from bot.console.canned import filled_for_case
from bot.console.casework import OUTCOMES, CaseDesk, CaseNotFound, Notice, find_case, live_with
from bot.console.labels import about, urgent_label
from bot.console.rasa_api import RasaClient, RasaUnavailable
from bot.console.scope import Scope, council_map, current_scope
from bot.console.transcript import Transcript, from_tracker
from bot.console.worklist import describe_language, sla_state
from bot.db.engine import session_scope
from bot.db.models import CASE_STATUSES, Council, Service, utcnow

bp = Blueprint("cases", __name__, url_prefix="/staff")
FEED_AUDIT_WINDOW = timedelta(minutes=10)


def _desk() -> CaseDesk:
    return current_app.config["CASE_DESK"]


def _transcript(conversation_id: str) -> tuple[Transcript | None, str]:
    client: RasaClient = current_app.config["RASA_CLIENT"]
    try:
        return from_tracker(client.tracker(conversation_id)), ""
    except RasaUnavailable as error:
        return None, str(error)


def _colleagues(session: Any, council_id: str | None) -> list[tuple[str, str]]:
    """(username, label) of active staff who may work a case of `council_id`."""
    councils = council_map(session)
    return [
        (person.username, f"{person.label} ({person.role})") for person in list_staff(session)
        if person.active and Scope(person.username, person.is_supervisor,
                                   frozenset(councils.get(person.username, []))
                                   ).allows(council_id)
    ]


def _case_context(reference: str, action: str, once: bool = False) -> dict[str, Any]:
    with session_scope(current_app.config["DATABASE_URL"]) as session:
        case = find_case(session, reference)
        if case is None or not current_scope(session).allows(case.council_id):
            abort(404)
        if once:
            audit.record_once(session, current_user.username, action, case.reference,
                              FEED_AUDIT_WINDOW)
        else:
            audit.record(session, current_user.username, action, case.reference)
        council = session.get(Council, case.council_id) if case.council_id else None
        service = session.get(Service, case.service_id) if case.service_id else None
        breached, sla_text = sla_state(case.sla_due_at, utcnow())
        context = {
            "case": case,
            "notes": list(case.notes),
            "events": list(case.events),
            "council_name": council.short_name if council else "Council not known",
            "service_name": service.name if service else "",
            "live_with": live_with(case),
            "language": describe_language(case.language),
            "breached": breached,
            "sla_text": sla_text,
            "about": about(case.category, case.urgent_category,
                           service.name if service else ""),
            "urgent_label": urgent_label(case.urgent_category),
            "colleagues": _colleagues(session, case.council_id),
            "outcomes": OUTCOMES,
            "canned": filled_for_case(session, case, current_user.display_name
                                      or current_user.username),
        }
    transcript, transcript_error = _transcript(context["case"].conversation_id)
    context.update(transcript=transcript, transcript_error=transcript_error)
    return context


@bp.get("/cases/<reference>")
def case_page(reference: str, draft: str = "") -> str:
    context = _case_context(reference, "case.view")
    statuses = [status for status in CASE_STATUSES if status != "resolved"]
    canned_id = request.args.get("canned", "")
    if not draft and canned_id.isdigit():  # no-script path of "insert a canned reply"
        draft = next((reply.text for reply in context["canned"]
                      if str(reply.id) == canned_id), "")
    return render_template("staff/case.html", statuses=statuses, draft=draft, **context)


@bp.get("/api/cases/<reference>/transcript")
def transcript_feed(reference: str) -> Response:
    context = _case_context(reference, "case.view_transcript", once=True)
    transcript = context["transcript"]
    return jsonify(
        paused=transcript.paused if transcript else None,
        error=context["transcript_error"] or None,
        count=len(transcript.lines) if transcript else 0,
        html=render_template("staff/_transcript.html", **context),
    )


def _in_scope(reference: str) -> None:
    """404 unless the case exists and the signed-in member of staff may work it."""
    with session_scope(current_app.config["DATABASE_URL"]) as session:
        case = find_case(session, reference)
        if case is None or not current_scope(session).allows(case.council_id):
            abort(404)


def _run(reference: str, do: Callable[[CaseDesk, str], list[Notice]]) -> Response:
    """Run one case action as the signed-in user, flash its notices, back to the case page."""
    _in_scope(reference)
    try:
        notices = do(_desk(), current_user.username)
    except CaseNotFound:
        abort(404)
    for notice in notices:
        flash(notice.text, notice.level)
    return redirect(url_for("cases.case_page", reference=reference))


@bp.post("/cases/<reference>/take")
def take(reference: str) -> Response:
    confirmed = request.form.get("confirm_takeover", "") == "1"
    return _run(reference, lambda desk, actor: desk.take(reference, actor, confirmed))


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


@bp.post("/cases/<reference>/reply")
def reply(reference: str) -> ResponseReturnValue:
    """Send a reply. From the page's script: JSON, no reload. From a plain form: back to the
    case, and on a refusal the page comes back with the typed text still in the box."""
    _in_scope(reference)
    message = request.form.get("message", "")
    try:
        notices = _desk().reply(reference, current_user.username, message)
    except CaseNotFound:
        abort(404)
    refused = any(notice.level == "error" for notice in notices)
    if _wants_json():
        body = jsonify(ok=not refused,
                       notices=[{"level": n.level, "text": n.text} for n in notices])
        return body, (409 if refused else 200)
    for notice in notices:
        flash(notice.text, notice.level)
    if refused:
        return case_page(reference, draft=message), 409
    return redirect(url_for("cases.case_page", reference=reference))


@bp.post("/cases/<reference>/hand-back")
def hand_back(reference: str) -> Response:
    supervisor = current_user.is_supervisor
    return _run(reference, lambda desk, actor: desk.hand_back(reference, actor, supervisor))


@bp.post("/cases/<reference>/resolve")
def resolve(reference: str) -> Response:
    outcome = request.form.get("outcome", "")
    confirmed = request.form.get("confirm", "") == "1"
    supervisor = current_user.is_supervisor
    return _run(reference, lambda desk, actor: desk.resolve(
        reference, actor, outcome, confirmed, supervisor))


@bp.post("/cases/<reference>/reopen")
def reopen(reference: str) -> Response:
    return _run(reference, lambda desk, actor: desk.reopen(reference, actor))


@bp.post("/cases/<reference>/assign")
def assign(reference: str) -> Response:
    assignee = request.form.get("assignee", "").strip()[:80] or None
    with session_scope(current_app.config["DATABASE_URL"]) as session:
        case = find_case(session, reference)
        allowed = bool(case) and assignee in dict(_colleagues(session, case.council_id))
    supervisor = current_user.is_supervisor
    return _run(reference, lambda desk, actor: desk.assign(
        reference, actor, assignee, allowed, supervisor))


@bp.post("/cases/<reference>/notes")
def add_note(reference: str) -> Response:
    body = request.form.get("body", "")
    return _run(reference, lambda desk, actor: desk.add_note(reference, actor, body))


@bp.post("/cases/<reference>/status")
def set_status(reference: str) -> Response:
    status = request.form.get("status", "")
    return _run(reference, lambda desk, actor: desk.set_status(reference, actor, status))
