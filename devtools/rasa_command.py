"""The one command line that starts a Rasa server, shared by every launcher.

Secrets and URLs are passed as ``--option=value`` so that a value starting with "-" (a
random token can) is never read by argparse as another option: that once stopped every
integration stack in CI.
"""

from __future__ import annotations

import sys
from pathlib import Path

from bot.config import PROJECT_ROOT

VENV_BIN = Path(sys.executable).parent


def rasa_run_argv(
    *,
    token: str,
    port: int,
    model: Path | str,
    endpoints: Path | str,
    cors: str,
    credentials: Path | str = PROJECT_ROOT / "credentials.yml",
    interface: str | None = None,
) -> list[str]:
    """argv for `rasa run` through bot.server (which installs the project's Rasa patches
    first), with the HTTP API behind `token` and CORS for one origin."""
    argv = [
        str(VENV_BIN / "python"), "-m", "bot.server", "run",
        "--enable-api", f"--auth-token={token}", f"--cors={cors}", f"--port={port}",
        f"--model={model}",
        f"--endpoints={endpoints}", f"--credentials={credentials}",
    ]
    if interface:
        argv.append(f"--interface={interface}")
    return argv
