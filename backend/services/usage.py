"""Anonymous usage events from kiosks: stored once per event id. The pilot dashboard (dashboard.py) reads them.

The SQL is in backend/storage/usage.py.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.services.errors import Unavailable
from backend.services.kiosks import KioskIdentity
from backend.services.session_fold import UsageRecord, started_between
from backend.storage import usage as rows
from backend.storage.db import Database
from domain.usage import InvalidEvent, check_event
from domain.wire import UsageBatch, UsageBatchReceipt, UsageEvent

log = logging.getLogger("politieloket.calls")

STORE_ATTEMPTS = 3


def _row(event: UsageEvent, kiosk: KioskIdentity) -> dict[str, Any]:
    return dict(
        event_id=event.event_id, kiosk_id=kiosk.id, location=kiosk.location, session=event.session,
        kind=event.kind, at=event.at, language=event.language, service=event.service, step=event.step,
        code=event.code, reason=event.reason, duration_ms=event.duration_ms, rating=event.rating,
    )


# A session lasts minutes (the kiosk's idle timeout ends it), so its events lie within a day of its first one.
SESSION_SPAN = timedelta(days=1)


class SqlUsageStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    def sessions_started(self, start: datetime, end: datetime) -> list[UsageRecord]:
        """Every event of the sessions that started in [start, end), at every kiosk: the dashboard decides all
        its views of a week together."""
        with self._db.read() as session:
            near = rows.events_between(session, start - SESSION_SPAN, end + SESSION_SPAN)
            return started_between(near, start, end)

    def store_in(self, session: Session, kiosk: KioskIdentity, event: UsageEvent, now: datetime) -> None:
        """One event the backend made itself (a call's), written in the caller's transaction: with the queue change
        that made it, so a worker killed a moment later loses neither. Refused events are logged, not stored."""
        try:
            check_event(event)
        except InvalidEvent:
            log.warning("call usage event refused: %s", event.kind)
            return
        batch = dict(batch_id=event.event_id, kiosk_id=kiosk.id, received_at=now, accepted=1, duplicates=0)
        rows.add_batch(session, [_row(event, kiosk)], batch)

    def store_batch(self, batch: UsageBatch, kiosk: KioskIdentity, now: datetime) -> UsageBatchReceipt:
        """Idempotent on the batch id and on every event id, also when the same batch arrives twice at once."""
        for _ in range(STORE_ATTEMPTS):
            try:
                with self._db.write() as session:
                    if rows.batch_seen(session, batch.batch_id):
                        return UsageBatchReceipt(batch.batch_id, accepted=0, duplicates=len(batch.events))
                    seen = rows.known_events(session, (event.event_id for event in batch.events))
                    fresh: list[UsageEvent] = []
                    for event in batch.events:
                        if event.event_id not in seen:
                            seen.add(event.event_id)
                            fresh.append(event)
                    duplicates = len(batch.events) - len(fresh)
                    rows.add_batch(
                        session,
                        (_row(event, kiosk) for event in fresh),
                        dict(batch_id=batch.batch_id, kiosk_id=kiosk.id, received_at=now,
                             accepted=len(fresh), duplicates=duplicates),
                    )
                return UsageBatchReceipt(batch.batch_id, accepted=len(fresh), duplicates=duplicates)
            except IntegrityError:
                continue  # a concurrent delivery stored some of these events first: look again
        raise Unavailable("busy", "the usage events could not be stored just now; try again")
