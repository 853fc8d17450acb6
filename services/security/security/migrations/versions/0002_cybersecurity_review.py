"""网信's cybersecurity reviews of the security chapter (第十四条)

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
        "cybersecurity_reviews",
        sa.Column("submission_id", sa.String(36), primary_key=True),
        sa.Column("project_id", sa.String(64), nullable=False, index=True),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("unit_id", sa.String(64), nullable=False, index=True),
        sa.Column("unit_name", sa.String(100), nullable=False),
        sa.Column("project_name", sa.String(200), nullable=False),
        sa.Column("category", sa.String(8), nullable=False),
        sa.Column("plan_year", sa.Integer, nullable=True),
        sa.Column("classified", sa.Boolean, nullable=False),
        sa.Column("stage", sa.String(24), nullable=False, index=True),
        sa.Column("version_no", sa.Integer, nullable=False),
        sa.Column("digest", sa.String(100), nullable=False),
        sa.Column("needs_analysis", sa.Text, nullable=True),
        sa.Column("tasks_and_content", sa.Text, nullable=True),
        sa.Column("protection_design", sa.Text, nullable=True),
        sa.Column("investment_fen", sa.BigInteger, nullable=True),
        sa.Column("crypto_content", sa.Text, nullable=True),
        sa.Column("tiered_protection_summary", sa.Text, nullable=True),
        sa.Column("declared_important_domain", sa.Boolean, nullable=False),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("superseded_by", sa.String(36), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("conclusion", sa.String(24), nullable=True),
        sa.Column("opinion", sa.Text, nullable=True),
        sa.Column("assessments", sa.Text, nullable=True),
        sa.Column("important_domain", sa.Boolean, nullable=True),
        sa.Column("recorded_by", sa.String(64), nullable=True),
        sa.Column("recorded_by_name", sa.String(100), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.UniqueConstraint("project_id", "seq", name="uq_cybersecurity_reviews_seq"),
    )


def downgrade() -> None:
    op.drop_table("cybersecurity_reviews")
