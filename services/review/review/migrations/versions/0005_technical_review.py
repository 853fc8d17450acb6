"""政务办's technical review (Art 10): the submissions approval announced,
their reviews and the bureaus' opinions

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
        "technical_submissions",
        sa.Column("submission_id", sa.String(36), primary_key=True),
        sa.Column("project_id", sa.String(64), nullable=False, index=True),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("unit_id", sa.String(64), nullable=False, index=True),
        sa.Column("unit_name", sa.String(100), nullable=False),
        sa.Column("project_name", sa.String(200), nullable=False),
        sa.Column("category", sa.String(8), nullable=False),
        sa.Column("plan_year", sa.Integer, nullable=True),
        sa.Column("classified", sa.Boolean, nullable=False),
        sa.Column("stage", sa.String(24), nullable=False),
        sa.Column("version_no", sa.Integer, nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("track", sa.String(16), nullable=True),
        sa.Column("origin", sa.String(16), nullable=True),
        sa.Column("total_investment_fen", sa.BigInteger, nullable=False),
        sa.Column("estimate_fen", sa.BigInteger, nullable=True),
        sa.Column("catalog_version", sa.Integer, nullable=True),
        sa.Column("duplicate_collection_flags", sa.Text, nullable=False),
        sa.Column("similar_systems", sa.Text, nullable=False),
        sa.Column("cross_level", sa.Boolean, nullable=False),
        sa.Column("linkage_none", sa.Boolean, nullable=False),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("approval_outcome", sa.String(16), nullable=True),
        sa.Column("closed_reason", sa.Text, nullable=True),
        sa.Column("submitted_by", sa.String(64), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("project_id", "stage", "version_no", name="uq_technical_submissions_stage_version"),
    )
    op.create_table(
        "technical_reviews",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("submission_id", sa.String(36), sa.ForeignKey("technical_submissions.submission_id"),
                  nullable=False, unique=True),
        sa.Column("project_id", sa.String(64), nullable=False, index=True),
        sa.Column("unit_id", sa.String(64), nullable=False, index=True),
        sa.Column("classified", sa.Boolean, nullable=False),
        sa.Column("stage", sa.String(24), nullable=False),
        sa.Column("version_no", sa.Integer, nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("opened_by", sa.String(64), nullable=False),
        sa.Column("opened_by_name", sa.String(100), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(24), nullable=True),
        sa.Column("consolidated_opinion", sa.Text, nullable=True),
        sa.Column("conditions", sa.Text, nullable=True),
        sa.Column("catalog_exemption", sa.Boolean, nullable=False),
        sa.Column("accepted_duplicate_items", sa.Text, nullable=False),
        sa.Column("similar_systems_accepted", sa.Boolean, nullable=False),
        sa.Column("universal_entries", sa.Text, nullable=False),
        sa.Column("linkage_none_confirmed", sa.Boolean, nullable=False),
        sa.Column("carried_over_from", sa.String(36), nullable=True),
        sa.Column("carry_over_note", sa.Text, nullable=True),
        sa.Column("concluded_by", sa.String(64), nullable=True),
        sa.Column("concluded_by_name", sa.String(100), nullable=True),
        sa.Column("concluded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_reason", sa.Text, nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_table(
        "technical_opinions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("review_id", sa.String(36), sa.ForeignKey("technical_reviews.id"), nullable=False, index=True),
        sa.Column("bureau", sa.String(8), nullable=False),
        sa.Column("verdict", sa.String(32), nullable=False),
        sa.Column("opinion", sa.Text, nullable=False),
        sa.Column("conditions", sa.Text, nullable=True),
        sa.Column("recorded_by", sa.String(64), nullable=False),
        sa.Column("recorded_by_name", sa.String(100), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("review_id", "bureau", name="uq_technical_opinions_bureau"),
    )


def downgrade() -> None:
    op.drop_table("technical_opinions")
    op.drop_table("technical_reviews")
    op.drop_table("technical_submissions")
