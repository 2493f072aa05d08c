"""The Rasa server's entry point: `python -m bot.server run …` is `rasa run …` with this
project's Rasa patches (bot.rasa_patches) installed first, in the open, by one call.

Before anything heavy is imported, start-up is made quiet (bot/ops/logs.py): TensorFlow's C++
log and the deprecation warnings of rasa's dependencies are silenced. LOG_FORMAT is applied by
the health channel (bot/channels/health.py) once Rasa has configured its logging.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> None:
    from bot.ops.logs import quiet_startup

    quiet_startup(sanic=True)
    from bot.rasa_patches import install

    install()
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *(sys.argv[1:] if argv is None else argv)]
    rasa_main()


if __name__ == "__main__":
    main()
