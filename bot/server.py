"""The Rasa server's entry point: `python -m bot.server run …` is `rasa run …` with this
project's Rasa patches (bot.rasa_patches) installed first, in the open, by one call.

Before anything heavy is imported, start-up is made quiet (bot/ops/logs.py): TensorFlow's C++
log and the deprecation warnings of rasa's dependencies are silenced. LOG_FORMAT is applied by
the health channel (bot/channels/health.py) once Rasa has configured its logging.

`run` listens on 127.0.0.1 unless told otherwise (#15.9): `rasa run` binds 0.0.0.0, which put
the HTTP API (`/model`, `/conversations`, `/status`) on every interface of a `make run`
machine. Only a proxy in front should be public; pass `--interface 0.0.0.0` to mean it.
"""

from __future__ import annotations

import sys

LOOPBACK = "127.0.0.1"


def with_loopback_default(args: list[str]) -> list[str]:
    """`args` for rasa, with `--interface=127.0.0.1` added to `run` when none is given."""
    if not args or args[0] != "run":
        return list(args)
    named = any(a in ("-i", "--interface") or a.startswith("--interface=") for a in args)
    return list(args) if named else [*args, f"--interface={LOOPBACK}"]


def main(argv: list[str] | None = None) -> None:
    from bot.ops.logs import quiet_startup

    quiet_startup(sanic=True)
    from bot.rasa_patches import install

    args = with_loopback_default(sys.argv[1:] if argv is None else argv)
    install(serving=bool(args) and args[0] == "run")
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *args]
    rasa_main()


if __name__ == "__main__":
    main()
