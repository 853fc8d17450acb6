"""security's worker with real dependencies: a migrated SQLite file, the
transaction factory over it, a fixed clock and a caller signed with a real key."""

import datetime as dt
from pathlib import Path

import pytest

import security
from itpm_common.clock import SHANGHAI, FixedClock
from itpm_common.outbox import OutboxRelay
from itpm_common.testing import make_worker, migrated_sqlite, worker_deps
from security.models import infra
from security.service import SecurityService

MIGRATIONS = Path(security.__file__).parent / "migrations"
NOW = dt.datetime(2024, 3, 1, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture
def db_url(tmp_path):
    return migrated_sqlite(tmp_path, "security", MIGRATIONS)


@pytest.fixture
def provider(db_url):
    deps = worker_deps(db_url, "security", infra, FixedClock(NOW))
    yield deps
    deps.dispose()


@pytest.fixture
def service(provider, token_pair):
    """``service(identity)`` is a worker whose caller carries that identity's token."""
    return lambda identity=None: make_worker(SecurityService, provider, token_pair, identity, relay=OutboxRelay())
