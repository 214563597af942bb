"""The call queue shared by several workers on PostgreSQL: its state row and the messages between workers.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "call_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_call_state"),
    )
    op.create_table(
        "call_outbox",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("worker", sa.String(40), nullable=False),
        sa.Column("peer", sa.String(80), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_call_outbox"),
    )
    op.create_index("ix_call_outbox_worker", "call_outbox", ["worker"])


def downgrade() -> None:
    op.drop_index("ix_call_outbox_worker", "call_outbox")
    op.drop_table("call_outbox")
    op.drop_table("call_state")
