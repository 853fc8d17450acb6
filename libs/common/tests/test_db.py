"""Database engines: SQLite by default (WAL, foreign keys), PostgreSQL through psycopg2."""

from __future__ import annotations

import eventlet
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from itpm_common.db import GreenLock, is_sqlite, make_engine, normalise_url


@pytest.mark.parametrize(("url", "expected"), [
    ("postgresql://itpm:secret@db:5432/planning", "postgresql+psycopg2://itpm:secret@db:5432/planning"),
    ("postgres://itpm:secret@db/planning", "postgresql+psycopg2://itpm:secret@db/planning"),
    ("postgresql+psycopg2://u@h/d", "postgresql+psycopg2://u@h/d"),
    ("sqlite:///data/planning.sqlite3", "sqlite:///data/planning.sqlite3"),
    ("sqlite:////abs/planning.sqlite3", "sqlite:////abs/planning.sqlite3"),
    ("sqlite://", "sqlite://"),
])
def test_normalise_url(url, expected):
    assert normalise_url(url) == expected


def test_is_sqlite():
    assert is_sqlite("sqlite:///x.db")
    assert is_sqlite("sqlite+pysqlite:///x.db")
    assert not is_sqlite("postgresql+psycopg2://u@h/d")


def test_sqlite_pragmas_are_applied_on_every_connection(engine):
    # Each pooled connection gets the pragmas, not just the first one.
    with engine.connect() as a, engine.connect() as b:
        for conn in (a, b):
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL


def test_foreign_keys_are_enforced(engine):
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE parent (id INTEGER PRIMARY KEY)"))
        conn.execute(text("CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id))"))
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(text("INSERT INTO child (id, parent_id) VALUES (1, 42)"))


def test_sqlite_parent_directory_is_created(tmp_path):
    path = tmp_path / "data" / "nested" / "planning.sqlite3"
    eng = make_engine(f"sqlite:///{path}")
    try:
        with eng.begin() as conn:
            conn.execute(text("CREATE TABLE t (x INTEGER)"))
        assert path.exists()
    finally:
        eng.dispose()


def test_in_memory_sqlite_works():
    eng = make_engine("sqlite:///:memory:")
    try:
        with eng.connect() as conn:
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    finally:
        eng.dispose()


@pytest.mark.parametrize("url", ["postgresql://itpm:secret@127.0.0.1:1/planning", "postgres://itpm@127.0.0.1:1/x"])
def test_postgres_urls_use_psycopg2(url):
    # Building the engine does not connect, so no server is needed.
    eng = make_engine(url)
    try:
        assert eng.dialect.name == "postgresql"
        assert eng.dialect.driver == "psycopg2"
        assert eng.pool._pre_ping is True
    finally:
        eng.dispose()


def test_green_lock_serialises_greenthreads():
    lock, order = GreenLock(True), []

    def worker(name):
        with lock.hold():
            order.append(f"{name} in")
            eventlet.sleep(0.01)  # yield while holding the lock
            order.append(f"{name} out")

    pool = eventlet.GreenPool()
    for name in ("a", "b", "c"):
        pool.spawn(worker, name)
    pool.waitall()
    assert order == ["a in", "a out", "b in", "b out", "c in", "c out"]


def test_disabled_green_lock_does_not_serialise():
    lock, order = GreenLock(False), []

    def worker(name):
        with lock.hold():
            order.append(f"{name} in")
            eventlet.sleep(0.01)
            order.append(f"{name} out")

    pool = eventlet.GreenPool()
    for name in ("a", "b"):
        pool.spawn(worker, name)
    pool.waitall()
    assert order == ["a in", "b in", "a out", "b out"]


def test_green_lock_is_released_after_an_exception():
    lock = GreenLock(True)
    with pytest.raises(RuntimeError), lock.hold():
        raise RuntimeError("inside the critical section")
    with eventlet.Timeout(1), lock.hold():
        pass
