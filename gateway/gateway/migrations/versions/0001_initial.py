"""users, sessions, document uploads, event log, outbox/inbox/audit

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
        "users",
        sa.Column("username", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(50), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("unit_id", sa.String(64), nullable=False),
        sa.Column("unit_name", sa.String(100), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "user_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("username", sa.String(64), sa.ForeignKey("users.username"), nullable=False,
                  index=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "document_uploads",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("digest", sa.String(71), nullable=False, index=True),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("media_type", sa.String(120), nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("uploaded_by", sa.String(64), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "event_log",
        sa.Column("position", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(36), nullable=False, unique=True),
        sa.Column("type", sa.String(160), nullable=False, index=True),
        sa.Column("subject", sa.String(64), nullable=True, index=True),
        sa.Column("unit_id", sa.String(64), nullable=True),
        sa.Column("time", sa.String(40), nullable=False),
        sa.Column("actor_id", sa.String(64), nullable=True),
        sa.Column("actor_role", sa.String(16), nullable=True),
        sa.Column("article", sa.String(32), nullable=True),
        sa.Column("visibility", sa.String(16), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("event_log")
    op.drop_table("document_uploads")
    op.drop_table("user_sessions")
    op.drop_table("users")
    drop_infrastructure(op)
