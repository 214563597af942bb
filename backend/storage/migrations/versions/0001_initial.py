"""Initial schema: kiosks, users, sessions, cases, notes, audit log, usage events, config.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _time(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _id(name: str = "id") -> sa.Column:
    return sa.Column(name, BIG_ID, autoincrement=True, nullable=False)


def upgrade() -> None:
    op.create_table(
        "kiosks",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("location", sa.String(200), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        _time("created_at"),
        _time("revoked_at", nullable=True),
        _time("last_heartbeat_at", nullable=True),
        sa.Column("outbox_pending", sa.Integer(), nullable=False),
        sa.Column("oldest_pending_seconds", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(500), nullable=True),
        sa.Column("app_version", sa.String(64), nullable=False),
        sa.Column("translation_ready", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_kiosks"),
        sa.UniqueConstraint("name", name="uq_kiosks_name"),
        sa.UniqueConstraint("token_hash", name="uq_kiosks_token_hash"),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        _time("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("name", name="uq_users_name"),
    )
    op.create_table(
        "cases",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("reference", sa.String(16), nullable=False),
        sa.Column("case_type", sa.String(40), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("schema_version", sa.Integer(), nullable=False),
        sa.Column("kiosk_id", sa.Uuid(), nullable=False),
        sa.Column("location", sa.String(200), nullable=False),
        _time("created_at"),
        _time("received_at"),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("claimed_by", sa.Uuid(), nullable=True),
        _time("claimed_at", nullable=True),
        _time("closed_at", nullable=True),
        sa.Column("payload_digest", sa.String(64), nullable=False),
        sa.Column("payload_ciphertext", sa.LargeBinary(), nullable=True),
        _time("purged_at", nullable=True),
        sa.ForeignKeyConstraint(["claimed_by"], ["users.id"], name="fk_cases_claimed_by_users"),
        sa.ForeignKeyConstraint(["kiosk_id"], ["kiosks.id"], name="fk_cases_kiosk_id_kiosks"),
        sa.PrimaryKeyConstraint("id", name="pk_cases"),
        sa.UniqueConstraint("reference", name="uq_cases_reference"),
    )
    op.create_index("ix_cases_status_created_at", "cases", ["status", "created_at"])
    op.create_table(
        "case_notes",
        _id(),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=False),
        _time("created_at"),
        sa.Column("ciphertext", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name="fk_case_notes_author_id_users"),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name="fk_case_notes_case_id_cases"),
        sa.PrimaryKeyConstraint("id", name="pk_case_notes"),
    )
    op.create_index("ix_case_notes_case_id", "case_notes", ["case_id"])
    op.create_table(
        "sessions",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        _time("created_at"),
        _time("last_seen_at"),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_sessions_user_id_users"),
        sa.PrimaryKeyConstraint("token_hash", name="pk_sessions"),
    )
    op.create_index("ix_sessions_user_id", "sessions", ["user_id"])
    op.create_table(
        "audit_log",
        _id(),
        _time("at"),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("actor_name", sa.String(80), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=True),
        sa.Column("subject", sa.String(200), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_case_id", "audit_log", ["case_id"])
    op.create_table(
        "usage_events",
        _id(),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("kiosk_id", sa.Uuid(), nullable=False),
        sa.Column("location", sa.String(200), nullable=False),
        sa.Column("session", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        _time("at"),
        sa.Column("language", sa.String(64), nullable=True),
        sa.Column("service", sa.String(64), nullable=True),
        sa.Column("step", sa.String(64), nullable=True),
        sa.Column("code", sa.String(64), nullable=True),
        sa.Column("reason", sa.String(64), nullable=True),
        sa.Column("duration_ms", sa.BigInteger(), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["kiosk_id"], ["kiosks.id"], name="fk_usage_events_kiosk_id_kiosks"),
        sa.PrimaryKeyConstraint("id", name="pk_usage_events"),
        sa.UniqueConstraint("event_id", name="uq_usage_events_event_id"),
    )
    op.create_index("ix_usage_events_at", "usage_events", ["at"])
    op.create_table(
        "usage_batches",
        sa.Column("batch_id", sa.Uuid(), nullable=False),
        sa.Column("kiosk_id", sa.Uuid(), nullable=False),
        _time("received_at"),
        sa.Column("accepted", sa.Integer(), nullable=False),
        sa.Column("duplicates", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["kiosk_id"], ["kiosks.id"], name="fk_usage_batches_kiosk_id_kiosks"),
        sa.PrimaryKeyConstraint("batch_id", name="pk_usage_batches"),
    )
    op.create_table(
        "config",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_config"),
    )


def downgrade() -> None:
    for table in ("config", "usage_batches", "usage_events", "audit_log", "sessions", "case_notes", "cases",
                  "users", "kiosks"):
        op.drop_table(table)
