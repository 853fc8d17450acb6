"""pytest fixtures shared by the suite's tests (loaded from the root conftest).

Integration tests talk to the machine's real RabbitMQ and PostgreSQL; these
fixtures give each test its own throw-away database and broker vhost so tests
never see each other's messages or rows.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import eventlet.patcher
import pika
import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import sessionmaker

from .clock import FixedClock
from .db import GreenLock, make_engine
from .errors import Refusal
from .events import CONTENT_TYPE, EXCHANGE, event_type
from .identity import Identity, TokenSigner, TokenVerifier, _CallerAccessor, generate_keypair
from .migrations import upgrade
from .topology import ServiceTopology, declare_all
from .uow import TransactionFactory
from .vhosts import create_vhost, delete_vhost

PG_URL = os.environ.get("ITPM_TEST_PG_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres")

DEMO_IDENTITIES = {
    "UNIT": Identity("police", "赵警官", "UNIT", "police", "市公安局"),
    "UNIT2": Identity("edu", "钱老师", "UNIT", "edu", "市教育局"),
    "ZWB": Identity("zwb", "王政务", "ZWB", "zwb", "市政务服务管理办公室"),
    "WX": Identity("wx", "李网信", "WX", "wx", "市委网信办"),
    "FG": Identity("fg", "张发改", "FG", "fg", "市发展和改革委员会"),
    "GX": Identity("gx", "刘工信", "GX", "gx", "市工业和信息化局"),
    "CZ": Identity("cz", "陈财政", "CZ", "cz", "市财政局"),
    "SJ": Identity("sj", "周审计", "SJ", "sj", "市审计局"),
    "LG": Identity("lg", "周组长", "LG", "lg", "市政务信息化工作领导小组"),
    "LGO": Identity("lgo", "冯秘书", "LGO", "lgo", "市政务信息化工作领导小组办公室"),
}


# One user per role, and a second department, as the services' unit tests sign them.
ROLE_USERS = {
    "UNIT": Identity("u-unit-a", "张三", "UNIT", "unit-a", "市民政局"),
    "UNIT_B": Identity("u-unit-b", "李四", "UNIT", "unit-b", "市交通运输局"),
    "ZWB": Identity("u-zwb-1", "王政务", "ZWB", "zwb", "市政务办"),
    "WX": Identity("u-wx-1", "网信甲", "WX", "wx", "市委网信办"),
    "FG": Identity("u-fg-1", "发改甲", "FG", "fg", "市发改委"),
    "GX": Identity("u-gx-1", "工信甲", "GX", "gx", "市工信局"),
    "CZ": Identity("u-cz-1", "财政甲", "CZ", "cz", "市财政局"),
    "SJ": Identity("u-sj-1", "审计甲", "SJ", "sj", "市审计局"),
    "BM": Identity("u-bm-1", "保密甲", "BM", "bm", "市国家保密局"),
    "LG": Identity("u-lg-1", "领导小组成员", "LG", "lg", "市政务信息化领导小组"),
    "JL": Identity("u-jl-1", "监理甲", "JL", "jl-co", "某监理公司"),
}


@pytest.fixture(scope="session")
def identity_keys(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("keys")
    private, public = folder / "identity_private.pem", folder / "identity_public.pem"
    generate_keypair(private, public)
    return private, public


@pytest.fixture(scope="session")
def token_for(identity_keys):
    signer = TokenSigner(identity_keys[0].read_bytes())

    def make(who: str | Identity) -> str:
        return signer.sign(DEMO_IDENTITIES[who] if isinstance(who, str) else who)

    return make


def _with_database(url: str, name: str) -> str:
    parsed = urlparse(url)
    return parsed._replace(path=f"/{name}").geturl()


@pytest.fixture
def pg_database_url():
    """A fresh PostgreSQL database for one test, dropped afterwards."""
    name = f"itpm_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg2://"),
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield _with_database(PG_URL, name)
    finally:
        with admin.connect() as conn:
            conn.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"), {"n": name})
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


@pytest.fixture
def amqp_vhost_uri():
    """A throw-away RabbitMQ vhost for one test."""
    vhost, uri = create_vhost()
    try:
        yield uri
    finally:
        delete_vhost(vhost)


@dataclass
class WorkerDeps:
    """What TransactionFactory reads from a Transactions provider, built
    without a container so nameko's worker_factory can use the real thing."""

    engine: object
    Session: object
    lock: GreenLock
    clock: object
    service_name: str
    tables: object

    def dispose(self) -> None:
        self.engine.dispose()


