"""A private PostgreSQL cluster under var/scaled/postgres, on loopback, password-protected.

Why a private cluster: the machine's own PostgreSQL (if any) is not ours to reconfigure, and the
topology must come up and go away without a trace elsewhere. PostgreSQL refuses to run as
root, so when `up` runs as root the cluster belongs to the `postgres` system user (from the
Debian package) or, if that does not exist, to a dedicated `councilpg` system user created for
it; initdb, pg_ctl and the server run as that user through `runuser`. As a normal user they
simply run as that user. Connections: TCP on 127.0.0.1 with scram-sha-256 passwords only; the
Unix socket lives in var/scaled/postgres/run with peer authentication.
"""

from __future__ import annotations

import os
import pwd
import shutil
from pathlib import Path

import psycopg2
from psycopg2 import sql

from devtools.scaled.layout import HOST, PG_DATABASES, PG_ROLE, Layout
from devtools.scaled.packages import Binaries
from devtools.scaled.procs import pid_alive, read_pid, run

DEDICATED_USER = "councilpg"
START_TIMEOUT = 60
SERVER_SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "max_connections": "200",
    "shared_buffers": "128MB",
    "log_min_messages": "warning",
    "log_connections": "off",
}


def service_user() -> str | None:
    """Who runs the cluster: None for "this user" (not root), else a system user."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", DEDICATED_USER):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
         DEDICATED_USER])
    return DEDICATED_USER


def _as_user(user: str | None, argv: list[str]) -> list[str]:
    return ["runuser", "-u", user, "--", *argv] if user else argv


def _chown(path: Path, user: str | None) -> None:
    if user:
        entry = pwd.getpwnam(user)
        os.chown(path, entry.pw_uid, entry.pw_gid)


def _prepare_dirs(layout: Layout, user: str | None) -> None:
    for path in (layout.paths.postgres, layout.paths.pg_socket):
        path.mkdir(parents=True, exist_ok=True)
        path.chmod(0o700)
        _chown(path, user)


def initialised(layout: Layout) -> bool:
    return (layout.paths.pg_data / "PG_VERSION").exists()


def init_cluster(layout: Layout, binaries: Binaries) -> None:
    """initdb once, with the superuser password from secrets.json, then our settings."""
    user = service_user()
    _prepare_dirs(layout, user)
    if initialised(layout):
        return
    password_file = layout.paths.postgres / "pwfile"
    password_file.write_text(layout.secrets["pg_superuser"] + "\n", encoding="utf-8")
    password_file.chmod(0o600)
    _chown(password_file, user)
    try:
        run(_as_user(user, [
            binaries.pg("initdb"), "-D", str(layout.paths.pg_data), "-U", "postgres",
            f"--pwfile={password_file}", "--auth-local=peer", "--auth-host=scram-sha-256",
            "-E", "UTF8", "--no-locale",
        ]), timeout=180)
    finally:
        password_file.unlink(missing_ok=True)
    _write_settings(layout)


def _write_settings(layout: Layout) -> None:
    settings = {
        **SERVER_SETTINGS,
        "port": str(layout.ports.postgres),
        "unix_socket_directories": f"'{layout.paths.pg_socket}'",
    }
    lines = ["", "# devtools.scaled: loopback only, private socket directory"]
    lines += [f"{key} = {value}" for key, value in settings.items()]
    with (layout.paths.pg_data / "postgresql.conf").open("a", encoding="utf-8") as conf:
        conf.write("\n".join(lines) + "\n")


def pid(layout: Layout) -> int | None:
    return read_pid(layout.paths.pg_data / "postmaster.pid")


def running(layout: Layout) -> bool:
    return pid_alive(pid(layout))


def start(layout: Layout, binaries: Binaries) -> None:
    if running(layout):
        return
    user = service_user()
    log = layout.paths.postgres / "postgres.log"
    run(_as_user(user, [
        binaries.pg("pg_ctl"), "-D", str(layout.paths.pg_data), "-l", str(log), "-w",
        "-t", str(START_TIMEOUT), "start",
    ]), timeout=START_TIMEOUT + 30)


def stop(layout: Layout, binaries: Binaries) -> None:
    if not running(layout):
        return
    run(_as_user(service_user(), [
        binaries.pg("pg_ctl"), "-D", str(layout.paths.pg_data), "-m", "fast", "-w", "-t", "60",
        "stop",
    ]), timeout=90)


def _superuser_connection(layout: Layout, database: str = "postgres"):  # noqa: ANN202
    connection = psycopg2.connect(
        host=HOST, port=layout.ports.postgres, user="postgres", dbname=database,
        password=layout.secrets["pg_superuser"], connect_timeout=10,
    )
    connection.autocommit = True
    return connection


def ensure_databases(layout: Layout) -> None:
    """The application role (password from secrets.json) and its two databases, once."""
    connection = _superuser_connection(layout)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (PG_ROLE,))
            verb = "ALTER" if cursor.fetchone() else "CREATE"
            cursor.execute(sql.SQL(verb + " ROLE {} LOGIN PASSWORD %s").format(
                sql.Identifier(PG_ROLE)), (layout.secrets["pg_password"],))
            for database in PG_DATABASES:
                cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,))
                if cursor.fetchone() is None:
                    cursor.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(
                        sql.Identifier(database), sql.Identifier(PG_ROLE)))
    finally:
        connection.close()


def reachable(layout: Layout) -> bool:
    try:
        psycopg2.connect(layout.database_url, connect_timeout=3).close()
    except psycopg2.Error:
        return False
    return True


def remove(layout: Layout) -> None:
    """Delete the cluster's files (after `stop`); used by `down --purge`."""
    shutil.rmtree(layout.paths.postgres, ignore_errors=True)
