"""the external feed: redacted copies at gap-free positions, channel cursors, classified subjects

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feed_log",
        sa.Column("position", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("event_id", sa.String(36), nullable=False, unique=True),
        sa.Column("type", sa.String(160), nullable=False, index=True),
        sa.Column("subject", sa.String(64), nullable=True, index=True),
        sa.Column("unit_id", sa.String(64), nullable=True, index=True),
        sa.Column("plan_year", sa.Integer, nullable=True),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "feed_cursors",
        sa.Column("channel", sa.String(32), primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
    )
    op.create_table(
        "classified_subjects",
        sa.Column("subject", sa.String(64), primary_key=True),
    )


def downgrade() -> None:
    op.drop_table("classified_subjects")
    op.drop_table("feed_cursors")
    op.drop_table("feed_log")
