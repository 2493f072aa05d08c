"""`python -m bot.console`: serve the console with waitress (a production WSGI server, no debug),
and run the retention purge on its schedule (bot/ops/schedule.py) in a background thread."""

from __future__ import annotations

import logging

from bot.ops.logs import configure_logging, quiet_startup

PROCESS = "console"


def main() -> None:
    quiet_startup()
    configure_logging(PROCESS)
    from waitress import serve

    from bot.console.app import create_app
    from bot.console.live import WAITRESS_THREADS
    from bot.console.settings import get_console_settings
    from bot.ops.schedule import start_purge_schedule

    settings = get_console_settings()
    app = create_app()
    configure_logging(PROCESS)  # again: handlers added while the app was built
    logging.getLogger("bot.console").info(
        "console on http://%s:%s (Rasa at %s, secure cookies %s)",
        settings.host, settings.port, settings.rasa_url,
        "off" if settings.insecure_cookies else "on",
    )
    start_purge_schedule()
    # Live streams each hold a thread for minutes; bot.console.live caps them below this.
    serve(app, host=settings.host, port=settings.port, threads=WAITRESS_THREADS,
          ident="console")


if __name__ == "__main__":
    main()
