"""outbox/inbox/audit, project projection

Revision ID: 0001
Revises:
"""
from alembic import op

from itpm_common.migrations import create_infrastructure
from itpm_common.projection import projection_columns

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# The tables create_infrastructure makes.
INFRASTRUCTURE_TABLES = ("outbox", "inbox", "idempotency", "audit_log", "audit_head")


def upgrade() -> None:
    create_infrastructure(op)
    op.create_table("project_projection", *projection_columns())


def downgrade() -> None:
    # This is the first revision, so going below it must leave nothing that
    # would make the next upgrade fail on "table already exists".
    op.drop_table("project_projection")
    for table in INFRASTRUCTURE_TABLES:
        op.drop_table(table)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
