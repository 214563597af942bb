"""The officer's identity check of a case's resident (encrypted), for converting it into an aangifte.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_identities",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("ciphertext", sa.LargeBinary(), nullable=True),
        sa.Column("verified_by", sa.Uuid(), nullable=True),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name="fk_case_identities_case_id_cases"),
        sa.ForeignKeyConstraint(["verified_by"], ["users.id"], name="fk_case_identities_verified_by_users"),
        sa.PrimaryKeyConstraint("case_id", name="pk_case_identities"),
    )


def downgrade() -> None:
    op.drop_table("case_identities")
