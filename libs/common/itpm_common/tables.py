"""The infrastructure tables every service keeps in its own database.

Columns are defined once here and used both by the services' models
(``add_infrastructure_tables``) and by their Alembic migrations
(``itpm_common.migrations.create_infrastructure``), so the two never drift.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, Text, TypeDecorator

from .clock import SHANGHAI


class LocalDateTime(TypeDecorator):
    """A timestamp that always comes back aware, in Asia/Shanghai.

    SQLite keeps no offset and PostgreSQL answers in the session's zone; both
    are normalised so code and API output look the same on either database.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass an aware time from the clock")
        value = value.astimezone(SHANGHAI)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=SHANGHAI)
        return value.astimezone(SHANGHAI)


def outbox_columns():
    return [
        Column("seq", Integer, primary_key=True, autoincrement=True),
        Column("event_id", String(36), nullable=False, unique=True),
        Column("type", String(160), nullable=False),
        Column("subject", String(64), nullable=True),
        Column("body", Text, nullable=False),
        Column("created_at", LocalDateTime(), nullable=False),
        Column("published_at", LocalDateTime(), nullable=True, index=True),
    ]


def inbox_columns():
    return [
        Column("event_id", String(36), primary_key=True),
        Column("consumer", String(64), primary_key=True),
        Column("type", String(160), nullable=False),
        Column("processed_at", LocalDateTime(), nullable=False),
    ]


def idempotency_columns():
    return [
        Column("actor_id", String(64), primary_key=True),
        Column("key", String(128), primary_key=True),
        Column("command", String(64), nullable=False),
        Column("request_hash", String(64), nullable=False),
        Column("response", Text, nullable=False),
        Column("created_at", LocalDateTime(), nullable=False),
    ]


def audit_log_columns():
    return [
        Column("seq", Integer, primary_key=True, autoincrement=False),
        # ISO text, not DateTime: the hash must see the same bytes on every database.
        Column("recorded_at", String(40), nullable=False),
        Column("actor_id", String(64), nullable=True),
        Column("actor_role", String(16), nullable=True),
        Column("actor_unit", String(64), nullable=True),
        Column("action", String(64), nullable=False),
        Column("project_id", String(64), nullable=True, index=True),
        Column("outcome", String(16), nullable=False),
        Column("code", String(64), nullable=True),
        Column("rule", String(32), nullable=True),
        Column("article", String(32), nullable=True),
        Column("details", Text, nullable=False),
        Column("alg", String(16), nullable=False),
        Column("prev_hash", String(64), nullable=False),
        Column("hash", String(64), nullable=False),
    ]


def audit_head_columns():
    return [
        Column("id", Integer, primary_key=True, autoincrement=False),
        Column("seq", Integer, nullable=False),
        Column("hash", String(64), nullable=False),
    ]


@dataclass(frozen=True)
class InfrastructureTables:
    outbox: Table
    inbox: Table
    idempotency: Table
    audit_log: Table
    audit_head: Table


def add_infrastructure_tables(metadata: MetaData) -> InfrastructureTables:
    return InfrastructureTables(
        outbox=Table("outbox", metadata, *outbox_columns()),
        inbox=Table("inbox", metadata, *inbox_columns()),
        idempotency=Table("idempotency", metadata, *idempotency_columns()),
        audit_log=Table("audit_log", metadata, *audit_log_columns()),
        audit_head=Table("audit_head", metadata, *audit_head_columns()),
    )
