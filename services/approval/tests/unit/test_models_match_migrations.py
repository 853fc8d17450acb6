"""models.py and the migrations (through 0005) describe the same tables: autogenerate finds nothing to do."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from approval.migrate import MIGRATIONS
from approval.models import Base
from itpm_common.db import make_engine
from itpm_common.migrations import upgrade


def test_models_and_migrations_agree(tmp_path):
    url = f"sqlite:///{tmp_path / 'approval.sqlite3'}"
    upgrade(MIGRATIONS, url)
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False}), Base.metadata)
    finally:
        engine.dispose()
    assert diff == []
