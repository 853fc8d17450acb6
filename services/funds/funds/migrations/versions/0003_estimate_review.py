"""Art 10 estimate-review requests (概算审核, R-10-3)

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
        "estimate_review_requests",
        sa.Column("submission_id", sa.String(36), primary_key=True),
        sa.Column("project_id", sa.String(64), nullable=False, index=True),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("unit_id", sa.String(64), nullable=False, index=True),
        sa.Column("unit_name", sa.String(100), nullable=False),
        sa.Column("project_name", sa.String(200), nullable=False),
        sa.Column("category", sa.String(8), nullable=False),
        sa.Column("plan_year", sa.Integer, nullable=True),
        sa.Column("classified", sa.Boolean, nullable=False),
        sa.Column("stage", sa.String(24), nullable=False),
        sa.Column("version_no", sa.Integer, nullable=False),
        sa.Column("track", sa.String(16), nullable=True),
        sa.Column("origin", sa.String(16), nullable=True),
        sa.Column("digest", sa.String(64), nullable=True),
        sa.Column("requested_fen", sa.BigInteger, nullable=False),
        sa.Column("line_items", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("submitted_at", sa.String(40), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("superseded_by", sa.String(36), nullable=True),
        sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reviewed_fen", sa.BigInteger, nullable=True),
        sa.Column("opinion", sa.Text, nullable=True),
        sa.Column("reviewed_line_items", sa.Text, nullable=True),
        sa.Column("reviewed_by", sa.String(64), nullable=True),
        sa.Column("reviewed_by_name", sa.String(100), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.UniqueConstraint("project_id", "seq", name="uq_estimate_review_requests_seq"),
    )


def downgrade() -> None:
    op.drop_table("estimate_review_requests")
