"""project registry, plan applications, outbox/inbox/audit

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

from itpm_common.migrations import create_infrastructure, drop_infrastructure

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_infrastructure(op)
    op.create_table(
        "projects",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("unit_id", sa.String(64), nullable=False, index=True),
        sa.Column("unit_name", sa.String(100), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("category", sa.String(8), nullable=False),
        sa.Column("build_kind", sa.String(8), nullable=True),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("plan_year", sa.Integer, nullable=False, index=True),
        sa.Column("state", sa.String(40), nullable=False),
        sa.Column("estimate_fen", sa.BigInteger, nullable=False),
        sa.Column("classified", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_table(
        "plan_applications",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("project_id", sa.String(36), sa.ForeignKey("projects.id"), nullable=False,
                  index=True),
        sa.Column("version_no", sa.Integer, nullable=False),
        sa.Column("rank", sa.Integer, nullable=True),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("submitted_by", sa.String(64), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("project_id", "version_no"),
    )


def downgrade() -> None:
    op.drop_table("plan_applications")
    op.drop_table("projects")
    drop_infrastructure(op)
