"""call windows, annual plan versions, ad-hoc applications, special reports

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("projects") as batch:
        batch.add_column(sa.Column("rank", sa.Integer, nullable=True))
        batch.add_column(sa.Column("current_version_no", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("review_opened_version", sa.Integer, nullable=True))
        batch.add_column(sa.Column("returned_reason", sa.Text, nullable=True))
        batch.add_column(sa.Column("adhoc_reason", sa.String(32), nullable=True))
        batch.add_column(sa.Column("superior_funding_fen", sa.BigInteger, nullable=False, server_default="0"))
        batch.add_column(sa.Column("draft", sa.Text, nullable=True))
    op.execute("UPDATE projects SET current_version_no = "
               "(SELECT max(version_no) FROM plan_applications WHERE project_id = projects.id) "
               "WHERE EXISTS (SELECT 1 FROM plan_applications WHERE project_id = projects.id)")
    op.execute("UPDATE projects SET rank = (SELECT rank FROM plan_applications a WHERE a.project_id = projects.id "
               "AND a.version_no = projects.current_version_no)")
    op.create_table(
        "plan_calls",
        sa.Column("plan_year", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("opens_on", sa.Date, nullable=False),
        sa.Column("closes_on", sa.Date, nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("notice", sa.Text, nullable=True),
        sa.Column("opened_by", sa.String(64), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_by", sa.String(64), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_table(
        "annual_plans",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("plan_year", sa.Integer, nullable=False, index=True),
        sa.Column("version_no", sa.Integer, nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("document_number", sa.String(100), nullable=True),
        sa.Column("compiled_by", sa.String(64), nullable=False),
        sa.Column("compiled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_by", sa.String(64), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(64), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.Text, nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.UniqueConstraint("plan_year", "version_no"),
    )
    op.create_table(
        "annual_plan_items",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("plan_id", sa.String(36), sa.ForeignKey("annual_plans.id"), nullable=False, index=True),
        sa.Column("project_id", sa.String(36), sa.ForeignKey("projects.id"), nullable=False, index=True),
        sa.Column("section", sa.String(8), nullable=False),
        sa.Column("section_rank", sa.Integer, nullable=False),
        sa.Column("nature", sa.String(16), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("struck_reason", sa.Text, nullable=True),
        sa.Column("unit_id", sa.String(64), nullable=False),
        sa.Column("unit_name", sa.String(100), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("build_kind", sa.String(8), nullable=True),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("unit_rank", sa.Integer, nullable=True),
        sa.Column("estimate_fen", sa.BigInteger, nullable=False),
        sa.Column("classified", sa.Boolean, nullable=False),
        sa.UniqueConstraint("plan_id", "project_id"),
    )
    op.create_table(
        "special_reports",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("project_id", sa.String(36), sa.ForeignKey("projects.id"), nullable=False, index=True),
        sa.Column("reference", sa.String(100), nullable=False),
        sa.Column("reported_on", sa.Date, nullable=False),
        sa.Column("summary", sa.Text, nullable=True),
        sa.Column("recorded_by", sa.String(64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("special_reports")
    op.drop_table("annual_plan_items")
    op.drop_table("annual_plans")
    op.drop_table("plan_calls")
    with op.batch_alter_table("projects") as batch:
        for column in ("draft", "superior_funding_fen", "adhoc_reason", "returned_reason",
                       "review_opened_version", "current_version_no", "rank"):
            batch.drop_column(column)
