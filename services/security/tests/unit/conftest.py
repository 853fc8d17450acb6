"""security's worker with real dependencies: a migrated SQLite file, the
transaction factory over it, a fixed clock and a caller signed with a real key."""

import datetime as dt
from pathlib import Path
from types import SimpleNamespace

import pytest
from nameko.testing.services import worker_factory
from sqlalchemy.orm import sessionmaker

import security
from itpm_common.clock import SHANGHAI, FixedClock
from itpm_common.db import GreenLock, make_engine
from itpm_common.identity import TokenSigner, TokenVerifier, _CallerAccessor, generate_keypair
from itpm_common.migrations import upgrade
from itpm_common.outbox import OutboxRelay
from itpm_common.uow import TransactionFactory
from security.models import infra
from security.service import SecurityService

MIGRATIONS = Path(security.__file__).parent / "migrations"
NOW = dt.datetime(2024, 3, 1, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture(scope="session")
def keys(tmp_path_factory):
    folder = tmp_path_factory.mktemp("keys")
    generate_keypair(folder / "private.pem", folder / "public.pem")
    return (TokenSigner((folder / "private.pem").read_bytes()),
            TokenVerifier((folder / "public.pem").read_bytes()))


@pytest.fixture
def migrations():
    return MIGRATIONS


@pytest.fixture
def db_url(tmp_path):
    url = f"sqlite:///{tmp_path / 'security.sqlite3'}"
    upgrade(MIGRATIONS, url)
    return url


@pytest.fixture
def provider(db_url):
    engine = make_engine(db_url)
    yield SimpleNamespace(Session=sessionmaker(engine, expire_on_commit=False), lock=GreenLock(True),
                          service_name="security", tables=infra, clock=FixedClock(NOW))
    engine.dispose()


@pytest.fixture
def service(provider, keys):
    """``service(identity)`` is a worker whose caller carries that identity's token."""
    signer, verifier = keys

    def make(identity=None):
        token = signer.sign(identity) if identity else None
        return worker_factory(SecurityService, tx=TransactionFactory(provider),
                              caller=_CallerAccessor(verifier, token), relay=OutboxRelay())

    return make
