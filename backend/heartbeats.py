"""Kiosk heartbeat history, for uptime on the pilot dashboard: which five-minute slots had a heartbeat.

The kiosk API stores only the latest heartbeat on the kiosk row. HeartbeatObserver watches accepted
heartbeats (POST /api/kiosk/heartbeat answered 204) and marks the slot; one row per kiosk per slot.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta

from sqlalchemy import ForeignKey, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backend.db import Database
from backend.models import Base, Kiosk, UtcDateTime
from domain.wire import HEARTBEAT_PATH

SLOT = timedelta(minutes=5)


class HeartbeatSlot(Base):
    __tablename__ = "kiosk_heartbeat_slots"

    kiosk_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("kiosks.id"), primary_key=True)
    slot: Mapped[datetime] = mapped_column(UtcDateTime, primary_key=True)


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
                if session.get(HeartbeatSlot, (kiosk_id, slot)) is None:
                    session.add(HeartbeatSlot(kiosk_id=kiosk_id, slot=slot))
        except IntegrityError:
            pass  # another worker marked the same slot at the same moment
        with self._lock:
            self._last[kiosk_id] = slot

    def uptime(
        self, kiosks: Iterable[Kiosk], start: datetime, end: datetime, now: datetime
    ) -> dict[uuid.UUID, float | None]:
        """Share of five-minute slots with a heartbeat while each kiosk existed in [start, end); None if none."""
        wanted = list(kiosks)
        with self._db.read() as session:
            rows = session.execute(
                select(HeartbeatSlot.kiosk_id, HeartbeatSlot.slot)
                .where(HeartbeatSlot.slot >= slot_of(start), HeartbeatSlot.slot < end)
                .where(HeartbeatSlot.kiosk_id.in_([k.id for k in wanted]))
            ).all()
        seen: dict[uuid.UUID, int] = {}
        for kiosk_id, _slot in rows:
            seen[kiosk_id] = seen.get(kiosk_id, 0) + 1
        return {kiosk.id: share(seen.get(kiosk.id, 0), _expected(kiosk, start, end, now)) for kiosk in wanted}


def _expected(kiosk: Kiosk, start: datetime, end: datetime, now: datetime) -> int:
    first = max(slot_of(start), slot_of(kiosk.created_at))
    last = min(end, now, kiosk.revoked_at or end)
    return max(0, -(-(last - first) // SLOT))


def share(seen: int, expected: int) -> float | None:
    return round(min(1.0, seen / expected), 4) if expected else None


class HeartbeatObserver:
    """ASGI middleware: after an accepted kiosk heartbeat, mark its slot (off the event loop)."""

    def __init__(self, app: ASGIApp, identify: Callable[[str], uuid.UUID | None], log: SqlHeartbeatLog,
                 clock: Callable[[], datetime]) -> None:
        self.app = app
        self.identify = identify
        self.log = log
        self.clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != HEARTBEAT_PATH or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        accepted = False

        async def watch(message: Message) -> None:
            nonlocal accepted
            if message["type"] == "http.response.start":
                accepted = message["status"] == 204
            await send(message)

        await self.app(scope, receive, watch)
        token = _bearer(scope)
        if accepted and token:
            await run_in_threadpool(self._mark, token)

    def _mark(self, token: str) -> None:
        kiosk_id = self.identify(token)
        if kiosk_id is not None:
            self.log.record(kiosk_id, self.clock())


def _bearer(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            return token.strip() if scheme.lower() == "bearer" and token.strip() else None
    return None
