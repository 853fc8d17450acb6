"""document_uploads.unit_id: the unit an upload belongs to

Revision ID: 0002
Revises: 0001

Downloads and citations of a document are limited to the uploader's unit
(rules.md §7.2), so the unit is kept with the upload: a person's unit can
change later, the upload stays with the unit that made it.
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable: an upload whose uploader is no longer in ``users`` has no
    # known unit, and then only the roles that read everything may fetch it.
    with op.batch_alter_table("document_uploads") as batch:
        batch.add_column(sa.Column("unit_id", sa.String(64), nullable=True))
    op.execute(
        "UPDATE document_uploads SET unit_id = "
        "(SELECT users.unit_id FROM users WHERE users.username = document_uploads.uploaded_by)"
    )
    op.create_index("ix_document_uploads_digest_unit", "document_uploads", ["digest", "unit_id"])


def downgrade() -> None:
    op.drop_index("ix_document_uploads_digest_unit", table_name="document_uploads")
    with op.batch_alter_table("document_uploads") as batch:
        batch.drop_column("unit_id")
