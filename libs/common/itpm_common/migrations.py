"""Alembic helpers shared by every service's migrations."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from . import tables
from .audit import GENESIS, HEAD_ID
from .db import normalise_url

APPEND_ONLY_TABLES = ("audit_log",)


def create_infrastructure(op) -> None:
    """Create outbox, inbox, idempotency and the append-only audit chain."""
    op.create_table("outbox", *tables.outbox_columns())
    op.create_table("inbox", *tables.inbox_columns())
    op.create_table("idempotency", *tables.idempotency_columns())
    op.create_table("audit_log", *tables.audit_log_columns())
    head = op.create_table("audit_head", *tables.audit_head_columns())
    # Seeded so the first two concurrent writers both find a row to lock.
    op.bulk_insert(head, [{"id": HEAD_ID, "seq": 0, "hash": GENESIS}])
    for table in APPEND_ONLY_TABLES:
        forbid_update_and_delete(op, table)


def drop_infrastructure(op) -> None:
    for table in ("audit_head", "audit_log", "idempotency", "inbox", "outbox"):
        op.drop_table(table)
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY_TABLES:
            op.execute(f"DROP FUNCTION IF EXISTS {table}_append_only()")


def forbid_update_and_delete(op, table: str) -> None:
    """The database itself refuses to edit or delete audit records; the hash
    chain still detects tampering by someone who drops the trigger."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;"
            )
    elif dialect == "postgresql":
        op.execute(
            f"CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger AS $$ "
            f"BEGIN RAISE EXCEPTION '{table} is append-only'; END; $$ LANGUAGE plpgsql;"
        )
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only();"
        )


def alembic_config(migrations_dir: Path, database_url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir))
    cfg.set_main_option("sqlalchemy.url", normalise_url(database_url).replace("%", "%%"))
    return cfg


def upgrade(migrations_dir: Path, database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(migrations_dir, database_url), revision)


def run_env(target_metadata) -> None:
    """Body of every service's ``migrations/env.py``.

    The URL comes from the Alembic config (set by ``upgrade``) or, when the
    ``alembic`` command is used directly, from ``DATABASE_URL``.
    """
    import os

    from alembic import context

    cfg = context.config
    url = cfg.get_main_option("sqlalchemy.url") or normalise_url(os.environ["DATABASE_URL"])
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=target_metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    from .db import make_engine

    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=connection.dialect.name == "sqlite")
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()
