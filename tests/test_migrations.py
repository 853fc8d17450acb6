"""Every service's migrations run up, all the way down and up again, on
SQLite and on PostgreSQL, leaving the append-only audit trigger in place."""

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from itpm_common.db import make_engine
from itpm_common.migrations import alembic_config, upgrade

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("planning", "review", "approval", "funds", "acceptance", "security", "gateway")


def migrations_of(package: str) -> Path:
    # By path: under pytest's importlib mode "gateway" may resolve to the
    # gateway/ folder (a namespace package) rather than the installed package.
    folder = REPO / "gateway" if package == "gateway" else REPO / "services" / package
    return folder / package / "migrations"


def round_trip(package: str, url: str) -> None:
    folder = migrations_of(package)
    upgrade(folder, url)
    engine = make_engine(url)
    try:
        tables = set(inspect(engine).get_table_names())
        assert {"outbox", "inbox", "idempotency", "audit_log", "audit_head"} <= tables
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO audit_log (seq, recorded_at, action, outcome, details, alg, prev_hash, "
                              "hash) VALUES (1, 't', 'a', 'ACCEPTED', '{}', 'sm3', 'p', 'h')"))
        with pytest.raises(DBAPIError), engine.begin() as conn:
            conn.execute(text("UPDATE audit_log SET action = 'b'"))
        with pytest.raises(DBAPIError), engine.begin() as conn:
            conn.execute(text("DELETE FROM audit_log"))
        command.downgrade(alembic_config(folder, url), "base")
        assert set(inspect(engine).get_table_names()) == {"alembic_version"}
        upgrade(folder, url)
        assert tables == set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


@pytest.mark.parametrize("package", PACKAGES)
def test_migrations_round_trip_on_sqlite(package, tmp_path):
    round_trip(package, f"sqlite:///{tmp_path / package}.sqlite3")


@pytest.mark.integration
@pytest.mark.parametrize("package", PACKAGES)
def test_migrations_round_trip_on_postgresql(package, pg_database_url):
    round_trip(package, pg_database_url)
