"""`bot privacy purge|export`: retention and subject access, run by staff (the console also
runs the purge on a schedule: bot/ops/schedule.py).

The rules live in bot.privacy.retention; this only parses arguments and prints results.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys

from bot.ops.schedule import JobBusy, guarded_purge
from bot.privacy.retention import export_resident, parse_age, purge


def _age(text: str) -> object:
    try:
        return parse_age(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from error


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("privacy", help="purge old personal data, export a resident's")
    actions = parser.add_subparsers(dest="privacy_action", required=True)
    pg = actions.add_parser(
        "purge",
        help="delete tracker events and clear contact details older than the limit "
             "(shorter per-council limits win)",
    )
    pg.add_argument("--older-than", required=True, type=_age, metavar="AGE",
                    help="e.g. 90d or 12h")
    pg.add_argument("--dry-run", action="store_true", help="count only, change nothing")
    pg.set_defaults(handler=_purge)
    ex = actions.add_parser("export", help="print everything held about a resident as JSON")
    who = ex.add_mutually_exclusive_group(required=True)
    who.add_argument("--phone", help="UK phone number, e.g. +447700900123")
    who.add_argument("--case", help="case reference, e.g. KC-7KQ2-M9XD")
    ex.set_defaults(handler=_export)


def _purge(args: argparse.Namespace) -> int:
    if args.dry_run:
        print(purge(args.older_than, dry_run=True, actor=getpass.getuser()).summary())
        return 0
    try:  # the same lease as the schedule (bot/ops/schedule.py): never two purges at once
        run = guarded_purge(args.older_than, actor=getpass.getuser())
    except JobBusy:
        print("error: a retention purge is running in another process; try again later",
              file=sys.stderr)
        return 1
    print(run.report.summary())
    return 0


def _export(args: argparse.Namespace) -> int:
    data = export_resident(phone=args.phone, reference=args.case, actor=getpass.getuser())
    print(json.dumps(data, indent=2, ensure_ascii=False))
    return 0
