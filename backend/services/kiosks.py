"""Kiosk accounts: provisioning with a bearer token shown once, authentication by its hash, heartbeats.

The SQL is in backend/storage/kiosks.py.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy.exc import IntegrityError

from backend.services.errors import Conflict, not_found
from backend.services.schemas import KioskView
from backend.storage import kiosks as rows
from backend.storage.audit import Actor, AuditAction, record
from backend.storage.db import Database
from backend.storage.models import utcnow
from domain.wire import Heartbeat

TOKEN_BYTES = 32  # 256 bits
# A valid token is looked up again after this long, in a backend that is one process (SQLite), where revoking
# clears the cache at once. Workers on PostgreSQL do not cache (wiring.py): a token revoked through one worker is
# refused by every other at its next request, with no window at all, for one indexed lookup per request.
AUTH_CACHE_SECONDS = 10.0


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class KioskIdentity:
    id: UUID
    name: str
    location: str


def pasteable_token(nbytes: int) -> str:
    """A URL-safe random token a technician can paste after `--token`: it never starts with "-" or "_".

    token_urlsafe alone starts with "-" about once in 64, which argparse reads as an option. A fixed letter in
    front costs no randomness.
    """
    return "k" + secrets.token_urlsafe(nbytes)


class SqlKioskStore:
    def __init__(self, db: Database, cache_seconds: float = AUTH_CACHE_SECONDS) -> None:
        self._db = db
        self._cache_seconds = cache_seconds
        # token hash -> (kiosk, monotonic expiry); only valid tokens, so it holds at most one entry per kiosk
        self._known: dict[str, tuple[KioskIdentity, float]] = {}

    def provision(self, name: str, location: str, actor: Actor) -> tuple[KioskView, str]:
        """A new kiosk and its token; only the token's hash is stored, so it can be shown this once."""
        token = pasteable_token(TOKEN_BYTES)
        try:
            with self._db.write() as session:
                kiosk = rows.add(session, name, location, hash_token(token))
                record(session, actor, AuditAction.KIOSK_PROVISIONED, subject=f"kiosk:{name}")
        except IntegrityError:
            raise Conflict("name_taken", "a kiosk with this name exists already") from None
        return KioskView.model_validate(kiosk), token

    def recently_seen(self, token: str) -> KioskIdentity | None:
        """The kiosk if its token was checked against the database moments ago; no I/O."""
        known = self._known.get(hash_token(token))
        return known[0] if known is not None and known[1] > time.monotonic() else None

    def authenticate(self, token: str) -> KioskIdentity | None:
        known = self.recently_seen(token)
        if known is not None:
            return known
        token_hash = hash_token(token)
        with self._db.read() as session:
            row = rows.active_by_token(session, token_hash)
        if row is None:
            self._known.pop(token_hash, None)
            return None
        identity = KioskIdentity(*row)
        self._known[token_hash] = (identity, time.monotonic() + self._cache_seconds)
        return identity

    def record_heartbeat(self, kiosk_id: UUID, heartbeat: Heartbeat, now: datetime) -> None:
        with self._db.write() as session:
            rows.set_latest_heartbeat(
                session,
                kiosk_id,
                dict(
                    at=now,
                    outbox_pending=heartbeat.outbox_pending,
                    oldest_pending_seconds=heartbeat.oldest_pending_seconds,
                    last_error=(heartbeat.last_error or None) and heartbeat.last_error[:500],
                    app_version=heartbeat.app_version[:64],
                    translation_ready=heartbeat.translation_ready,
                    outbox_held=heartbeat.outbox_held,
                    held_reason=heartbeat.held_reason if heartbeat.outbox_held else None,
                ),
            )

    def revoke(self, kiosk_id: UUID, actor: Actor) -> KioskView:
        with self._db.write() as session:
            kiosk = rows.find(session, kiosk_id)
            if kiosk is None:
                raise not_found("kiosk")
            self._known.pop(kiosk.token_hash, None)
            if kiosk.revoked_at is None:
                rows.revoke(kiosk, utcnow())
                record(session, actor, AuditAction.KIOSK_REVOKED, subject=f"kiosk:{kiosk.name}")
            return KioskView.model_validate(kiosk)

    def all(self) -> list[KioskView]:
        with self._db.read() as session:
            return [KioskView.model_validate(row) for row in rows.by_name(session)]
