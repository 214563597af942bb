"""Messages kiosk and backend exchange. Plain dataclasses: the backend uses them as request bodies.

Only routing metadata is in clear here; everything personal travels inside `sealed`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

API_PREFIX = "/api/kiosk"
CASES_PATH = f"{API_PREFIX}/cases"
EVENTS_PATH = f"{API_PREFIX}/events"
HEARTBEAT_PATH = f"{API_PREFIX}/heartbeat"
PROVISIONING_PATH = f"{API_PREFIX}/provisioning"

MAX_SEALED_BYTES = 512 * 1024
MAX_EVENTS_PER_BATCH = 500


@dataclass
class CaseDelivery:
    """One intake, sealed on the kiosk to the backend's public key (libsodium sealed box, base64)."""

    case_id: UUID
    case_type: str
    schema_version: int
    language: str
    created_at: datetime
    sealed: str


@dataclass
class CaseReceipt:
    case_id: UUID
    reference: str
    duplicate: bool
    confirmation_mail: bool = False  # the backend e-mails the resident a confirmation (they gave an address)


@dataclass
class UsageEvent:
    """An anonymous usage event. `session` is a random id per kiosk session, never linked to a case."""

    event_id: UUID
    session: UUID
    kind: str
    at: datetime
    language: str | None = None
    service: str | None = None
    step: str | None = None
    code: str | None = None
    reason: str | None = None
    duration_ms: int | None = None
    rating: int | None = None


@dataclass
class UsageBatch:
    batch_id: UUID
    events: list[UsageEvent] = field(default_factory=list)


@dataclass
class UsageBatchReceipt:
    batch_id: UUID
    accepted: int
    duplicates: int


@dataclass
class Heartbeat:
    outbox_pending: int
    oldest_pending_seconds: int = 0
    last_error: str | None = None
    app_version: str = ""
    translation_ready: bool = False
    outbox_held: int = 0  # cases the backend refused for good: sealed on the kiosk until a technician releases them
    held_reason: str | None = None  # why, as the kiosk's outbox recorded it (an HTTP status and error code)


@dataclass
class ProvisioningInfo:
    kiosk_id: UUID
    name: str
    location: str
    public_key: str  # base64 Curve25519 public key for sealed boxes


@dataclass
class ErrorBody:
    error: str
    detail: str
