"""The Rasa server's entry point: `python -m bot.server run …` is `rasa run …` with this
project's Rasa patches (bot.rasa_patches) installed first, in the open, by one call."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> None:
    from bot.rasa_patches import install

    install()
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *(sys.argv[1:] if argv is None else argv)]
    rasa_main()


if __name__ == "__main__":
    main()
