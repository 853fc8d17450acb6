"""Chapter 3 (Art 10–15): approval cases, submissions, project codes, catalogs, the
reviews approval gates on, depth confirmations and approval documents

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
    op.create_table("approval_cases",
    sa.Column("project_id", sa.String(length=64), nullable=False),
    sa.Column("unit_id", sa.String(length=64), nullable=False),
    sa.Column("unit_name", sa.String(length=100), nullable=False),
    sa.Column("project_name", sa.String(length=200), nullable=False),
    sa.Column("classified", sa.Boolean(), nullable=False),
    sa.Column("origin", sa.String(length=16), nullable=False),
    sa.Column("plan_year", sa.Integer(), nullable=True),
    sa.Column("track", sa.String(length=16), nullable=False),
    sa.Column("stage_state", sa.String(length=32), nullable=False),
    sa.Column("returned_stage", sa.String(length=24), nullable=True),
    sa.Column("current_submission_id", sa.String(length=36), nullable=True),
    sa.Column("new_civil_works", sa.Boolean(), nullable=False),
    sa.Column("high_energy", sa.Boolean(), nullable=False),
    sa.Column("important_domain", sa.Boolean(), nullable=False),
    sa.Column("new_data_center", sa.Boolean(), nullable=False),
    sa.Column("cross_department", sa.Boolean(), nullable=False),
    sa.Column("framework_id", sa.String(length=36), nullable=True),
    sa.Column("approved_estimate_fen", sa.BigInteger(), nullable=True),
    sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("approval_doc_no", sa.String(length=64), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint("project_id")
    )
    with op.batch_alter_table("approval_cases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_approval_cases_stage_state"), ["stage_state"], unique=False)
        batch_op.create_index(batch_op.f("ix_approval_cases_unit_id"), ["unit_id"], unique=False)

    op.create_table("approval_decisions",
    sa.Column("id", sa.String(length=36), nullable=False),
    sa.Column("project_id", sa.String(length=64), nullable=False),
    sa.Column("submission_id", sa.String(length=36), nullable=False),
    sa.Column("stage", sa.String(length=24), nullable=False),
    sa.Column("kind", sa.String(length=16), nullable=False),
    sa.Column("doc_no", sa.String(length=64), nullable=False),
    sa.Column("record", sa.Text(), nullable=False),
    sa.Column("digest", sa.String(length=64), nullable=False),
    sa.Column("decided_by", sa.String(length=64), nullable=False),
    sa.Column("decided_by_name", sa.String(length=100), nullable=False),
    sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("doc_no")
    )
    with op.batch_alter_table("approval_decisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_approval_decisions_project_id"), ["project_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_approval_decisions_submission_id"), ["submission_id"], unique=False)

    op.create_table("depth_confirmations",
    sa.Column("submission_id", sa.String(length=36), nullable=False),
    sa.Column("project_id", sa.String(length=64), nullable=False),
    sa.Column("note", sa.Text(), nullable=False),
    sa.Column("confirmed_by", sa.String(length=64), nullable=False),
    sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint("submission_id")
    )
    with op.batch_alter_table("depth_confirmations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_depth_confirmations_project_id"), ["project_id"], unique=False)

    op.create_table("estimate_reviews",
    sa.Column("submission_id", sa.String(length=36), nullable=False),
    sa.Column("project_id", sa.String(length=64), nullable=False),
    sa.Column("requested_fen", sa.BigInteger(), nullable=False),
    sa.Column("reviewed_fen", sa.BigInteger(), nullable=True),
    sa.Column("status", sa.String(length=16), nullable=False),
    sa.Column("opinion", sa.Text(), nullable=True),
    sa.Column("event_time", sa.String(length=40), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint("submission_id")
    )
    with op.batch_alter_table("estimate_reviews", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_estimate_reviews_project_id"), ["project_id"], unique=False)

    op.create_table("project_codes",
    sa.Column("project_id", sa.String(length=64), nullable=False),
    sa.Column("code", sa.String(length=24), nullable=False),
    sa.Column("platform", sa.String(length=32), nullable=False),
    sa.Column("recorded_by", sa.String(length=64), nullable=False),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint("project_id"),
    sa.UniqueConstraint("code")
    )
    op.create_table("resource_catalogs",
    sa.Column("project_id", sa.String(length=64), nullable=False),
    sa.Column("version_no", sa.Integer(), autoincrement=False, nullable=False),
    sa.Column("unit_id", sa.String(length=64), nullable=False),
    sa.Column("content", sa.Text(), nullable=False),
    sa.Column("submitted_by", sa.String(length=64), nullable=False),
    sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint("project_id", "version_no")
    )
    with op.batch_alter_table("resource_catalogs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_resource_catalogs_unit_id"), ["unit_id"], unique=False)

    op.create_table("security_reviews",
    sa.Column("submission_id", sa.String(length=36), nullable=False),
    sa.Column("project_id", sa.String(length=64), nullable=False),
    sa.Column("conclusion", sa.String(length=24), nullable=False),
    sa.Column("opinion", sa.Text(), nullable=False),
    sa.Column("event_time", sa.String(length=40), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint("submission_id")
    )
    with op.batch_alter_table("security_reviews", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_security_reviews_project_id"), ["project_id"], unique=False)

    op.create_table("submissions",
    sa.Column("id", sa.String(length=36), nullable=False),
    sa.Column("project_id", sa.String(length=64), nullable=False),
    sa.Column("stage", sa.String(length=24), nullable=False),
    sa.Column("version_no", sa.Integer(), nullable=False),
    sa.Column("status", sa.String(length=16), nullable=False),
    sa.Column("content", sa.Text(), nullable=False),
    sa.Column("digest", sa.String(length=64), nullable=False),
    sa.Column("total_investment_fen", sa.BigInteger(), nullable=False),
    sa.Column("estimate_fen", sa.BigInteger(), nullable=True),
    sa.Column("catalog_version", sa.Integer(), nullable=True),
    sa.Column("submitted_by", sa.String(length=64), nullable=False),
    sa.Column("submitted_by_name", sa.String(length=100), nullable=False),
    sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("decided_by", sa.String(length=64), nullable=True),
    sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("decision_reason", sa.Text(), nullable=True),
    sa.Column("return_code", sa.String(length=40), nullable=True),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("project_id", "stage", "version_no", name="uq_submissions_stage_version")
    )
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_submissions_project_id"), ["project_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_submissions_status"), ["status"], unique=False)

    op.create_table("technical_reviews",
    sa.Column("submission_id", sa.String(length=36), nullable=False),
    sa.Column("review_id", sa.String(length=36), nullable=False),
    sa.Column("project_id", sa.String(length=64), nullable=False),
    sa.Column("outcome", sa.String(length=24), nullable=True),
    sa.Column("conditions", sa.Text(), nullable=True),
    sa.Column("conditions_acknowledged_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("catalog_exemption", sa.Boolean(), nullable=False),
    sa.Column("accepted_duplicate_items", sa.Text(), nullable=True),
    sa.Column("similar_systems_accepted", sa.Boolean(), nullable=False),
    sa.Column("universal_entries", sa.Text(), nullable=True),
    sa.Column("event_time", sa.String(length=40), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint("submission_id")
    )
    with op.batch_alter_table("technical_reviews", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_technical_reviews_project_id"), ["project_id"], unique=False)



def downgrade() -> None:
    with op.batch_alter_table("technical_reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_technical_reviews_project_id"))

    op.drop_table("technical_reviews")
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_submissions_status"))
        batch_op.drop_index(batch_op.f("ix_submissions_project_id"))

    op.drop_table("submissions")
    with op.batch_alter_table("security_reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_security_reviews_project_id"))

    op.drop_table("security_reviews")
    with op.batch_alter_table("resource_catalogs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_resource_catalogs_unit_id"))

    op.drop_table("resource_catalogs")
    op.drop_table("project_codes")
    with op.batch_alter_table("estimate_reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_estimate_reviews_project_id"))

    op.drop_table("estimate_reviews")
    with op.batch_alter_table("depth_confirmations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_depth_confirmations_project_id"))

    op.drop_table("depth_confirmations")
    with op.batch_alter_table("approval_decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_approval_decisions_submission_id"))
        batch_op.drop_index(batch_op.f("ix_approval_decisions_project_id"))

    op.drop_table("approval_decisions")
    with op.batch_alter_table("approval_cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_approval_cases_unit_id"))
        batch_op.drop_index(batch_op.f("ix_approval_cases_stage_state"))

    op.drop_table("approval_cases")
