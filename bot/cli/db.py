"""`bot db upgrade|seed`: schema migrations and seed data."""

from __future__ import annotations

import argparse

from bot.db.engine import session_scope
from bot.db.migrate import upgrade
from bot.db.seed import seed


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("db", help="database schema and seed data")
    actions = parser.add_subparsers(dest="db_action", required=True)
    up = actions.add_parser("upgrade", help="run Alembic migrations to the latest revision")
    up.set_defaults(handler=_upgrade)
    sd = actions.add_parser("seed", help="load the seed councils, services and statuses")
    sd.add_argument("--reset", action="store_true", help="overwrite statuses staff changed")
    sd.set_defaults(handler=_seed)


def _upgrade(_args: argparse.Namespace) -> int:
    upgrade()
    print("database is at the latest revision")
    return 0


def _seed(args: argparse.Namespace) -> int:
    with session_scope() as session:
        counts = seed(session, reset=args.reset)
    print("seeded: " + ", ".join(f"{value} {key}" for key, value in counts.items()))
    return 0
