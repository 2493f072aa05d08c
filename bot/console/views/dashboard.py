"""/staff/dashboard: the supervisor's picture of the day (bot/console/dashboard.py), with
server-drawn SVG charts (bot/console/charts.py)."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from bot.config import get_settings
from bot.console import charts
from bot.console.dashboard import day_picture
from bot.console.security import require_supervisor
from bot.db.engine import session_scope

bp = Blueprint("dashboard", __name__, url_prefix="/staff/dashboard")
bp.before_request(require_supervisor)


@bp.get("")
def overview() -> str:
    tracker_url = current_app.config.get("TRACKER_DB_URL") or get_settings().tracker_db_url
    with session_scope(current_app.config["DATABASE_URL"]) as session:
        picture = day_picture(session, tracker_url)
    return render_template("staff/dashboard.html", picture=picture, charts=charts)
