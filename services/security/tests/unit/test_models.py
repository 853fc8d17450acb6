"""The models and the migrations describe the same tables: a migrated database
shows no difference from security.models (revision 0002 on 0001)."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from itpm_common.db import make_engine
from itpm_common.migrations import alembic_config
from security.models import Base


def test_the_migrated_database_matches_the_models(db_url):
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    finally:
        engine.dispose()
    assert diff == []


def test_the_cybersecurity_review_revision_is_0002_on_0001(db_url, migrations):
    script = ScriptDirectory.from_config(alembic_config(migrations, db_url))
    revision = script.get_revision("0002")
    assert (revision.down_revision, script.get_current_head()) == ("0001", "0002")
