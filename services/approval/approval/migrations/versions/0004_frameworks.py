"""Art 12 cross-department framework: frameworks, their immutable versions, member departments
with their projects, and participants' confirmations of a version

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
    op.create_table("framework_confirmations",
    sa.Column("framework_id", sa.String(length=36), nullable=False),
    sa.Column("version_no", sa.Integer(), autoincrement=False, nullable=False),
    sa.Column("unit_id", sa.String(length=64), nullable=False),
    sa.Column("opinion", sa.Text(), nullable=True),
    sa.Column("confirmed_by", sa.String(length=64), nullable=False),
    sa.Column("confirmed_by_name", sa.String(length=100), nullable=False),
    sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint("framework_id", "version_no", "unit_id")
    )
    op.create_table("framework_members",
    sa.Column("framework_id", sa.String(length=36), nullable=False),
    sa.Column("unit_id", sa.String(length=64), nullable=False),
    sa.Column("unit_name", sa.String(length=100), nullable=False),
    sa.Column("role", sa.String(length=12), nullable=False),
    sa.Column("project_id", sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint("framework_id", "unit_id"),
    sa.UniqueConstraint("project_id")
    )
    with op.batch_alter_table("framework_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_framework_members_unit_id"), ["unit_id"], unique=False)

    op.create_table("framework_versions",
    sa.Column("framework_id", sa.String(length=36), nullable=False),
    sa.Column("version_no", sa.Integer(), autoincrement=False, nullable=False),
    sa.Column("content", sa.Text(), nullable=False),
    sa.Column("digest", sa.String(length=64), nullable=False),
    sa.Column("conflicts", sa.Text(), nullable=False),
    sa.Column("saved_by", sa.String(length=64), nullable=False),
    sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint("framework_id", "version_no")
    )
    op.create_table("frameworks",
    sa.Column("id", sa.String(length=36), nullable=False),
    sa.Column("title", sa.String(length=200), nullable=False),
    sa.Column("lead_unit_id", sa.String(length=64), nullable=False),
    sa.Column("lead_unit_name", sa.String(length=100), nullable=False),
    sa.Column("overall_project_id", sa.String(length=64), nullable=False),
    sa.Column("status", sa.String(length=16), nullable=False),
    sa.Column("version_no", sa.Integer(), nullable=False),
    sa.Column("determined_version_no", sa.Integer(), nullable=True),
    sa.Column("classified", sa.Boolean(), nullable=False),
    sa.Column("created_by", sa.String(length=64), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("determined_by", sa.String(length=64), nullable=True),
    sa.Column("determined_at", sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint("id")
    )
    with op.batch_alter_table("frameworks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_frameworks_lead_unit_id"), ["lead_unit_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_frameworks_status"), ["status"], unique=False)



def downgrade() -> None:
    with op.batch_alter_table("frameworks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_frameworks_status"))
        batch_op.drop_index(batch_op.f("ix_frameworks_lead_unit_id"))

    op.drop_table("frameworks")
    op.drop_table("framework_versions")
    with op.batch_alter_table("framework_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_framework_members_unit_id"))

    op.drop_table("framework_members")
    op.drop_table("framework_confirmations")
