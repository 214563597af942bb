"""Request and response bodies of the officer, pilot and admin JSON API (the kiosk API uses domain.wire)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from domain.identity import DocumentType
from domain.payload import Translation
from domain.statement import MAX_ADDITION_CHARS, MAX_ADDITIONS
from domain.status import CaseStatus

MIN_PASSWORD = 10
PRINTABLE = r"^[^\x00-\x1f]+$"  # one line, no control characters
NO_NUL = r"^[^\x00]+$"  # PostgreSQL text cannot hold NUL
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80, pattern=PRINTABLE)]
Place = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=PRINTABLE)]
Password = Annotated[str, StringConstraints(min_length=MIN_PASSWORD, max_length=200, pattern=NO_NUL)]
NoteText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000, pattern=NO_NUL)]
TotpCode = Annotated[str, StringConstraints(strip_whitespace=True, min_length=6, max_length=8, pattern=r"^[0-9 ]+$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Role(StrEnum):
    OFFICER = "officer"
    PILOT = "pilot"
    ADMIN = "admin"


class LoginRequest(Strict):
    name: Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=NO_NUL)]
    password: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    code: TotpCode | None = Field(None, description="the 6-digit TOTP code, for accounts that have TOTP set up")


class UserView(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    name: str
    role: Role
    disabled: bool
    created_at: datetime
    locked_until: datetime | None = Field(None, description="locked after failed logins until then (admin list)")
    totp_enrolled: bool = Field(False, description="has a confirmed TOTP second factor (admin list)")


class Me(BaseModel):
    user: UserView
    csrf_token: str = Field(description="send it as X-CSRF-Token with every POST, PUT, PATCH and DELETE")
    session_idle_minutes: int
    totp_enrolment_required: bool = Field(False, description="this session may only set up TOTP (/api/auth/totp)")


class CaseSummary(BaseModel):
    """Routing metadata only: what a queue shows. No personal data."""

    id: UUID
    reference: str
    case_type: str
    language: str
    schema_version: int
    kiosk_id: UUID
    location: str
    created_at: datetime = Field(description="the kiosk's case time, clamped near received_at: the queue order")
    kiosk_created_at: datetime | None = Field(default=None, description="the case time exactly as the kiosk sent it")
    clock_flag: str | None = Field(default=None, description='"ahead" or "behind": the kiosk clock was off')
    translation_flag: str | None = Field(
        default=None, description='"untranslated" (some free text has no Dutch) or "low_confidence"'
    )
    received_at: datetime
    status: CaseStatus
    claimed_by: str | None = Field(description="name of the officer holding or having handled the case")
    claimed_at: datetime | None
    closed_at: datetime | None
    purged: bool
    next_statuses: list[CaseStatus] = Field(description="statuses the case may move to from here")


class QueueRow(CaseSummary):
    """A queue line: the routing metadata with the Dutch names the console shows."""

    age_minutes: int = Field(description="minutes since the case time (created_at)")
    service_name: str
    language_name: str
    status_name: str
    created_text: str = Field(description="the case time in Dutch, with a note when the kiosk clock was off")


class QueueCounts(BaseModel):
    new: int
    claimed: int
    mine: int


class CaseQueue(BaseModel):
    """One page of the queue, oldest first, and how many cases each console tab holds."""

    view: str
    cases: list[QueueRow]
    total: int = Field(description="cases matching the view and filters, beyond this page too")
    counts: QueueCounts = Field(description="cases per tab with the same filters")
    idle_expires_at: datetime = Field(description="when the session ends if its user does nothing")
    now: datetime


class StatusOption(BaseModel):
    status: CaseStatus
    name: str = Field(description="the move in Dutch")


class NoteView(BaseModel):
    id: int
    author: str
    created_at: datetime
    text: str | None = Field(description="None once the case's personal data has been purged")


class IdentityView(BaseModel):
    """The officer's check of the resident's identity document (domain/identity.py)."""

    document_type: DocumentType | None = Field(description="None once purged")
    issuing_country: str | None = Field(description="ISO 3166 alpha-2; None once purged")
    number_last4: str | None = Field(description="the last four characters of the document number; None once purged")
    face_matches: bool | None
    verified_by: str | None
    verified_at: datetime


class IdentityRequest(Strict):
    document_type: DocumentType
    issuing_country: str = Field(min_length=2, max_length=2, description="ISO 3166 alpha-2, e.g. NL, SY, UA")
    number_last4: str = Field(min_length=4, max_length=9, description="the last four letters or digits")
    face_matches: bool


class DocumentPhotoView(BaseModel):
    """That the officer kept a still of the resident's identity document: who, when, how large. Never the image: only
    the officer holding the case fetches it (GET /api/cases/{id}/identity/photo)."""

    taken_at: datetime
    taken_by: str | None = Field(description="the officer who saved it")
    width: int = Field(description="pixels, as stored (re-encoded as JPEG)")
    height: int


class SignatureView(BaseModel):
    """The resident's signature (or refusal) of the case's statement, made on the kiosk in a call."""

    signed: bool
    received_at: datetime
    digest: str = Field(description="SHA-256 of the signed text, as it arrived")
    check: str = Field(description='"ok": the stored text still has that digest; "changed": it does not (tampered '
                       'with after signing); "purged": removed after the retention period')
    statement_text: str | None
    strokes: list[list[list[float]]] | None = Field(description="the finger strokes, x and y in 0..1 of the pad")


class CaseDetail(CaseSummary):
    """A case with its personal data, decrypted; every read is written to the audit log."""

    answers: dict[str, Any] | None = Field(description="None once purged")
    translations: dict[str, Translation] | None
    notes: list[NoteView]
    identity: IdentityView | None = Field(default=None, description="the officer's identity check, if made")
    document_photo: DocumentPhotoView | None = Field(
        default=None, description="the still of the identity document, if one was kept (None once purged)"
    )
    signatures: list[SignatureView] = Field(default_factory=list, description="signatures of its statement")


class CaseView(CaseDetail, QueueRow):
    """A case as the officer reads it: the stored answers and translations, and the same in Dutch, form order."""

    kind: str = Field(
        description='"aangifte", "melding", "terugbelverzoek", "gespreksverslag" or "intake" (a form this backend no '
        "longer knows)"
    )
    mine: bool = Field(description="claimed by the officer asking")
    next_moves: list[StatusOption]
    sections: list[dict[str, Any]] = Field(description="the answers as labelled rows, translations beside originals")


class StatusChange(Strict):
    status: CaseStatus
    # converting without a verified identity and a signature needs the officer's reason (kept as a note)
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500, pattern=NO_NUL)] | None = None


class NoteRequest(Strict):
    text: NoteText


class StatementRequest(Strict):
    """What the officer adds to the statement before the resident signs it. The limits are checked by the service on
    each stripped, cleaned text (backend/services/statements.py, error code "additions"); the schema documents them."""

    additions: list[str] = Field(
        default_factory=list,
        description=f"corrections and additions written down with the resident, in Dutch, one line each: at most "
        f"{MAX_ADDITIONS}, each 1 to {MAX_ADDITION_CHARS} characters; the kiosk translates them for the resident",
        json_schema_extra={"maxItems": MAX_ADDITIONS, "items": {"type": "string", "maxLength": MAX_ADDITION_CHARS}},
    )


class KioskRequest(Strict):
    name: Name
    location: Place


class KioskView(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    name: str
    location: str
    created_at: datetime
    revoked_at: datetime | None
    last_heartbeat_at: datetime | None
    outbox_pending: int
    oldest_pending_seconds: int
    last_error: str | None
    app_version: str
    translation_ready: bool
    outbox_held: int = Field(description="cases this kiosk holds because this backend refused them")
    held_reason: str | None = Field(description="why the backend refused them, as the kiosk reports it")


class ProvisionedKiosk(BaseModel):
    kiosk: KioskView
    token: str = Field(description="the kiosk's bearer token; shown only this once")
    public_key: str = Field(description="the backend's sealing public key, base64")


class UserRequest(Strict):
    name: Name
    role: Role
    password: Password


class PasswordReset(Strict):
    password: Password


class Retention(Strict):
    retention_days: int = Field(ge=1, le=5 * 366, description="days a closed case keeps its personal data")


class PurgeReport(BaseModel):
    purged_cases: int


class TotpStatus(BaseModel):
    enrolled: bool
    required: bool = Field(description="the admin made TOTP mandatory for this account's role")


class TotpEnrolment(BaseModel):
    secret: str = Field(description="base32 secret, to type into an app that cannot scan the QR code")
    uri: str = Field(description="the otpauth:// URI the QR code holds")
    qr_svg: str = Field(description="the URI as a QR code, an SVG document")


class TotpConfirmation(Strict):
    code: TotpCode


class TotpPolicy(Strict):
    required: bool = Field(description="officers and admins must set up TOTP before they can do anything else")


class Health(BaseModel):
    status: str
