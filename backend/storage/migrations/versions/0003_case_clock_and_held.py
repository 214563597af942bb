"""The kiosk's own case time kept beside the one used for ordering; held cases reported by the kiosk.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        # created_at is what the queue orders by: the kiosk's time clamped to the receiving time's window.
        batch.add_column(sa.Column("kiosk_created_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("clock_flag", sa.String(16), nullable=True))
    with op.batch_alter_table("kiosks") as batch:
        batch.add_column(sa.Column("outbox_held", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("held_reason", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("kiosks") as batch:
        batch.drop_column("held_reason")
        batch.drop_column("outbox_held")
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("clock_flag")
        batch.drop_column("kiosk_created_at")
