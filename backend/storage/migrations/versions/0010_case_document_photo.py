"""The one still of the resident's identity document an officer may keep with a case (encrypted JPEG).

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_document_photos",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("ciphertext", sa.LargeBinary(), nullable=True),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("taken_by", sa.Uuid(), nullable=True),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name="fk_case_document_photos_case_id_cases"),
        sa.ForeignKeyConstraint(["taken_by"], ["users.id"], name="fk_case_document_photos_taken_by_users"),
        sa.PrimaryKeyConstraint("case_id", name="pk_case_document_photos"),
    )


def downgrade() -> None:
    op.drop_table("case_document_photos")
