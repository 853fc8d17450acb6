"""Chapter 3 core: what review, funds, security and planning announce beyond 0003 (linkage confirmation,
carried-over reviews, reviewed line items, 网信's important-domain judgement) and the Leading Group's
non-sharing exceptions (R-30-2)

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
    with op.batch_alter_table("technical_reviews", schema=None) as batch_op:
        batch_op.add_column(sa.Column("linkage_none_confirmed", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column("consolidated_opinion", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("carried_over_from", sa.String(length=36), nullable=True))
    with op.batch_alter_table("estimate_reviews", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reviewed_line_items", sa.Text(), nullable=True))
    with op.batch_alter_table("security_reviews", schema=None) as batch_op:
        batch_op.add_column(sa.Column("important_domain", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table("non_sharing_exceptions",
    sa.Column("project_id", sa.String(length=64), nullable=False),
    sa.Column("exception_id", sa.String(length=64), nullable=False),
    sa.Column("system_id", sa.String(length=64), nullable=True),
    sa.Column("basis", sa.Text(), nullable=True),
    sa.Column("event_time", sa.String(length=40), nullable=False),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint("project_id")
    )


def downgrade() -> None:
    op.drop_table("non_sharing_exceptions")
    with op.batch_alter_table("security_reviews", schema=None) as batch_op:
        batch_op.drop_column("important_domain")
    with op.batch_alter_table("estimate_reviews", schema=None) as batch_op:
        batch_op.drop_column("reviewed_line_items")
    with op.batch_alter_table("technical_reviews", schema=None) as batch_op:
        batch_op.drop_column("carried_over_from")
        batch_op.drop_column("consolidated_opinion")
        batch_op.drop_column("linkage_none_confirmed")
