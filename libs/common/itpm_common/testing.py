"""pytest fixtures shared by the suite's tests (loaded from the root conftest).

Integration tests talk to the machine's real RabbitMQ and PostgreSQL; these
fixtures give each test its own throw-away database and broker vhost so tests
never see each other's messages or rows.
"""

from __future__ import annotations

import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import pika
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import sessionmaker

from .db import GreenLock, make_engine
from .events import CONTENT_TYPE, EXCHANGE
from .identity import Identity, TokenSigner, TokenVerifier, _CallerAccessor, generate_keypair
from .migrations import upgrade
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
