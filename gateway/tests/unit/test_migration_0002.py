"""Revision 0002 gives every upload its unit, filled in for uploads made
before it from the uploader's record, and goes back down without losing the
uploads."""

from datetime import UTC, datetime

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from gateway.models import Base
from itpm_common.db import make_engine
from itpm_common.migrations import alembic_config, upgrade

from .conftest import MIGRATIONS

DIGEST = "sha256:" + "ab" * 32
NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


@pytest.fixture
def url(tmp_path):
    return f"sqlite:///{tmp_path / 'migrate.sqlite3'}"


@pytest.fixture
def engine(url):
    engine = make_engine(url)
    yield engine
    engine.dispose()


def _columns(engine, table="document_uploads"):
    return {c["name"] for c in inspect(engine).get_columns(table)}


def _indexes(engine, table="document_uploads"):
    return {i["name"]: i["column_names"] for i in inspect(engine).get_indexes(table)}


def _seed_0001(engine):
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO users (username, name, role, unit_id, unit_name, password_hash, active, created_at, "
            "updated_at) VALUES ('police', '郑海涛', 'UNIT', 'police-unit', '市公安局', 'x', 1, :now, :now)"),
            {"now": NOW})
        for uploader in ("police", "departed"):
            conn.execute(text(
                "INSERT INTO document_uploads (digest, size, media_type, filename, uploaded_by, uploaded_at) "
                "VALUES (:digest, 45, 'application/pdf', '申报书.pdf', :uploader, :now)"),
                {"digest": DIGEST, "uploader": uploader, "now": NOW})


def test_upgrade_fills_the_unit_from_the_uploader_and_downgrade_drops_it(url, engine):
    cfg = alembic_config(MIGRATIONS, url)
    upgrade(MIGRATIONS, url, "0001")
    assert "unit_id" not in _columns(engine)
    _seed_0001(engine)

    upgrade(MIGRATIONS, url, "0002")
    assert "unit_id" in _columns(engine)
    assert _indexes(engine)["ix_document_uploads_digest_unit"] == ["digest", "unit_id"]
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT uploaded_by, unit_id FROM document_uploads ORDER BY id")).all()
    # An uploader no longer on record leaves the unit unknown: no unit may
    # claim that file, only the roles that read everything.
    assert rows == [("police", "police-unit"), ("departed", None)]

    command.downgrade(cfg, "0001")
    assert "unit_id" not in _columns(engine)
    assert "ix_document_uploads_digest_unit" not in _indexes(engine)
    assert _indexes(engine)["ix_document_uploads_digest"] == ["digest"]
    with engine.connect() as conn:
        assert conn.execute(text("SELECT uploaded_by, digest FROM document_uploads ORDER BY id")).all() == [
            ("police", DIGEST), ("departed", DIGEST)]
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == "0001"

    upgrade(MIGRATIONS, url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT unit_id FROM document_uploads ORDER BY id")).scalars().all() == [
            "police-unit", None]


def test_head_matches_the_models(url, engine):
    upgrade(MIGRATIONS, url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
