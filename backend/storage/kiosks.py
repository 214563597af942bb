"""The SQL of kiosk accounts: a new kiosk row, the token lookup, the latest heartbeat, revocation."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from backend.storage.models import Kiosk


def add(session: Session, name: str, location: str, token_hash: str) -> Kiosk:
    """Raises IntegrityError when the name is taken."""
    kiosk = Kiosk(name=name, location=location, token_hash=token_hash)
    session.add(kiosk)
    session.flush()
    return kiosk


def active_by_token(session: Session, token_hash: str) -> tuple[UUID, str, str] | None:
    """(id, name, location) of the kiosk holding this token, unless it was revoked."""
    row = session.execute(
        select(Kiosk.id, Kiosk.name, Kiosk.location).where(Kiosk.token_hash == token_hash, Kiosk.revoked_at.is_(None))
    ).first()
    return None if row is None else (row.id, row.name, row.location)


def set_latest_heartbeat(session: Session, kiosk_id: UUID, values: dict[str, Any]) -> None:
    session.execute(update(Kiosk).where(Kiosk.id == kiosk_id).values(last_heartbeat_at=values.pop("at"), **values))


def find(session: Session, kiosk_id: UUID) -> Kiosk | None:
    return session.get(Kiosk, kiosk_id)


def by_name(session: Session) -> list[Kiosk]:
    return list(session.scalars(select(Kiosk).order_by(Kiosk.name)))


def revoke(kiosk: Kiosk, at: datetime) -> None:
    kiosk.revoked_at = at

