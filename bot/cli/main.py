"""Entry point of the `bot` console script: builds the parser from each area's module."""

from __future__ import annotations

import argparse
import importlib
import sys

# Each module has `register(subparsers)`; a module that is missing is skipped, so areas can
# land independently.
AREA_MODULES = (
    "bot.cli.db",
    "bot.cli.status",
    "bot.cli.cases",
    "bot.cli.staff",
    "bot.cli.sms",
    "bot.cli.privacy",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bot", description="Operate the triage assistant.")
    subparsers = parser.add_subparsers(dest="area", required=True)
    for name in AREA_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name != name:
                raise
            continue
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
