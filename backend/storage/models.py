"""Database tables (SQLAlchemy 2). Personal data exists only as ciphertext: cases.payload_ciphertext, case_notes,
case_identities, case_document_photos."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    Uuid,
    false,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Stable constraint names, so later Alembic migrations can refer to them on SQLite and PostgreSQL alike.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite only autoincrements an INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit identity.
BigId = BigInteger().with_variant(Integer(), "sqlite")


def utcnow() -> datetime:
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC on the way in and out, also on SQLite which stores no offset."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Kiosk(Base):
    __tablename__ = "kiosks"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    location: Mapped[str] = mapped_column(String(200))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of the bearer token
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_heartbeat_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    outbox_pending: Mapped[int] = mapped_column(Integer, default=0)
    oldest_pending_seconds: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    app_version: Mapped[str] = mapped_column(String(64), default="")
    translation_ready: Mapped[bool] = mapped_column(Boolean, default=False)
    outbox_held: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # refused cases it keeps
    held_reason: Mapped[str | None] = mapped_column(String(64))  # code of the latest refusal


class User(Base):
    __tablename__ = "users"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (Index("ix_cases_status_created_at", "status", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)  # made on the kiosk; unique forever
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    case_type: Mapped[str] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(8))
    schema_version: Mapped[int] = mapped_column(Integer)
    kiosk_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("kiosks.id"))
    location: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)  # the kiosk's time, clamped near received_at
    kiosk_created_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # as the kiosk sent it
    clock_flag: Mapped[str | None] = mapped_column(String(16))  # "ahead" or "behind" when it was clamped
    # "untranslated" or "low_confidence" (domain.translation_check.translation_flag): names no text
    translation_flag: Mapped[str | None] = mapped_column(String(16))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default="new")
    claimed_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    payload_digest: Mapped[str] = mapped_column(String(64))  # HMAC, kept after purge to answer retries
    payload_ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary)  # None once purged
    purged_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class CaseNote(Base):
    __tablename__ = "case_notes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    author_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary)  # None once purged


class UserSession(Base):
    __tablename__ = "sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    csrf_token: Mapped[str] = mapped_column(String(64))
    # TOTP is mandatory and the user has none yet: the session reaches only the enrolment (backend/http/auth.py)
    enrol_only: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class AuditEntry(Base):
    """Who did what to which case or account, when. Never content."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)  # a user, or None for the system
    actor_name: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(40))
    case_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    subject: Mapped[str | None] = mapped_column(String(200))  # an account or kiosk acted upon, or a status


class UsageEventRow(Base):
    __tablename__ = "usage_events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    event_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    kiosk_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("kiosks.id"))
    location: Mapped[str] = mapped_column(String(200))
    session: Mapped[uuid.UUID] = mapped_column(Uuid)
    kind: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    language: Mapped[str | None] = mapped_column(String(64))
    service: Mapped[str | None] = mapped_column(String(64))
    step: Mapped[str | None] = mapped_column(String(64))
    code: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(String(64))
    duration_ms: Mapped[int | None] = mapped_column(BigInteger)
    rating: Mapped[int | None] = mapped_column(Integer)


class UsageBatchRow(Base):
    __tablename__ = "usage_batches"

    batch_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    kiosk_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("kiosks.id"))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    accepted: Mapped[int] = mapped_column(Integer)
    duplicates: Mapped[int] = mapped_column(Integer)


class ConfigValue(Base):
    """Settings an admin changes at run time (retention days); the Settings object holds the defaults."""

    __tablename__ = "config"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


class LoginFailure(Base):
    """One failed login, kept for the throttle's window only. Keys are keyed hashes, never a name or address."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(64))  # HMAC of "account:NAME" or "address:IP" (services/throttle.py)
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class LoginLockout(Base):
    """An account name locked after too many failures, until `until` or until an admin unlocks it."""

    __tablename__ = "login_lockouts"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # the account's throttle key
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), index=True)  # None: unknown name
    locked_at: Mapped[datetime] = mapped_column(UtcDateTime)
    until: Mapped[datetime] = mapped_column(UtcDateTime)


class UserTotp(Base):
    """A user's TOTP secret, encrypted with the storage key; confirmed_at is None while enrolment is pending."""

    __tablename__ = "user_totp"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), primary_key=True)
    secret_ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_step: Mapped[int | None] = mapped_column(BigInteger)  # the last accepted 30 s step: no code twice


class HeartbeatSlot(Base):
    """A five-minute slot in which a kiosk sent a heartbeat: uptime on the pilot dashboard
    (services/heartbeats.py)."""

    __tablename__ = "kiosk_heartbeat_slots"

    kiosk_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("kiosks.id"), primary_key=True)
    slot: Mapped[datetime] = mapped_column(UtcDateTime, primary_key=True)


class CallState(Base):
    """The live call queue shared by the workers on PostgreSQL (services/shared_calls.py): one row, id 1, whose
    JSON is CallQueue.snapshot(); every change takes the row lock. It names kiosks, officers' ids and
    connections, never anything a resident said."""

    __tablename__ = "call_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    state: Mapped[str] = mapped_column(Text, default="{}")


class CallOutbox(Base):
    """Signalling messages for a connection held by another worker, taken by that worker when notified."""

    __tablename__ = "call_outbox"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    worker: Mapped[str] = mapped_column(String(40), index=True)
    peer: Mapped[str] = mapped_column(String(80))
    message: Mapped[str] = mapped_column(Text)


class MailQueueRow(Base):
    """A confirmation mail still to send for a case (services/confirmations.py). It holds no address: the mail is
    made from the case at sending time, so it goes when the case's personal data is purged. Any worker sends it;
    `claimed_until` keeps two from sending the same one at once."""

    __tablename__ = "mail_queue"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    attempt: Mapped[int] = mapped_column(Integer, default=1)
    due_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    claimed_until: Mapped[datetime | None] = mapped_column(UtcDateTime)


class CaseIdentity(Base):
    """The officer's check of the resident's identity document (domain/identity.py), encrypted with the storage key
    like the payload: document type, issuing country, last four characters, whether the face matches. Who checked
    and when stay in clear, as in the audit log."""

    __tablename__ = "case_identities"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary)  # None once purged
    verified_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    verified_at: Mapped[datetime] = mapped_column(UtcDateTime)


class CaseDocumentPhoto(Base):
    """The one still of the resident's identity document an officer may keep (services/identity_checks.py): a JPEG
    re-encoded without metadata, cropped by the officer, encrypted with the storage key like the payload. Its size,
    who took it and when stay in clear, as in the audit log."""

    __tablename__ = "case_document_photos"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary)  # None once purged
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    taken_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    taken_at: Mapped[datetime] = mapped_column(UtcDateTime)


class CaseSignature(Base):
    """A resident's signature (or refusal) of the statement of a case, made on the kiosk in a call: the link from the
    case to the `signed_statement` case that holds the signed text and strokes (encrypted, like any payload), and
    the text's SHA-256 as it arrived, kept apart so a later change of the stored text shows."""

    __tablename__ = "case_signatures"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    case_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)  # the case signed (no FK: it may arrive later)
    signature_case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), unique=True)
    statement_id: Mapped[str] = mapped_column(String(36))
    digest: Mapped[str] = mapped_column(String(64))
    signed: Mapped[bool] = mapped_column(Boolean)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
