"""outbox/inbox/audit, project projection

Revision ID: 0001
Revises:
"""
from alembic import op

from itpm_common.migrations import create_infrastructure, drop_infrastructure
from itpm_common.projection import projection_columns

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

def upgrade() -> None:
    create_infrastructure(op)
    op.create_table("project_projection", *projection_columns())


def downgrade() -> None:
    op.drop_table("project_projection")
    drop_infrastructure(op)