def migrated_sqlite(tmp_path: Path, service_name: str, migrations_dir: Path) -> str:
    url = f"sqlite:///{tmp_path / (service_name + '.sqlite3')}"
    upgrade(migrations_dir, url)
    return url


def worker_deps(url: str, service_name: str, tables, clock, lock: bool = True) -> WorkerDeps:
    engine = make_engine(url)
    return WorkerDeps(engine=engine, Session=sessionmaker(engine, expire_on_commit=False),
                      lock=GreenLock(lock), clock=clock, service_name=service_name, tables=tables)


def sqlite_worker_fixtures(service_name: str, migrations_dir: Path, tables, now):
    """The fixtures a service's unit tests build workers on, for its conftest to bind:
    ``db_url, clock, provider, other_instance = sqlite_worker_fixtures("funds", MIGRATIONS, infra, NOW)``.

    ``db_url`` a migrated SQLite file; ``clock`` fixed at ``now``; ``provider`` the worker
    dependencies on it; ``other_instance`` a second service instance on the same database, as
    another process would be: its own engine and no share in this process's SQLite lock."""

    @pytest.fixture
    def db_url(tmp_path):
        return migrated_sqlite(tmp_path, service_name, migrations_dir)

    @pytest.fixture
    def clock():
        return FixedClock(now)

    @pytest.fixture
    def provider(db_url, clock):
        deps = worker_deps(db_url, service_name, tables, clock)
        yield deps
        deps.dispose()

    @pytest.fixture
    def other_instance(db_url, clock):
        deps = worker_deps(db_url, service_name, tables, clock, lock=False)
        yield deps
        deps.dispose()

    return db_url, clock, provider, other_instance


@pytest.fixture(scope="session")
def token_pair(identity_keys) -> tuple[TokenSigner, TokenVerifier]:
    return TokenSigner(identity_keys[0].read_bytes()), TokenVerifier(identity_keys[1].read_bytes())


def make_worker(service_cls, deps: WorkerDeps, token_pair, identity: Identity | None = None, **extra):
    """A nameko worker (worker_factory) with the real unit of work and a caller
    carrying ``identity``'s signed token (or none)."""
    from nameko.testing.services import worker_factory

    signer, verifier = token_pair
    token = signer.sign(identity) if identity else None
    return worker_factory(service_cls, tx=TransactionFactory(deps),
                          caller=_CallerAccessor(verifier, token), **extra)


@pytest.fixture
def service_on_broker(container_factory, amqp_vhost_uri, identity_keys):
    """``service_on_broker(FundsService, SUBSCRIBES, database_url)``: the service as ``nameko run``
    starts it, on the test's vhost and (already migrated) database, its queues declared; returns
    its config (for ``ClusterRpcProxy``). ``extra`` adds config keys (``FIXED_NOW=...``)."""

    def start(service_cls, subscribes, database_url: str, retry_delays_ms=(100, 200), **extra) -> dict:
        declare_all(amqp_vhost_uri, [ServiceTopology(service_cls.name, subscribes, retry_delays_ms)])
        config = {"AMQP_URI": amqp_vhost_uri, "DATABASE_URL": database_url,
                  "IDENTITY_PUBLIC_KEY_FILE": str(identity_keys[1]), "ACCEPT": ["json", "cloudevents"],
                  "EVENT_RETRY_DELAYS_MS": ",".join(map(str, retry_delays_ms)), **extra}
        container_factory(service_cls, config).start()
        return config

    return start


def publish_events(amqp_uri: str, *events) -> None:
    """Publish CloudEvents to the suite's exchange as a producer would
    (persistent, confirmed), for tests that play an upstream service."""
    conn = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    try:
        ch = conn.channel()
        ch.confirm_delivery()
        ch.exchange_declare(EXCHANGE, "topic", durable=True)
        for ev in events:
            ch.basic_publish(EXCHANGE, ev.type, ev.to_json().encode(), pika.BasicProperties(
                content_type=CONTENT_TYPE, delivery_mode=2, message_id=ev.id))
    finally:
        conn.close()


