"""plan listings copied from the approved annual plan (R-8-4)

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plan_copies",
        sa.Column("plan_year", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("plan_id", sa.String(64), nullable=False),
        sa.Column("version_no", sa.Integer, nullable=False),
        sa.Column("build_items", sa.Integer, nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("event_id", sa.String(36), nullable=False),
    )
    op.create_table(
        "plan_listings",
        sa.Column("project_id", sa.String(64), primary_key=True),
        sa.Column("plan_year", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("plan_id", sa.String(64), nullable=False),
        sa.Column("plan_version", sa.Integer, nullable=False),
        sa.Column("first_listed_version", sa.Integer, nullable=False),
        sa.Column("status", sa.String(8), nullable=False, index=True),
        sa.Column("section_rank", sa.Integer, nullable=True),
        sa.Column("origin", sa.String(16), nullable=True),
        sa.Column("build_kind", sa.String(16), nullable=True),
        sa.Column("unit_id", sa.String(64), nullable=False, index=True),
        sa.Column("unit_name", sa.String(100), nullable=False),
        sa.Column("project_name", sa.String(200), nullable=False),
        sa.Column("estimate_fen", sa.BigInteger, nullable=True),
        sa.Column("classified", sa.Boolean, nullable=False),
        sa.Column("listed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("plan_listings")
    op.drop_table("plan_copies")
