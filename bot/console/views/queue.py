"""The work queue page and its JSON feed (polled every 15 seconds by static/console.js).

The feed carries the rows as data and the table as HTML rendered by the same Jinja partial as
the page, so the refreshed table can never drift from the first render.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template, request
from flask_login import current_user
from werkzeug.wrappers import Response

from bot.console.worklist import (
    QueueCounts,
    QueueFilters,
    QueueRow,
    count_rows,
    describe_language,
    filter_choices,
    open_cases,
)
from bot.db.engine import session_scope
from bot.db.models import utcnow

bp = Blueprint("queue", __name__, url_prefix="/staff")


def _load(
    filters: QueueFilters,
) -> tuple[list[QueueRow], QueueCounts, dict[str, list[tuple[str, str]]]]:
    with session_scope(current_app.config["DATABASE_URL"]) as session:
        rows = open_cases(session, filters, current_user.username)
        choices = filter_choices(session)
    if filters.language and filters.language not in dict(choices["languages"]):
        # A link to a language no open case has any more: keep it selected, not silently "All".
        label = describe_language(filters.language)
        choices["languages"].append((filters.language, label.text if label else filters.language))
    return rows, count_rows(rows), choices


@bp.get("")
def queue_page() -> str:
    filters = QueueFilters.from_args(request.args)
    rows, counts, choices = _load(filters)
    return render_template(
        "staff/queue.html", rows=rows, counts=counts, choices=choices, filters=filters,
        generated_at=utcnow(),
    )


@bp.get("/api/queue")
def queue_feed() -> Response:
    filters = QueueFilters.from_args(request.args)
    rows, counts, _choices = _load(filters)
    now = utcnow()
    return jsonify(
        generated_at=now.isoformat() + "Z",
        counts=counts.as_json(),
        cases=[row.as_json() for row in rows],
        table_html=render_template("staff/_queue_table.html", rows=rows),
        counts_html=render_template("staff/_queue_counts.html", counts=counts,
                                    generated_at=now),
    )
