"""Fixtures shared by the contract tests.

Everything runs without a broker or PostgreSQL: databases are SQLite files
under ``tmp_path``, created the way a service's Alembic migration creates
them (``create_infrastructure`` through real Alembic operations), so the
append-only triggers are present exactly as in production.
"""

from __future__ import annotations

import types
from datetime import datetime

import pytest
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import MetaData
from sqlalchemy.orm import sessionmaker

from itpm_common.clock import SHANGHAI, FixedClock
from itpm_common.db import GreenLock, make_engine
from itpm_common.identity import Identity, generate_keypair
from itpm_common.migrations import create_infrastructure
from itpm_common.tables import add_infrastructure_tables
from itpm_common.uow import TransactionFactory


@pytest.fixture
def fixed_now() -> datetime:
    # A receipt time with a non-zero second, so a wrong clock shows up in assertions.
    return datetime(2024, 10, 10, 15, 2, 11, tzinfo=SHANGHAI)


@pytest.fixture
def fixed_clock(fixed_now) -> FixedClock:
    return FixedClock(fixed_now)


@pytest.fixture
def db_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'service.sqlite3'}"


@pytest.fixture
def engine(db_url):
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def infra():
    return add_infrastructure_tables(MetaData())


@pytest.fixture
def migrate():
    """Run ``fn(op)`` with a real Alembic ``Operations`` bound to ``engine``."""

    def run(engine, fn) -> None:
        with engine.begin() as conn:
            fn(Operations(MigrationContext.configure(conn)))

    return run


@pytest.fixture
def migrated_engine(engine, migrate):
    migrate(engine, create_infrastructure)
    return engine


@pytest.fixture
def provider(migrated_engine, fixed_clock, infra):
    """What ``Transactions.setup`` would build, without a nameko container."""
    return types.SimpleNamespace(
        Session=sessionmaker(migrated_engine, expire_on_commit=False),
        lock=GreenLock(True),
        clock=fixed_clock,
        service_name="planning",
        tables=infra,
    )


@pytest.fixture
def factory(provider) -> TransactionFactory:
    return TransactionFactory(provider)


@pytest.fixture
def unit_user() -> Identity:
    return Identity(user_id="u-unit-1", name="张三", role="UNIT", unit_id="unit-001",
                    unit_name="市大数据管理局")


@pytest.fixture
def fg_officer() -> Identity:
    return Identity(user_id="u-fg-1", name="李四", role="FG", unit_id="fg", unit_name="市发改委")


@pytest.fixture
def key_files(tmp_path):
    private, public = tmp_path / "keys" / "identity.pem", tmp_path / "keys" / "identity.pub.pem"
    generate_keypair(private, public)
    return private, public


@pytest.fixture
def keypair(key_files) -> tuple[bytes, bytes]:
    private, public = key_files
    return private.read_bytes(), public.read_bytes()
