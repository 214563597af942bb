"""Confirmation mails wait in the database, not in one process's memory: a restart or a killed worker loses none.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mail_queue",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name="fk_mail_queue_case_id_cases"),
        sa.PrimaryKeyConstraint("case_id", name="pk_mail_queue"),
    )
    op.create_index("ix_mail_queue_due_at", "mail_queue", ["due_at"])


def downgrade() -> None:
    op.drop_index("ix_mail_queue_due_at", "mail_queue")
    op.drop_table("mail_queue")
