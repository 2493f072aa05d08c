"""The action server's entry point: `python -m bot.action_server --port 5055 --actions actions`
is `rasa run actions …` (the same rasa-sdk server and arguments) without importing Rasa
itself, with a quiet start-up and LOG_FORMAT applied (bot/ops/logs.py), and with /healthz,
/readyz, /metrics and per-action metrics added through rasa-sdk's plugin hook
(bot/ops/action_server.py).

rasa-sdk's own `main_from_args` configures logging and then serves at once; this does the
same steps with the log format applied in between, and one line saying where it listens
(rasa-sdk's own start-up lines, one per registered action, are quietened in bot/ops/logs.py).
"""

from __future__ import annotations

import logging

logger = logging.getLogger("bot.action_server")  # not "__main__" under -m
PROCESS = "actions"


def main(argv: list[str] | None = None) -> None:
    from bot.ops.logs import configure_logging, quiet_startup

    quiet_startup(sanic=True)
    from rasa_sdk import utils
    from rasa_sdk.constants import APPLICATION_ROOT_LOGGER_NAME
    from rasa_sdk.endpoint import create_argument_parser, run

    args = create_argument_parser().parse_args(argv)
    logging.getLogger("matplotlib").setLevel(logging.WARN)
    utils.configure_colored_logging(args.loglevel)
    utils.configure_file_logging(logging.getLogger(APPLICATION_ROOT_LOGGER_NAME),
                                 args.log_file, args.loglevel, args.logging_config_file)
    utils.update_sanic_log_level()
    configure_logging(PROCESS)
    from bot.ops.action_server import install

    install()
    logger.info("action server on port %s (actions from %s; SANIC_HOST is the interface)",
                args.port, args.actions)
    run(args.actions, args.port, args.cors, args.ssl_certificate, args.ssl_keyfile,
        args.ssl_password, args.auto_reload)


if __name__ == "__main__":
    main()
