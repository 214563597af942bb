"""Signatures of statements, made on the kiosk: the link from a case to its signed_statement case, and the digest.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_signatures",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("signature_case_id", sa.Uuid(), nullable=False),
        sa.Column("statement_id", sa.String(36), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("signed", sa.Boolean(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["signature_case_id"], ["cases.id"], name="fk_case_signatures_signature_case_id_cases"),
        sa.PrimaryKeyConstraint("id", name="pk_case_signatures"),
        sa.UniqueConstraint("signature_case_id", name="uq_case_signatures_signature_case_id"),
    )
    op.create_index("ix_case_signatures_case_id", "case_signatures", ["case_id"])


def downgrade() -> None:
    op.drop_index("ix_case_signatures_case_id", "case_signatures")
    op.drop_table("case_signatures")
