"""The audit log: who did what, when, to which case or account. It never holds content."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from sqlalchemy import insert
from sqlalchemy.orm import Session

from backend.storage.models import AuditEntry, utcnow


class AuditAction(StrEnum):
    CASE_READ = "case_read"
    CASE_STATUS = "case_status"  # subject: "old->new"
    NOTE_ADDED = "note_added"
    CASE_PURGED = "case_purged"
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOGOUT = "logout"
    USER_CREATED = "user_created"
    USER_DISABLED = "user_disabled"
    USER_ENABLED = "user_enabled"
    PASSWORD_RESET = "password_reset"
    KIOSK_PROVISIONED = "kiosk_provisioned"
    KIOSK_REVOKED = "kiosk_revoked"
    RETENTION_CHANGED = "retention_changed"
    CASE_REPLAYED = "case_replayed"  # another kiosk delivered a case id first delivered by this one; refused
    ACCOUNT_LOCKED = "account_locked"  # too many failed logins (backend/services/throttle.py); subject says until when
    ACCOUNT_UNLOCKED = "account_unlocked"  # by an admin
    TOTP_ENROLLED = "totp_enrolled"
    TOTP_RESET = "totp_reset"  # by an admin: the user enrols again
    TOTP_POLICY_CHANGED = "totp_policy_changed"  # subject: "required" or "optional"
    IDENTITY_CHECKED = "identity_checked"  # the officer checked the resident's document; subject: does the face match
    DOCUMENT_PHOTO_SAVED = "document_photo_saved"  # a still of the document kept; subject "new" or "replaced"
    DOCUMENT_PHOTO_DELETED = "document_photo_deleted"  # by the officer holding the case


@dataclass(frozen=True)
class Actor:
    """Who acts: an officer, pilot or admin account; a kiosk; or the system itself (id None)."""

    id: UUID | None
    name: str


SYSTEM = Actor(None, "system")


def record(
    session: Session,
    actor: Actor,
    action: AuditAction,
    *,
    case_id: UUID | None = None,
    subject: str | None = None,
    at: datetime | None = None,
) -> None:
    session.execute(
        insert(AuditEntry).values(
            at=at or utcnow(),
            actor_id=actor.id,
            actor_name=actor.name[:80],
            action=action.value,
            case_id=case_id,
            subject=subject[:200] if subject else None,
        )
    )
