"""Engine and session factory: one engine per URL, one short session per unit of work.

SQLite is the embedded default, so it gets WAL and a busy timeout: the Rasa server, the action
server and the console write to the same file at once. PostgreSQL uses the same code.

Data at rest on SQLite (issue #15.7): the database file is created 0600 (and tightened to 0600
if it exists), and SQLite gives its -wal and -shm files the main file's mode; `secure_delete`
zeroes the bytes of deleted or overwritten rows instead of leaving them in free pages;
`journal_size_limit` makes the WAL shrink back after each checkpoint instead of keeping old
page images (a blanked SMS, a purged transcript) for ever; `checkpoint()` truncates the WAL
now, and the retention purge calls it after every run.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from bot.config import get_settings

_lock = threading.Lock()
_engines: dict[str, Engine] = {}
_factories: dict[str, sessionmaker] = {}


# The WAL is truncated back to this size after a checkpoint (SQLite keeps it at its largest
# otherwise); autocheckpoint every 1000 pages (~4 MB), SQLite's default, stated on purpose.
JOURNAL_SIZE_LIMIT = 4 * 1024 * 1024
WAL_AUTOCHECKPOINT_PAGES = 1000
PRIVATE_FILE_MODE = 0o600


def sqlite_path(url: str) -> Path | None:
    """The file behind a sqlite:/// URL; None for in-memory databases and other backends."""
    if not url.startswith("sqlite"):
        return None
    path = url.split("sqlite:///", 1)[-1].split("?", 1)[0]
    if not path or path == ":memory:" or url.rstrip("/") in ("sqlite:", "sqlite:/"):
        return None
    return Path(path)


def make_private(path: Path) -> None:
    """Create `path` empty with mode 0600 if missing, else tighten it (and -wal/-shm) to 0600."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE))
    except FileExistsError:
        pass
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        try:
            if candidate.stat().st_mode & 0o077:
                candidate.chmod(PRIVATE_FILE_MODE)
        except FileNotFoundError:
            continue
        except PermissionError:  # owned by another user: report it through readiness instead
            continue


def _prepare_sqlite(url: str) -> None:
    path = sqlite_path(url)
    if path is not None:
        make_private(path)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.execute(f"PRAGMA journal_size_limit={JOURNAL_SIZE_LIMIT}")
        cursor.execute(f"PRAGMA wal_autocheckpoint={WAL_AUTOCHECKPOINT_PAGES}")
        cursor.close()


def get_engine(url: str | None = None) -> Engine:
    """Return the process-wide engine for `url` (default: DATABASE_URL)."""
    url = url or get_settings().database_url
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            if url.startswith("sqlite"):
                _prepare_sqlite(url)
                # SQLAlchemy 1.4 opens a new SQLite connection (and runs the pragmas) for
                # every session by default; a small pool reuses them across threads.
                engine = create_engine(
                    url, future=True, poolclass=QueuePool, pool_size=5, max_overflow=10,
                    connect_args={"check_same_thread": False, "timeout": 10},
                )
                _configure_sqlite(engine)
            else:
                engine = create_engine(url, future=True, pool_pre_ping=True, pool_size=10)
            _engines[url] = engine
        return engine


def checkpoint(url: str | None = None) -> tuple[int, int, int] | None:
    """Copy the WAL into the database and truncate it to zero bytes (SQLite only).

    Returns SQLite's (busy, wal pages, pages checkpointed); busy=1 means a reader kept part of
    the WAL, which the next checkpoint (or the size limit) deals with. None on other backends.
    """
    engine = get_engine(url)
    if engine.dialect.name != "sqlite":
        return None
    with engine.connect() as connection:
        row = connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)")).one()
        connection.commit()
    return int(row[0]), int(row[1]), int(row[2])


def session_factory(url: str | None = None) -> sessionmaker:
    url = url or get_settings().database_url
    engine = get_engine(url)
    with _lock:
        factory = _factories.get(url)
        if factory is None:
            factory = sessionmaker(engine, future=True, expire_on_commit=False)
            _factories[url] = factory
        return factory


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    session: Session = session_factory(url)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def dispose_all() -> None:
    """Drop pooled connections (tests that delete database files call this)."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()
        _factories.clear()
