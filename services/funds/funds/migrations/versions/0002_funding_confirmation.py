"""Art 9 funding-confirmation requests and confirmations

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
        "funding_requests",
        sa.Column("project_id", sa.String(64), primary_key=True),
        sa.Column("unit_id", sa.String(64), nullable=False, index=True),
        sa.Column("unit_name", sa.String(100), nullable=False),
        sa.Column("project_name", sa.String(200), nullable=False),
        sa.Column("category", sa.String(8), nullable=False),
        sa.Column("plan_year", sa.Integer, nullable=True),
        sa.Column("classified", sa.Boolean, nullable=False),
        sa.Column("path", sa.String(8), nullable=False),
        sa.Column("application_version", sa.Integer, nullable=False),
        sa.Column("total_investment_fen", sa.BigInteger, nullable=False),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("current_confirmation_id", sa.String(36), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_table(
        "funding_confirmations",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("project_id", sa.String(64), sa.ForeignKey("funding_requests.project_id"), nullable=False,
                  index=True),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("application_version", sa.Integer, nullable=False),
        sa.Column("path", sa.String(8), nullable=False),
        sa.Column("result", sa.String(16), nullable=False),
        sa.Column("confirmed_amount_fen", sa.BigInteger, nullable=False),
        sa.Column("total_investment_fen", sa.BigInteger, nullable=False),
        sa.Column("shortfall_fen", sa.BigInteger, nullable=False),
        sa.Column("outcome", sa.String(32), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("basis_document", sa.String(200), nullable=True),
        sa.Column("recorded_by", sa.String(64), nullable=False),
        sa.Column("recorded_by_name", sa.String(100), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("invalidated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("invalidated_by_version", sa.Integer, nullable=True),
        sa.Column("invalidating_total_fen", sa.BigInteger, nullable=True),
        sa.UniqueConstraint("project_id", "seq", name="uq_funding_confirmations_seq"),
    )


def downgrade() -> None:
    op.drop_table("funding_confirmations")
    op.drop_table("funding_requests")
