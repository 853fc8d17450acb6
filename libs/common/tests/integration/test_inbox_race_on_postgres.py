"""Two workers holding copies of one delivery at once (a redelivery while the first copy is still being handled):
on PostgreSQL the second worker's inbox claim waits for the first transaction and then finds the event taken, so
the event is handled once and neither worker fails."""

from __future__ import annotations

import threading
import types
from datetime import datetime

from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import MetaData, func, select
from sqlalchemy.orm import sessionmaker

from itpm_common.clock import SHANGHAI, FixedClock
from itpm_common.db import GreenLock, make_engine
from itpm_common.events import CloudEvent, event_type
from itpm_common.migrations import create_infrastructure
from itpm_common.tables import add_infrastructure_tables
from itpm_common.uow import TransactionFactory


def _factory(url, tables, clock) -> TransactionFactory:
    """One worker's own connection pool, as another process of the service would have."""
    provider = types.SimpleNamespace(Session=sessionmaker(make_engine(url), expire_on_commit=False),
                                     lock=GreenLock(False), tables=tables, clock=clock, service_name="planning")
    return TransactionFactory(provider)


def test_a_delivery_handled_by_two_workers_at_once_is_handled_once(pg_database_url):
    tables = add_infrastructure_tables(MetaData())
    engine = make_engine(pg_database_url)
    with engine.begin() as conn:
        create_infrastructure(Operations(MigrationContext.configure(conn)))
    clock = FixedClock(datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI))
    ev = CloudEvent(type=event_type("review", "PlanReviewOpened"), source="/itpm/review", subject="p-1", data={},
                    time="2026-03-02T10:00:00+08:00")
    first_claimed, release = threading.Event(), threading.Event()
    outcomes: dict[str, object] = {}

    def worker(name, hold):
        factory = _factory(pg_database_url, tables, clock)
        try:
            with factory.event(ev, consumer="planning") as tx:
                if hold:
                    first_claimed.set()
                    release.wait(10)           # the second copy arrives while this one is mid-way
                if not tx.replayed:
                    tx.audit("plan_review_opened", project_id="p-1", article="第八条")
                outcomes[name] = "handled" if not tx.replayed else "replayed"
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test checks
            outcomes[name] = exc

    first = threading.Thread(target=worker, args=("first", True))
    first.start()
    assert first_claimed.wait(10)
    second = threading.Thread(target=worker, args=("second", False))
    second.start()
    second.join(1)
    assert second.is_alive()                   # its claim waits for the first transaction
    release.set()
    first.join(10)
    second.join(10)
    assert outcomes == {"first": "handled", "second": "replayed"}
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(tables.audit_log)) == 1
        assert conn.scalar(select(func.count()).select_from(tables.inbox)) == 1
    engine.dispose()
