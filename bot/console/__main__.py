"""`python -m bot.console`: serve the console with waitress (a production WSGI server, no debug)."""

from __future__ import annotations

import logging

from waitress import serve

from bot.console.app import create_app
from bot.console.settings import get_console_settings


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = get_console_settings()
    app = create_app()
    logging.getLogger("bot.console").info(
        "console on http://%s:%s (Rasa at %s, secure cookies %s)",
        settings.host, settings.port, settings.rasa_url,
        "off" if settings.insecure_cookies else "on",
    )
    serve(app, host=settings.host, port=settings.port, threads=8, ident="console")


if __name__ == "__main__":
    main()
