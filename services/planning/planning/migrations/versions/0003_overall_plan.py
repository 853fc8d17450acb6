"""the overall plan (总体规划) versions

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "overall_plans",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("version_no", sa.Integer, nullable=False, unique=True),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("period_from", sa.Integer, nullable=False),
        sa.Column("period_to", sa.Integer, nullable=False),
        sa.Column("items", sa.Text, nullable=False),
        sa.Column("document_number", sa.String(100), nullable=True),
        sa.Column("compiled_by", sa.String(64), nullable=False),
        sa.Column("compiled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("approved_by", sa.String(64), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("overall_plans")
