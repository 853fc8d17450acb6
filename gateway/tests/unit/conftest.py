"""Fixtures: a real migrated SQLite database with the demo users, real
dependency providers (transactions, signer, document store, settings), and
small fakes in place of the six RpcProxies.

The fakes behave like the services at the boundary the gateway depends on:
they verify the signed identity the gateway put in the worker context (as a
service's ``Caller`` does) and answer or raise what a test tells them to.
"""

from __future__ import annotations

import shutil
import types
from datetime import UTC, datetime
from pathlib import Path

import eventlet
import pytest
from nameko.testing.services import worker_factory
from sqlalchemy.orm import Session
from werkzeug.test import Client

from gateway.auth import hash_password
from gateway.documents import DocumentStoreProvider
from gateway.http import ServiceWsgiApp
from gateway.models import User, infra
from gateway.rpc import ActAs
from gateway.seed import DEMO_PASSWORD, seed
from gateway.service import GatewayService
from gateway.settings import Settings
from itpm_common.db import make_engine
from itpm_common.identity import CONTEXT_KEY, TokenVerifier, generate_keypair
from itpm_common.migrations import upgrade
from itpm_common.uow import Transactions

MIGRATIONS = Path(__file__).resolve().parents[2] / "gateway" / "migrations"
SERVICES = ("planning", "review", "approval", "funds", "acceptance", "security")
NOW = "2026-03-02T09:00:00+08:00"
TTL = 3600


# What a fake answers when a test does not say: health is fine, and Chapter 3's work lists (which 我的待办 asks
# for every bureau and department) are empty.
_EMPTY_PAGE = {"items": [], "total": 0, "page": 1, "page_size": 200}
DEFAULT_ANSWERS = {"health": {"status": "ok"}, **{method: _EMPTY_PAGE for method in (
    "list_approvals", "list_frameworks", "list_technical_pending", "list_estimate_reviews",
    "list_cybersecurity_reviews")}}


class FakeReply:
    def __init__(self, outcome, delay: float = 0.0):
        self._outcome = outcome
        self._delay = delay

    def result(self):
        if self._delay:
            eventlet.sleep(self._delay)
        if isinstance(self._outcome, BaseException):
            raise self._outcome
        return self._outcome


class FakeMethod:
    def __init__(self, service: FakeService, method: str):
        self._service, self._method = service, method

    def call_async(self, *args, **kwargs):
        svc = self._service
        if svc.publish_error is not None:
            raise svc.publish_error
        token = svc.worker_ctx.data.get(CONTEXT_KEY)
        identity = svc.verifier.verify(token) if token else None
        svc.calls.append(types.SimpleNamespace(method=self._method, args=args, kwargs=kwargs,
                                               identity=identity))
        answer = svc.answers.get(self._method, DEFAULT_ANSWERS.get(self._method))
        outcome = answer(*args, **kwargs) if callable(answer) else answer
        return FakeReply(outcome, svc.delays.get(self._method, 0.0))

    def __call__(self, *args, **kwargs):
        return self.call_async(*args, **kwargs).result()


class FakeService:
    """Stands where ``RpcProxy(name)`` stands in the worker."""

    def __init__(self, name: str, worker_ctx, verifier: TokenVerifier):
        self.service_name = name
        self.worker_ctx = worker_ctx
        self.verifier = verifier
        self.calls: list = []
        self.answers: dict = {}
        self.delays: dict = {}
        self.publish_error: BaseException | None = None

    def __getattr__(self, method):
        if method.startswith("_"):
            raise AttributeError(method)
        return FakeMethod(self, method)


class ContainerStub:
    """What a dependency provider reads from its container (weakly referenced)."""

    def __init__(self, config):
        self.config = config
        self.service_name = "gateway"
        self.shared_extensions = {}


def bind(provider, container, attr):
    bound = provider.bind(container, attr)
    bound.setup()
    return bound


