"""applications waiting for 政务办 to open a review, funding confirmations,
special reports; reviews gain their order, origin, opener, funding snapshot
and return reason

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
    op.create_table(
        "applications",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("project_id", sa.String(36), nullable=False, index=True),
        sa.Column("version_no", sa.Integer, nullable=False),
        sa.Column("unit_id", sa.String(64), nullable=False, index=True),
        sa.Column("unit_name", sa.String(100), nullable=False),
        sa.Column("project_name", sa.String(200), nullable=False),
        sa.Column("category", sa.String(8), nullable=False),
        sa.Column("plan_year", sa.Integer, nullable=False),
        sa.Column("estimate_fen", sa.BigInteger, nullable=False),
        sa.Column("classified", sa.Boolean, nullable=False),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("superior_funding_fen", sa.BigInteger, nullable=False),
        sa.Column("adhoc_reason", sa.String(32), nullable=True),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("submitted_by", sa.String(64), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("kind", "project_id", "version_no", name="uq_applications_kind_project_version"),
    )
    op.create_table(
        "funding",
        sa.Column("project_id", sa.String(36), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("path", sa.String(16), nullable=True),
        sa.Column("confirmation_id", sa.String(64), nullable=True),
        sa.Column("result", sa.String(16), nullable=True),
        sa.Column("confirmed_amount_fen", sa.BigInteger, nullable=False),
        sa.Column("total_investment_fen", sa.BigInteger, nullable=False),
        sa.Column("shortfall_fen", sa.BigInteger, nullable=False),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("event_time", sa.String(40), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "special_reports",
        sa.Column("project_id", sa.String(36), primary_key=True),
        sa.Column("reference", sa.String(200), nullable=False),
        sa.Column("reported_on", sa.String(10), nullable=True),
        sa.Column("event_time", sa.String(40), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    with op.batch_alter_table("reviews") as batch:
        batch.add_column(sa.Column("seq", sa.Integer, nullable=False, server_default="1"))
        batch.add_column(sa.Column("origin", sa.String(16), nullable=False, server_default="PLAN"))
        batch.add_column(sa.Column("opened_by", sa.String(64), nullable=True))
        batch.add_column(sa.Column("opened_by_name", sa.String(100), nullable=True))
        batch.add_column(sa.Column("funding_result", sa.String(16), nullable=True))
        batch.add_column(sa.Column("funding_confirmed_fen", sa.BigInteger, nullable=True))
        batch.add_column(sa.Column("return_reason", sa.Text, nullable=True))
    # Reviews opened so far were plan reviews, one per version: that is their order,
    # and each stands for an application that has been opened.
    op.execute("UPDATE reviews SET seq = version_no")
    op.execute(
        "INSERT INTO applications (kind, project_id, version_no, unit_id, unit_name, project_name, category, "
        "plan_year, estimate_fen, classified, origin, superior_funding_fen, adhoc_reason, status, "
        "submitted_by, submitted_at, updated_at) "
        "SELECT kind, project_id, version_no, unit_id, unit_name, project_name, category, plan_year, "
        "estimate_fen, classified, 'PLAN', 0, NULL, 'OPENED', NULL, opened_at, updated_at FROM reviews")


def downgrade() -> None:
    with op.batch_alter_table("reviews") as batch:
        for column in ("return_reason", "funding_confirmed_fen", "funding_result", "opened_by_name",
                       "opened_by", "origin", "seq"):
            batch.drop_column(column)
    op.drop_table("special_reports")
    op.drop_table("funding")
    op.drop_table("applications")
