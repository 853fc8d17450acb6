"""plan reviews, bureau opinions, outbox/inbox/audit

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
        "reviews",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("project_id", sa.String(36), nullable=False, index=True),
        sa.Column("version_no", sa.Integer, nullable=False),
        sa.Column("unit_id", sa.String(64), nullable=False, index=True),
        sa.Column("unit_name", sa.String(100), nullable=False),
        sa.Column("project_name", sa.String(200), nullable=False),
        sa.Column("category", sa.String(8), nullable=False),
        sa.Column("plan_year", sa.Integer, nullable=False),
        sa.Column("estimate_fen", sa.BigInteger, nullable=False),
        sa.Column("classified", sa.Boolean, nullable=False),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=True),
        sa.Column("consolidated_opinion", sa.Text, nullable=True),
        sa.Column("criteria", sa.Text, nullable=True),
        sa.Column("resolution_note", sa.Text, nullable=True),
        sa.Column("concluded_by", sa.String(64), nullable=True),
        sa.Column("concluded_by_name", sa.String(100), nullable=True),
        sa.Column("concluded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.UniqueConstraint("kind", "project_id", "version_no", name="uq_reviews_kind_project_version"),
    )
    op.create_table(
        "review_opinions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("review_id", sa.String(36), sa.ForeignKey("reviews.id"), nullable=False, index=True),
        sa.Column("bureau", sa.String(8), nullable=False),
        sa.Column("verdict", sa.String(32), nullable=False),
        sa.Column("necessity", sa.Text, nullable=False),
        sa.Column("feasibility", sa.Text, nullable=False),
        sa.Column("security", sa.Text, nullable=False),
        sa.Column("budget", sa.Text, nullable=False),
        sa.Column("conditions", sa.Text, nullable=True),
        sa.Column("recorded_by", sa.String(64), nullable=False),
        sa.Column("recorded_by_name", sa.String(100), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("review_id", "bureau", name="uq_review_opinions_bureau"),
    )


def downgrade() -> None:
    op.drop_table("review_opinions")
    op.drop_table("reviews")
    drop_infrastructure(op)
