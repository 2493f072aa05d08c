"""The work queue page and its JSON feed (refreshed when the live stream says cases changed).

The feed carries the rows as data and the table as HTML rendered by the same Jinja partial as
the page, so the refreshed table can never drift from the first render. Filters, search and
the page number travel in the query string, so a filtered view can be bookmarked or shared.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, render_template, request
from werkzeug.wrappers import Response

from bot.console.scope import current_scope
from bot.console.worklist import QueueFilters, describe_language, filter_choices, find_cases
from bot.db.engine import session_scope
from bot.db.models import utcnow

bp = Blueprint("queue", __name__, url_prefix="/staff")


def _load(filters: QueueFilters) -> dict[str, Any]:
    with session_scope(current_app.config["DATABASE_URL"]) as session:
        scope = current_scope(session)
        result = find_cases(session, filters, scope)
        choices = filter_choices(session, scope)
    if filters.language and filters.language not in dict(choices["languages"]):
        # A link to a language no open case has any more: keep it selected, not silently "All".
        label = describe_language(filters.language)
        choices["languages"].append((filters.language, label.text if label else filters.language))
    return {"result": result, "rows": result.rows, "counts": result.counts, "choices": choices,
            "filters": filters, "scope": scope, "generated_at": utcnow()}


@bp.get("")
def queue_page() -> str:
    context = _load(QueueFilters.from_args(request.args))
    return render_template("staff/queue.html", **context)


@bp.get("/api/queue")
def queue_feed() -> Response:
    context = _load(QueueFilters.from_args(request.args))
    result = context["result"]
    return jsonify(
        generated_at=context["generated_at"].isoformat() + "Z",
        counts=result.counts.as_json(),
        matched=result.matched,
        page=result.page,
        cases=[row.as_json() for row in result.rows],
        table_html=render_template("staff/_queue_table.html", **context),
        counts_html=render_template("staff/_queue_counts.html", **context),
    )
