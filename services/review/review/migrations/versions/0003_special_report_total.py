"""the total investment a special report was made on

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
    with op.batch_alter_table("special_reports") as batch:
        batch.add_column(sa.Column("estimate_fen", sa.BigInteger, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("special_reports") as batch:
        batch.drop_column("estimate_fen")
