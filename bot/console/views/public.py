"""Resident pages: a council chooser, each council's incident page with the chat widget, the
web-chat unsubscribe page, and the browser libraries served from node_modules (installed by
`npm ci`, never copied into the repo).
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    make_response,
    render_template,
    send_from_directory,
)
from sqlalchemy import select
from werkzeug.wrappers import Response

from bot.db.engine import session_scope
from bot.db.models import Council, IncidentUpdate, Service
from bot.services import unsubscribe_link
from bot.services.councils import to_info
from bot.services.greeting_turns import disruption_sentence
from bot.services.status import list_statuses

bp = Blueprint("public", __name__)

# name served -> path inside node_modules. An allowlist: nothing else there is reachable.
VENDOR_FILES = {
    "socket.io.min.js": "socket.io-client/dist/socket.io.min.js",
    "socket.io.min.js.map": "socket.io-client/dist/socket.io.min.js.map",
}
STATE_LABELS = {"operating": "Working", "disrupted": "Disrupted", "unavailable": "Not available"}


@bp.get("/")
def index() -> str:
    with session_scope(current_app.config["DATABASE_URL"]) as session:
        councils = [to_info(row) for row in session.execute(
            select(Council).order_by(Council.name)).scalars()]
        # what is disrupted comes from the status database now, never from the page's text
        disruption = {c.id: disruption_sentence(session, c.id) for c in councils}
    return render_template("public/index.html", councils=councils, disruption=disruption)


@bp.get("/c/<council_id>")
def council_page(council_id: str) -> str:
    with session_scope(current_app.config["DATABASE_URL"]) as session:
        row = session.get(Council, council_id)
        if row is None:
            abort(404)
        council = to_info(row)
        updates = list(session.execute(
            select(IncidentUpdate)
            .where(IncidentUpdate.council_id == council_id, IncidentUpdate.approved.is_(True))
            .order_by(IncidentUpdate.published_at.desc(), IncidentUpdate.id.desc())
            .limit(5)
        ).scalars())
        statuses = list_statuses(session, council_id)
    settings = current_app.config["CONSOLE_SETTINGS"]
    g.chat_socket_url = settings.chat_socket_url  # widens connect-src in the CSP
    return render_template(
        "public/council.html", council=council, latest=updates[0] if updates else None,
        earlier=updates[1:], statuses=statuses, state_labels=STATE_LABELS,
        chat_socket_url=settings.chat_socket_url,
    )


@bp.get("/vendor/<name>")
def vendor(name: str) -> Response:
    relative = VENDOR_FILES.get(name)
    if relative is None:
        abort(404)
    root = current_app.config["CONSOLE_SETTINGS"].node_modules
    if not (root / relative).is_file():
        current_app.logger.error("missing %s: run `npm ci` in the project root", root / relative)
        abort(404)
    return send_from_directory(root, relative, max_age=3600)


# --- the web-chat unsubscribe link (bot/services/unsubscribe_link.py) ----------------------------
# GET only shows what the link would stop and asks; the POST (CSRF-protected like every form
# here) ends that one subscription. The token is the only credential: the page is never cached
# or indexed (and the console's Referrer-Policy, same-origin, never sends it to another site).
PRIVATE_PAGE_HEADERS = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex, nofollow"}


def _unsubscribe_page(token: str, *, confirm: bool) -> Response:
    with session_scope(current_app.config["DATABASE_URL"]) as session:
        row = unsubscribe_link.find(session, token)
        if row is None:
            state, status, names = "unknown", 404, {}
        else:
            council, service = session.get(Council, row.council_id), session.get(
                Service, row.service_id)
            names = {"council": council.short_name if council else row.council_id,
                     "service": service.name if service else row.service_id}
            if confirm:
                state = "done" if unsubscribe_link.end(session, row) else "ended"
            else:
                state = "ask" if unsubscribe_link.is_live(row) else "ended"
            status = 200
    page = make_response(render_template("public/unsubscribe.html", state=state, token=token,
                                         **names), status)
    page.headers.update(PRIVATE_PAGE_HEADERS)
    return page


@bp.get("/unsubscribe/<token>")
def unsubscribe(token: str) -> Response:
    return _unsubscribe_page(token, confirm=False)


@bp.post("/unsubscribe/<token>")
def unsubscribe_confirm(token: str) -> Response:
    return _unsubscribe_page(token, confirm=True)
