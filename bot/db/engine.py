"""Engine and session factory: one engine per URL, one short session per unit of work.

SQLite is the embedded default, so it gets WAL and a busy timeout: the Rasa server, the action
server and the console write to the same file at once. PostgreSQL uses the same code.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from bot.config import get_settings

_lock = threading.Lock()
_engines: dict[str, Engine] = {}
_factories: dict[str, sessionmaker] = {}


def _prepare_sqlite(url: str) -> None:
    path = url.split("sqlite:///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
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