def wait_for(predicate, timeout: float = 15.0, interval: float = 0.05) -> bool:
    """Poll until ``predicate()`` holds; False after ``timeout`` seconds."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


class Records:
    """Reads a service's outbox and audit chain the way an inspector would,
    outside the service: ``Records(engine, infra, "funds").events("FundingConfirmed")``."""

    def __init__(self, engine, tables, service_name: str):
        self.engine, self.tables, self.service_name = engine, tables, service_name

    def events(self, name: str | None = None) -> list[dict]:
        outbox = self.tables.outbox
        with self.engine.connect() as conn:
            out = [json.loads(b) for b in conn.execute(select(outbox.c.body).order_by(outbox.c.seq)).scalars()]
        if name:
            wanted = event_type(self.service_name, name)
            out = [e for e in out if e["type"] == wanted]
        return out

    def names(self) -> list[str]:
        """The events' names as they stand in their types (``funding_confirmed``), in outbox order."""
        return [e["type"].split(".")[-2] for e in self.events()]

    def audit(self) -> list[dict]:
        audit_log = self.tables.audit_log
        with self.engine.connect() as conn:
            rows = conn.execute(select(audit_log).order_by(audit_log.c.seq)).mappings()
            return [{**r, "details": json.loads(r["details"])} for r in rows]


def outbox_events(url: str, tables, service_name: str, name: str | None = None) -> list[dict]:
    """``Records.events`` of the database at ``url``, on an engine of its own."""
    engine = make_engine(url)
    try:
        return Records(engine, tables, service_name).events(name)
    finally:
        engine.dispose()


# ---------------------------------------------------------------- races from OS threads
# eventlet has patched `threading` into greenthreads; psycopg2 would block the
# one hub while waiting for a row lock. Real threads wait in the database.
os_threading = eventlet.patcher.original("threading")


class IndependentWorkers:
    """``workers(who)``: a worker for that user (``None``: a consumer, no caller)
    on an engine of its own, as another process would have: its own connection
    pool and no share in this process's SQLite lock. ``dispose()`` closes them all."""

    def __init__(self, url: str, service_cls, service_name: str, tables, clock, token_pair, **extra):
        self.url, self.service_cls, self.service_name = url, service_cls, service_name
        self.tables, self.clock, self.token_pair, self.extra = tables, clock, token_pair, extra
        self.made: list[WorkerDeps] = []

    def __call__(self, who: Identity | None):
        deps = worker_deps(self.url, self.service_name, self.tables, self.clock, lock=False)
        self.made.append(deps)
        return make_worker(self.service_cls, deps, self.token_pair, who, **self.extra)

    def dispose(self) -> None:
        for deps in self.made:
            deps.dispose()


@pytest.fixture
def independent_workers(token_pair):
    """``independent_workers(url, Service, "review", infra, clock, **extra)``: an
    ``IndependentWorkers`` whose engines are disposed after the test."""
    made: list[IndependentWorkers] = []

    def make(url: str, service_cls, service_name: str, tables, clock, **extra) -> IndependentWorkers:
        made.append(IndependentWorkers(url, service_cls, service_name, tables, clock, token_pair, **extra))
        return made[-1]

    yield make
    for workers in made:
        workers.dispose()


def meet_after_reading(monkeypatch, module, name: str, parties: int = 2) -> None:
    """The racing threads stop right after ``module.name`` has read, until all have,
    so the race is not left to timing: every decision is taken on the same state."""
    barrier = os_threading.Barrier(parties, timeout=60)
    original = getattr(module, name)

    def read_then_meet(*args, **kwargs):
        result = original(*args, **kwargs)
        barrier.wait()
        return result

    monkeypatch.setattr(module, name, read_then_meet)


def race(*calls, after=None) -> list:
    """Run the calls in OS threads at once; each one's result, or what it raised
    (a Refusal, or a crash that must not pass for one). With ``after`` (an Event),
    every call but the first waits for it (30 s at the most) before it starts."""
    results = [None] * len(calls)

    def run(i, call):
        if after is not None and i > 0:
            after.wait(30)
        try:
            results[i] = call()
        except Exception as exc:
            results[i] = exc

    threads = [os_threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def one_won(results) -> tuple:
    """The race's one result and its one Refusal; fails on anything else."""
    won = [r for r in results if isinstance(r, dict)]
    lost = [r for r in results if not isinstance(r, dict)]
    assert len(won) == 1 and len(lost) == 1, results
    assert isinstance(lost[0], Refusal), lost[0]
    return won[0], lost[0]
