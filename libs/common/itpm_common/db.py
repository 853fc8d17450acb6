"""Database engines for services: SQLite by default, PostgreSQL by URL."""

from __future__ import annotations

import contextlib
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine


def normalise_url(url: str) -> str:
    # SQLAlchemy 2.1 maps postgresql:// to psycopg 3, which blocks eventlet;
    # psycopg2 is green-friendly once eventlet patches sockets.
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg2://" + url[len(prefix):]
    return url


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def make_engine(url: str, **kwargs) -> Engine:
    url = normalise_url(url)
    if is_sqlite(url):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                               **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10, **kwargs)


class GreenLock:
    """Serialises SQLite transactions between greenthreads of one process.

    SQLite's busy handler sleeps in C, which under eventlet would block the
    greenthread holding the lock too; taking turns in Python avoids that.
    PostgreSQL needs no such lock.
    """

    def __init__(self, enabled: bool):
        self._sem = None
        if enabled:
            from eventlet.semaphore import Semaphore
            self._sem = Semaphore(1)

    @contextlib.contextmanager
    def hold(self):
        if self._sem is None:
            yield
            return
        with self._sem:
            yield


def serialize_on(session, key: str) -> None:
    """Hold a transaction-scoped lock on ``key`` until commit or rollback.

    For check-then-insert rules with no row to lock yet (a business duplicate,
    a rank that must stay unique): on PostgreSQL two transactions would each
    miss the other's uncommitted row. SQLite needs nothing: a service's
    transactions already take turns (GreenLock).
    """
    if session.bind.dialect.name == "postgresql":
        from sqlalchemy import text

        session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": key})
