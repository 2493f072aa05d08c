"""`python -m devtools.scaled up|down|status`: the scaled topology from the command line.

`up` installs what is missing (apt, root only), starts everything and prints where it listens;
`down` stops what `up` started (by pid file) and `down --purge` also deletes the PostgreSQL
data; `status` prints each component's pid and health. Exit status 0 means "as asked".
"""

from __future__ import annotations

import argparse

from devtools.scaled.topology import Topology


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.scaled", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("up", help="install if missing, start everything, print the URLs")
    down = commands.add_parser("down", help="stop everything started by `up`")
    down.add_argument("--purge", action="store_true", help="also delete the PostgreSQL data")
    commands.add_parser("status", help="pid and health of each component")
    args = parser.parse_args(argv)
    topology = Topology()
    if args.command == "up":
        topology.up()
        print(topology.describe())
        return 0 if topology.is_up() else 1
    if args.command == "down":
        topology.down(purge=args.purge)
        print(topology.describe())
        return 0
    print(topology.describe())
    return 0 if topology.is_up() else 3


if __name__ == "__main__":
    raise SystemExit(main())
