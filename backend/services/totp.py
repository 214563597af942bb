"""TOTP second factor (RFC 6238: 6 digits, 30 s steps, SHA-1, as every authenticator app does it).

The secret is encrypted with the storage key (backend/services/keys.py) before it is written. Enrolment makes a pending
secret and shows it as a QR code (an SVG drawn here, nothing fetched) and as text; the first correct code
confirms it. A code is accepted one step either side of now, and never twice: the last accepted step is kept
and only a later step is accepted, with a conditional UPDATE so two server processes cannot both accept it.
An admin setting (a ConfigValue row) makes TOTP mandatory for officers and admins.
The SQL is in backend/storage/totp.py, backend/storage/accounts.py (sessions) and backend/storage/config.py.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

import pyotp

from backend.services.errors import Conflict
from backend.services.schemas import Role, UserView
from backend.storage import accounts, config
from backend.storage import totp as rows
from backend.storage.audit import Actor, AuditAction, record
from backend.storage.db import Database
from backend.storage.models import User, UserTotp

ISSUER = "Politieloket"
VALID_WINDOW = 1  # steps either side of now
REQUIRED_KEY = "totp_required"
REQUIRED_ROLES = frozenset({Role.OFFICER, Role.ADMIN})  # whom the mandatory setting concerns


class StorageBox(Protocol):
    """The part of the keyring that encrypts data at rest (backend/services/keys.py)."""

    def encrypt(self, plaintext: bytes) -> bytes: ...

    def decrypt(self, ciphertext: bytes) -> bytes: ...


@dataclass(frozen=True)
class Enrolment:
    secret: str  # base32, to type in when the camera cannot read the code
    uri: str  # otpauth://totp/...
    qr_svg: str  # the URI as an SVG QR code


def qr_svg(text: str) -> str:
    # qrcode pulls in Pillow and numpy (a sixth of a second): loaded by the first enrolment, not at start-up
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=4)
    svg: str = image.to_string(encoding="unicode")
    return svg


def normalised(code: str) -> str:
    return "".join(code.split())


def matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The 30 s step whose code `code` is, within VALID_WINDOW steps of `now`; None when none matches."""
    code = normalised(code)
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for offset in range(-VALID_WINDOW, VALID_WINDOW + 1):
        if hmac.compare_digest(totp.at(now, counter_offset=offset), code):
            return current + offset
    return None


class SqlTotpStore:
    def __init__(self, db: Database, keys: StorageBox) -> None:
        self._db = db
        self._keys = keys

    def _secret(self, row: UserTotp) -> str:
        return self._keys.decrypt(row.secret_ciphertext).decode("ascii")

    # --- the policy -----------------------------------------------------------------------------------

    def required(self) -> bool:
        with self._db.read() as session:
            stored = config.get(session, REQUIRED_KEY)
        return stored == "1"

    def set_required(self, required: bool, actor: Actor) -> bool:
        with self._db.write() as session:
            config.put(session, REQUIRED_KEY, "1" if required else "0")
            record(session, actor, AuditAction.TOTP_POLICY_CHANGED, subject="required" if required else "optional")
        return required

    def must_enrol(self, user: User) -> bool:
        """The mandatory setting is on, it concerns this user's role, and the user has no confirmed TOTP."""
        return Role(user.role) in REQUIRED_ROLES and self.required() and not self.enrolled(user.id)

    # --- one user -------------------------------------------------------------------------------------

    def enrolled(self, user_id: UUID) -> bool:
        with self._db.read() as session:
            row = rows.find(session, user_id)
        return row is not None and row.confirmed_at is not None

    def enrolled_users(self) -> set[UUID]:
        with self._db.read() as session:
            return rows.confirmed_users(session)

    def begin(self, user_id: UUID, name: str, now: datetime) -> Enrolment:
        """A new pending secret (replacing an earlier pending one); 409 when TOTP is already confirmed."""
        secret = pyotp.random_base32()  # 160 bits
        ciphertext = self._keys.encrypt(secret.encode("ascii"))
        with self._db.write() as session:
            row = rows.find(session, user_id)
            if row is not None and row.confirmed_at is not None:
                raise Conflict("totp_enrolled", "TOTP is already set up for this account")
            rows.put_pending(session, row, user_id, ciphertext, now)
        uri = pyotp.TOTP(secret).provisioning_uri(name=name, issuer_name=ISSUER)
        return Enrolment(secret=secret, uri=uri, qr_svg=qr_svg(uri))

    def confirm(self, user_id: UUID, code: str, now: datetime, actor: Actor) -> bool:
        """The first code confirms the pending secret; the user's sessions are then no longer enrolment-only."""
        with self._db.write() as session:
            row = rows.find(session, user_id)
            if row is None or row.confirmed_at is not None:
                raise Conflict("no_pending_totp", "start the TOTP set-up first")
            step = matching_step(self._secret(row), code, now)
            if step is None:
                return False
            rows.confirm(row, now, step)
            accounts.end_enrol_only(session, user_id)
            record(session, actor, AuditAction.TOTP_ENROLLED, subject=f"user:{actor.name}", at=now)
        return True

    def verify(self, user_id: UUID, code: str, now: datetime) -> bool:
        """A code at login: right, within the window, and of a later step than the last one accepted."""
        with self._db.read() as session:
            row = rows.find(session, user_id)
        if row is None or row.confirmed_at is None:
            return False
        step = matching_step(self._secret(row), code, now)
        if step is None:
            return False
        with self._db.write() as session:
            accepted = rows.accept_step(session, user_id, step)
        return accepted

    def reset(self, user: UserView, actor: Actor) -> None:
        """An admin removes a user's TOTP (a lost phone); the user's sessions end and they enrol again."""
        with self._db.write() as session:
            rows.delete_secret(session, user.id)
            accounts.delete_sessions_of(session, user.id)
            record(session, actor, AuditAction.TOTP_RESET, subject=f"user:{user.name}")
