"""signed webhooks of the external feed: subscribers and their deliveries

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "webhook_subscribers",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("url", sa.String(500), nullable=False),
        sa.Column("event_types", sa.Text, nullable=False),
        sa.Column("unit_ids", sa.Text, nullable=False),
        sa.Column("plan_years", sa.Text, nullable=False),
        sa.Column("secret", sa.String(128), nullable=False),
        sa.Column("previous_secret", sa.String(128), nullable=True),
        sa.Column("previous_secret_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("feed_position", sa.Integer, nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("subscriber_id", sa.String(36), sa.ForeignKey("webhook_subscribers.id"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("ordering_key", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_status", sa.Integer, nullable=True),
        sa.Column("last_error", sa.String(500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("parked_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_webhook_deliveries_subscriber_position", "webhook_deliveries", ["subscriber_id", "position"],
                    unique=True)
    op.create_index("ix_webhook_deliveries_subscriber_status", "webhook_deliveries", ["subscriber_id", "status"])


def downgrade() -> None:
    op.drop_index("ix_webhook_deliveries_subscriber_status", "webhook_deliveries")
    op.drop_index("ix_webhook_deliveries_subscriber_position", "webhook_deliveries")
    op.drop_table("webhook_deliveries")
    op.drop_table("webhook_subscribers")
