"""Migration 0004 creates the framework tables exactly as framework_models.py declares them."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from approval.framework_models import Framework, FrameworkConfirmation, FrameworkMember, FrameworkVersion
from approval.migrate import MIGRATIONS
from approval.models import Base
from itpm_common.db import make_engine
from itpm_common.testing import migrated_sqlite

TABLES = {m.__tablename__ for m in (Framework, FrameworkVersion, FrameworkMember, FrameworkConfirmation)}


def _table_of(diff) -> str | None:
    op = diff[0] if isinstance(diff, list) else diff
    for part in op[1:]:
        name = getattr(part, "name", None) if not isinstance(part, str) else part
        table = getattr(part, "table", None)
        if table is not None and table.name in TABLES:
            return table.name
        if name in TABLES:
            return name
    return None


def test_the_framework_tables_are_in_the_shared_metadata():
    assert TABLES <= set(Base.metadata.tables)


def test_migration_0004_matches_the_framework_models(tmp_path):
    engine = make_engine(migrated_sqlite(tmp_path, "approval", MIGRATIONS))
    try:
        with engine.connect() as conn:
            diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
            columns = {t: {c["name"] for c in conn.dialect.get_columns(conn, t)} for t in TABLES}
    finally:
        engine.dispose()
    assert [d for d in diffs if _table_of(d) in TABLES] == []
    assert columns == {t: set(Base.metadata.tables[t].columns.keys()) for t in TABLES}
