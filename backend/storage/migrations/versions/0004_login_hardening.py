"""Login hardening: failed-login throttle and lockouts, TOTP secrets, enrolment-only sessions.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _time(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "login_failures",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("key", sa.String(64), nullable=False),  # keyed hash of the account name or client address
        _time("at"),
        sa.PrimaryKeyConstraint("id", name="pk_login_failures"),
    )
    op.create_index("ix_login_failures_key_at", "login_failures", ["key", "at"])
    op.create_index("ix_login_failures_at", "login_failures", ["at"])
    op.create_table(
        "login_lockouts",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        _time("locked_at"),
        _time("until"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_login_lockouts_user_id_users"),
        sa.PrimaryKeyConstraint("key", name="pk_login_lockouts"),
    )
    op.create_index("ix_login_lockouts_user_id", "login_lockouts", ["user_id"])
    op.create_table(
        "user_totp",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("secret_ciphertext", sa.LargeBinary(), nullable=False),  # SecretBox, storage key
        _time("created_at"),
        _time("confirmed_at", nullable=True),
        sa.Column("last_step", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_user_totp_user_id_users"),
        sa.PrimaryKeyConstraint("user_id", name="pk_user_totp"),
    )
    with op.batch_alter_table("sessions") as batch:
        batch.add_column(sa.Column("enrol_only", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("sessions") as batch:
        batch.drop_column("enrol_only")
    op.drop_table("user_totp")
    op.drop_index("ix_login_lockouts_user_id", table_name="login_lockouts")
    op.drop_table("login_lockouts")
    op.drop_index("ix_login_failures_at", table_name="login_failures")
    op.drop_index("ix_login_failures_key_at", table_name="login_failures")
    op.drop_table("login_failures")
