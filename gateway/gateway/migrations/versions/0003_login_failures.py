"""login_failures: consecutive failed logins per user name, and the lock they cause

Revision ID: 0003
Revises: 0002

Graded protection (等级保护) asks for login-failure handling: after too many
failures in a row the account is locked for a while. Kept in the database so
that every gateway instance sees the same count.
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_failures",
        sa.Column("username", sa.String(64), primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("first_failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("login_failures")
