"""Find PostgreSQL, Redis and nginx, installing the Debian packages only when one is missing.

Why apt and only when missing: the topology uses the distribution's own servers (no
containers on the council's machine), and `up` must not touch a machine that already has them.
"""

from __future__ import annotations

import glob
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from devtools.scaled.procs import run

PG_BIN_GLOB = "/usr/lib/postgresql/*/bin"
APT_TIMEOUT = 900


@dataclass(frozen=True)
class Binaries:
    pg_bin: Path
    redis_server: Path
    nginx: Path

    def pg(self, tool: str) -> str:
        return str(self.pg_bin / tool)


def _version(bin_dir: Path) -> int:
    return int(bin_dir.parent.name) if bin_dir.parent.name.isdigit() else 0


def _pg_bin() -> Path | None:
    """The newest /usr/lib/postgresql/<major>/bin with initdb and pg_ctl."""
    found = sorted((Path(p) for p in glob.glob(PG_BIN_GLOB)), key=_version, reverse=True)
    return next((d for d in found if (d / "initdb").exists() and (d / "pg_ctl").exists()), None)


def _which(name: str, extra: tuple[str, ...] = ("/usr/sbin", "/usr/bin")) -> Path | None:
    found = shutil.which(name) or next(
        (f"{d}/{name}" for d in extra if Path(f"{d}/{name}").exists()), None)
    return Path(found) if found else None


def missing_packages() -> list[str]:
    missing = []
    if _pg_bin() is None:
        missing.append("postgresql")
    if _which("redis-server") is None:
        missing.append("redis-server")
    if _which("nginx") is None:
        missing.append("nginx")
    return missing


def install(packages: list[str]) -> None:
    """apt-get install the packages (root only); services are not enabled or started by us."""
    if os.geteuid() != 0:
        raise RuntimeError(
            f"missing {', '.join(packages)}: run `sudo apt-get install -y {' '.join(packages)}`")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    run(["apt-get", "update", "-qq"], env=env, timeout=APT_TIMEOUT)
    run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages], env=env,
        timeout=APT_TIMEOUT)


def ensure_binaries() -> Binaries:
    missing = missing_packages()
    if missing:
        print(f"installing {', '.join(missing)} with apt-get ...", flush=True)
        install(missing)
    pg_bin, redis, nginx = _pg_bin(), _which("redis-server"), _which("nginx")
    if pg_bin is None or redis is None or nginx is None:
        raise RuntimeError("PostgreSQL, redis-server or nginx still missing after apt-get")
    return Binaries(pg_bin=pg_bin, redis_server=redis, nginx=nginx)
