"""`bot status list|set`: what residents are told about each service, kept current by staff."""

from __future__ import annotations

import argparse
import getpass

from bot.db.engine import session_scope
from bot.db.models import SERVICE_STATES
from bot.services.status import describe_age, list_statuses, set_status


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("status", help="service statuses per council")
    actions = parser.add_subparsers(dest="status_action", required=True)
    ls = actions.add_parser("list", help="show every service status")
    ls.add_argument("council", nargs="?", help="only this council id")
    ls.set_defaults(handler=_list)
    st = actions.add_parser("set", help="change one service's status for one council")
    st.add_argument("council")
    st.add_argument("service")
    st.add_argument("state", choices=SERVICE_STATES)
    st.add_argument("--note", help="what is affected (shown to residents)")
    st.add_argument("--workaround", help="what residents can do instead")
    st.add_argument("--restoration", help="expected restoration, e.g. 'Monday 1 December'")
    st.add_argument("--by", default=None, help="who made the change (default: your user name)")
    st.set_defaults(handler=_set)


def _list(args: argparse.Namespace) -> int:
    with session_scope() as session:
        views = list_statuses(session, args.council)
    for view in views:
        print(
            f"{view.council_id:20} {view.service_id:16} {view.state:12} "
            f"updated {describe_age(view.updated_at)} by {view.updated_by}"
        )
        if view.affected:
            print(f"{'':38}{view.affected}")
    return 0


def _set(args: argparse.Namespace) -> int:
    with session_scope() as session:
        view = set_status(
            session,
            args.council,
            args.service,
            args.state,
            updated_by=args.by or getpass.getuser(),
            affected=args.note,
            workaround=args.workaround,
            expected_restoration=args.restoration,
        )
    print(f"{view.council_id} {view.service_id} is now {view.state}")
    return 0
