"""funds' models and its Alembic migrations describe the same tables: a column
added to one and not the other fails here, not in production."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from funds.models import Base
from itpm_common.db import make_engine


def test_the_migrated_schema_is_the_models_schema(db_url):
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = [d for d in compare_metadata(context, Base.metadata)
                    if not (isinstance(d, tuple) and d[0] == "remove_table" and d[1].name == "alembic_version")]
    finally:
        engine.dispose()
    assert diff == []
