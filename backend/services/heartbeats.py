"""Kiosk heartbeat history, for uptime on the pilot dashboard: which five-minute slots had a heartbeat.

The kiosk row holds only the latest heartbeat; the heartbeat route also marks the slot here, one row per kiosk
per slot (models.HeartbeatSlot, written by backend/storage/heartbeats.py).
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from sqlalchemy.exc import IntegrityError

from backend.services.schemas import KioskView
from backend.storage import heartbeats as rows
from backend.storage.db import Database

SLOT = timedelta(minutes=5)


def slot_of(moment: datetime) -> datetime:
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    return epoch + ((moment - epoch) // SLOT) * SLOT


class SqlHeartbeatLog:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._last: dict[uuid.UUID, datetime] = {}  # slot last written per kiosk: most heartbeats need no query
        self._lock = threading.Lock()

    def record(self, kiosk_id: uuid.UUID, now: datetime) -> None:
        slot = slot_of(now)
        with self._lock:
            if self._last.get(kiosk_id) == slot:
                return
        try:
            with self._db.write() as session:
                rows.mark(session, kiosk_id, slot)
        except IntegrityError:
            pass  # another worker marked the same slot at the same moment
        with self._lock:
            self._last[kiosk_id] = slot

    def uptime(
        self, kiosks: Iterable[KioskView], start: datetime, end: datetime, now: datetime
    ) -> dict[uuid.UUID, float | None]:
        """Share of five-minute slots with a heartbeat while each kiosk existed in [start, end); None if none."""
        wanted = list(kiosks)
        with self._db.read() as session:
            marked = rows.slots(session, [k.id for k in wanted], slot_of(start), end)
        seen: dict[uuid.UUID, int] = {}
        for kiosk_id in marked:
            seen[kiosk_id] = seen.get(kiosk_id, 0) + 1
        return {kiosk.id: share(seen.get(kiosk.id, 0), _expected(kiosk, start, end, now)) for kiosk in wanted}


def _expected(kiosk: KioskView, start: datetime, end: datetime, now: datetime) -> int:
    first = max(slot_of(start), slot_of(kiosk.created_at))
    last = min(end, now, kiosk.revoked_at or end)
    return max(0, -(-(last - first) // SLOT))


def share(seen: int, expected: int) -> float | None:
    return round(min(1.0, seen / expected), 4) if expected else None
