"""review's models and its migrations describe the same tables: a migrated
database compared against the models shows no difference."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from itpm_common.db import make_engine
from review.models import Base


def test_the_migrated_schema_is_the_models_schema(db_url):
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()
