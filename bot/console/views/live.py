"""/staff/api/stream: server-sent events of case changes for the signed-in member of staff.

Only changes to cases the viewer may see are sent. With `?case=REF` the stream also counts the
viewer as looking at that case, so colleagues see who else has it open. Past `MAX_STREAMS`
open streams the answer is 503 and the page falls back to refreshing every 15 seconds.
"""

from __future__ import annotations

import json
import threading

from flask import Blueprint, Response, abort, current_app, jsonify, request, stream_with_context
from flask_login import current_user

from bot.console.casework import find_case
from bot.console.live import Change, stream, watcher_for
from bot.console.scope import current_scope
from bot.db.engine import session_scope

bp = Blueprint("live", __name__, url_prefix="/staff/api")


# Red team (docs/security-review.md, RT-4): one signed-in account (many tabs, a script, a
# borrowed session) could hold all MAX_STREAMS, and every colleague's pages fell back to
# polling. Each member of staff may hold this many at once; the next gets the same 503.
PER_USER_STREAMS = 6
_user_streams: dict[str, int] = {}
_user_lock = threading.Lock()


def _take_user_stream(username: str) -> bool:
    with _user_lock:
        held = _user_streams.get(username, 0)
        if held >= PER_USER_STREAMS:
            return False
        _user_streams[username] = held + 1
        return True


def _release_user_stream(username: str) -> None:
    with _user_lock:
        held = _user_streams.get(username, 0) - 1
        if held > 0:
            _user_streams[username] = held
        else:
            _user_streams.pop(username, None)


def _too_many() -> Response:
    response = jsonify(error="Too many live connections; this page will refresh itself.")
    response.status_code = 503
    response.headers["Retry-After"] = "60"
    return response


def _encode(value: object) -> str:
    return json.dumps(value, separators=(",", ":"))


@bp.get("/stream", endpoint="stream")
def stream_changes() -> Response:
    database_url = current_app.config["DATABASE_URL"]
    reference = request.args.get("case", "").strip()[:20]
    council: str | None = None
    with session_scope(database_url) as session:
        scope = current_scope(session)
        if reference:
            case = find_case(session, reference)
            if case is None or not scope.allows(case.council_id):
                abort(404)
            reference, council = case.reference, case.council_id
    watcher = watcher_for(database_url)
    username = current_user.username
    if not _take_user_stream(username):
        return _too_many()
    if not watcher.streams.acquire(blocking=False):
        _release_user_stream(username)
        return _too_many()
    first: list[Change] = []
    if reference:
        watcher.enter(reference, council, username)
        first.append(Change(reference, council, "", "", None,
                            viewers=watcher.viewers(reference)))

    def closed() -> None:
        if reference:
            watcher.leave(reference, council, username)
        watcher.streams.release()
        _release_user_stream(username)

    response = Response(
        stream_with_context(stream(watcher, scope.allows, _encode, first=first,
                                   lifetime=current_app.config.get("STREAM_SECONDS", 300.0))),
        mimetype="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
    response.call_on_close(closed)
    return response