@pytest.fixture
def bind_provider(container):
    """``bind_provider(ActAs(), "identity")``: a real provider, set up on the stub container."""
    return lambda provider, attr: bind(provider, container, attr)


@pytest.fixture
def keys(tmp_path):
    private, public = tmp_path / "keys" / "private.pem", tmp_path / "keys" / "public.pem"
    generate_keypair(private, public)
    return types.SimpleNamespace(private=private, public=public)


@pytest.fixture
def verifier(keys):
    return TokenVerifier(keys.public.read_bytes())


@pytest.fixture
def config(tmp_path, keys):
    return {
        "AMQP_URI": "memory://",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'gateway.sqlite3'}",
        "IDENTITY_PRIVATE_KEY_FILE": str(keys.private),
        "DOCSTORE_ROOT": str(tmp_path / "documents"),
        "DOCSTORE_MAX_BYTES": 64 * 1024,
        "SESSION_TTL_SECONDS": TTL,
        "MAX_BODY_BYTES": 4096,
        "RPC_TIMEOUT_SECONDS": 0.5,
        "HEALTH_TIMEOUT_SECONDS": 0.3,
        "FIXED_NOW": NOW,
        "PORTAL_DIST": str(tmp_path / "no-portal"),
    }


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory):
    # Migrating and hashing eleven argon2 passwords takes a second; do it once
    # and give every test its own copy of the file.
    path = tmp_path_factory.mktemp("template") / "gateway.sqlite3"
    url = f"sqlite:///{path}"
    upgrade(MIGRATIONS, url)
    engine = make_engine(url)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA journal_mode=DELETE")
    with Session(engine) as session:
        seed(session)
    engine.dispose()
    return path


@pytest.fixture
def database(config, seeded_template):
    url = config["DATABASE_URL"]
    shutil.copyfile(seeded_template, url.split("///", 1)[1])
    return url


@pytest.fixture
def container(config):
    return ContainerStub(config)


@pytest.fixture
def tx_provider(container, database):
    provider = bind(Transactions(infra), container, "tx")
    yield provider
    provider.stop()


@pytest.fixture
def clock(tx_provider):
    return tx_provider.clock


@pytest.fixture
def worker_ctx():
    return types.SimpleNamespace(data={})


@pytest.fixture
def fakes(worker_ctx, verifier):
    return {name: FakeService(name, worker_ctx, verifier) for name in SERVICES}


@pytest.fixture
def service(container, config, tx_provider, worker_ctx, fakes):
    return worker_factory(
        GatewayService,
        tx=tx_provider.get_dependency(worker_ctx),
        settings=Settings.from_config(config),
        identity=bind(ActAs(), container, "identity").get_dependency(worker_ctx),
        docstore=bind(DocumentStoreProvider(), container, "docstore").get_dependency(worker_ctx),
        **fakes,
    )


@pytest.fixture
def client(service):
    return Client(ServiceWsgiApp(service))


@pytest.fixture
def add_user(tx_provider):
    """``add_user("jl", "JL", "jl-co")``: a user the demo seed does not have
    (a supervisor, a secrecy bureau, a second person of a unit), password
    DEMO_PASSWORD."""

    def do(username: str, role: str, unit_id: str, unit_name: str = "测试单位") -> None:
        now = datetime.now(UTC)
        with tx_provider.get_dependency(None).read() as session:
            session.add(User(username=username, name=username, role=role, unit_id=unit_id,
                             unit_name=unit_name, password_hash=hash_password(DEMO_PASSWORD),
                             active=True, created_at=now, updated_at=now))
            session.commit()

    return do


@pytest.fixture
def login_as(client):
    """``login_as("wx")`` → request headers carrying that user's session."""

    def do(username="police", password=DEMO_PASSWORD) -> dict:
        response = client.post("/api/auth/login", json={"username": username, "password": password})
        assert response.status_code == 200, response.get_data(as_text=True)
        return {"Authorization": f"Bearer {response.get_json()['token']}"}

    return do
