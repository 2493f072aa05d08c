"""Every way we start Rasa must survive an auth token that starts with "-".

A random URL-safe token begins with "-" about one time in 64; argparse then read it as an
option and Rasa exited, which took down a whole CI run.
"""

from __future__ import annotations

import shlex
import subprocess
from pathlib import Path

import pytest
from rasa.__main__ import create_argument_parser

from bot.config import PROJECT_ROOT
from bot.ops.supervise import parse_arguments
from devtools.rasa_command import rasa_run_argv

AWKWARD_TOKENS = ["-225ehK8zuYL30JgfswONg", "--help", "plain-token_123"]


def parse_rasa(argv: list[str]):
    return create_argument_parser().parse_args(argv)


def procfile_rasa_line() -> str:
    """The Procfile's `rasa` command, as honcho hands it to the shell."""
    return next(
        row.split(":", 1)[1] for row in (PROJECT_ROOT / "Procfile").read_text().splitlines()
        if row.startswith("rasa:")
    )


def procfile_rasa_server_command() -> str:
    """The `python -m bot.server run ...` part of the Procfile's rasa line, which runs under
    the restart supervisor (`bot.ops.supervise --name rasa -- ...`, #15.8)."""
    line = procfile_rasa_line()
    wrapper, separator, command = line.partition(" -- ")
    assert separator, "the rasa line runs under bot.ops.supervise"
    assert shlex.split(wrapper)[1:] == ["-m", "bot.ops.supervise", "--name", "rasa"]
    return command


@pytest.mark.parametrize("token", AWKWARD_TOKENS)
def test_launcher_argv_keeps_the_token_whole(token: str) -> None:
    argv = rasa_run_argv(token=token, port=5005, model="models/m.tar.gz",
                         endpoints="endpoints.yml", cors="http://localhost:8000",
                         interface="127.0.0.1")
    assert argv[1:4] == ["-m", "bot.server", "run"]  # the Rasa patches are installed first
    args = parse_rasa(argv[3:])
    assert args.auth_token == token
    assert args.cors == ["http://localhost:8000"]
    assert args.port == 5005
    assert args.interface == "127.0.0.1"
    assert args.enable_api is True


@pytest.mark.parametrize("token", AWKWARD_TOKENS)
def test_procfile_rasa_line_keeps_the_token_whole(token: str, tmp_path: Path) -> None:
    line = procfile_rasa_line()
    command = shlex.split(procfile_rasa_server_command(), posix=True)
    assert command[0].endswith("python") and command[1:4] == ["-m", "bot.server", "run"]
    # Expand the variables exactly as the shell honcho uses would, then print one per line.
    expanded = subprocess.run(
        ["bash", "-c", "printf '%s\\n' " + line],
        env={"RASA_AUTH_TOKEN": token, "CONSOLE_URL": "http://localhost:8000",
             "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, check=True,
    ).stdout.splitlines()
    # The supervisor passes everything after `--` to its child unchanged (argv, no shell).
    wrapper_argv = expanded[1:]
    assert wrapper_argv[:5] == ["-m", "bot.ops.supervise", "--name", "rasa", "--"]
    child = parse_arguments(wrapper_argv[2:])[1]
    assert child == wrapper_argv[5:]
    assert child[0].endswith("python") and child[1:4] == ["-m", "bot.server", "run"]
    args = parse_rasa(child[3:])
    assert args.auth_token == token
    assert args.cors == ["http://localhost:8000"]


def test_the_rasa_server_listens_on_loopback_unless_told_otherwise() -> None:
    """`rasa run` binds 0.0.0.0; through bot.server (the Procfile, devstack, the benchmarks)
    the HTTP API stays on 127.0.0.1 unless an interface is named (#15.9)."""
    from bot.server import with_loopback_default

    procfile_args = shlex.split(procfile_rasa_server_command())[3:]
    assert parse_rasa(with_loopback_default(procfile_args)).interface == "127.0.0.1"
    launched = rasa_run_argv(token="t", port=5005, model="m", endpoints="e", cors="c")
    assert parse_rasa(with_loopback_default(launched[3:])).interface == "127.0.0.1"
    assert parse_rasa(with_loopback_default(["run", "--interface", "0.0.0.0"])).interface \
        == "0.0.0.0"
    assert parse_rasa(with_loopback_default(["run", "--interface=10.0.0.5"])).interface \
        == "10.0.0.5"
    assert with_loopback_default(["train"]) == ["train"]
