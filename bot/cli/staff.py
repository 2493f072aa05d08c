"""`bot staff add|list|disable|reset-2fa`: console staff accounts, without the console.

The first supervisor has to come from here. Passwords are never taken as an argument (they
would land in shell history and `ps`): they are prompted for twice, or read from stdin.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from bot.console import audit
from bot.console.accounts import create_staff, list_staff, set_active
from bot.console.scope import set_councils
from bot.console.second_factor import reset as reset_second_factor
from bot.db.engine import session_scope
from bot.db.models import STAFF_ROLES


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("staff", help="staff console accounts")
    actions = parser.add_subparsers(dest="staff_action", required=True)
    add = actions.add_parser("add", help="create a staff account")
    add.add_argument("username")
    add.add_argument("--role", choices=STAFF_ROLES, required=True)
    add.add_argument("--name", default="", help="full name shown in the console")
    add.add_argument("--password-stdin", action="store_true",
                     help="read the password from the first line of standard input")
    add.add_argument("--council", action="append", default=[], metavar="COUNCIL_ID",
                     help="a council whose cases an agent works (repeat for more); "
                          "supervisors see every council")
    add.set_defaults(handler=_add)
    ls = actions.add_parser("list", help="list staff accounts")
    ls.set_defaults(handler=_list)
    disable = actions.add_parser("disable", help="stop an account from signing in")
    disable.add_argument("username")
    disable.set_defaults(handler=_disable)
    reset = actions.add_parser(
        "reset-2fa", help="remove an account's second factor (lost phone); audited")
    reset.add_argument("username")
    reset.set_defaults(handler=_reset_2fa)


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Password again: "):
        raise ValueError("the two passwords are different")
    return first


def _add(args: argparse.Namespace) -> int:
    password = _read_password(args.password_stdin)
    with session_scope() as session:
        user = create_staff(session, args.username, password, args.role, args.name)
        _before, councils = set_councils(session, user.username, args.council)
    print(f"added {user.username} ({user.role})"
          + (f", councils: {', '.join(councils)}" if councils else ""))
    return 0


def _list(_args: argparse.Namespace) -> int:
    with session_scope() as session:
        users = list_staff(session)
    for user in users:
        state = "active" if user.active else "disabled"
        print(f"{user.username:24} {user.role:11} {state:9} {user.display_name}")
    return 0


def _disable(args: argparse.Namespace) -> int:
    with session_scope() as session:
        user = set_active(session, args.username, False)
    print(f"disabled {user.username}")
    return 0


def _reset_2fa(args: argparse.Namespace) -> int:
    """For the last supervisor who lost their phone: no other supervisor can reset it."""
    with session_scope() as session:
        user = reset_second_factor(session, args.username)
        audit.record(session, "(server admin)", "auth.totp_reset", user.username,
                     "second factor removed with bot staff reset-2fa; their sessions ended")
    print(f"reset two-factor sign-in for {user.username}: they set it up at the next sign-in")
    return 0
