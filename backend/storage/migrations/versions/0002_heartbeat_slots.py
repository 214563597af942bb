"""Kiosk heartbeat history for the pilot dashboard's uptime: one row per kiosk per five-minute slot.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kiosk_heartbeat_slots",
        sa.Column("kiosk_id", sa.Uuid(), nullable=False),
        sa.Column("slot", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["kiosk_id"], ["kiosks.id"], name="fk_kiosk_heartbeat_slots_kiosk_id_kiosks"),
        sa.PrimaryKeyConstraint("kiosk_id", "slot", name="pk_kiosk_heartbeat_slots"),
    )


def downgrade() -> None:
    op.drop_table("kiosk_heartbeat_slots")
