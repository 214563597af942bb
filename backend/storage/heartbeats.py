"""The SQL of heartbeat slots: one row per kiosk per five-minute slot that had a heartbeat."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.storage.models import HeartbeatSlot


def mark(session: Session, kiosk_id: uuid.UUID, slot: datetime) -> None:
    """Raises IntegrityError when another worker marked the same slot at the same moment."""
    if session.get(HeartbeatSlot, (kiosk_id, slot)) is None:
        session.add(HeartbeatSlot(kiosk_id=kiosk_id, slot=slot))


def slots(session: Session, kiosk_ids: Iterable[uuid.UUID], start: datetime, end: datetime) -> list[uuid.UUID]:
    """The kiosk id of every marked slot in [start, end), once per slot."""
    return list(
        session.scalars(
            select(HeartbeatSlot.kiosk_id)
            .where(HeartbeatSlot.slot >= start, HeartbeatSlot.slot < end)
            .where(HeartbeatSlot.kiosk_id.in_(list(kiosk_ids)))
        )
    )
