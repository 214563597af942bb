"""Anonymous usage events from kiosks: stored once per event id. The pilot dashboard (dashboard.py) reads them."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from backend.services.dashboard import UsageRecord, started_between
from backend.services.errors import Unavailable
from backend.services.kiosks import KioskIdentity
from backend.storage.db import Database
from backend.storage.models import UsageBatchRow, UsageEventRow
from domain.wire import UsageBatch, UsageBatchReceipt, UsageEvent

STORE_ATTEMPTS = 3


def _row(event: UsageEvent, kiosk: KioskIdentity) -> UsageEventRow:
    return UsageEventRow(
        event_id=event.event_id, kiosk_id=kiosk.id, location=kiosk.location, session=event.session,
        kind=event.kind, at=event.at, language=event.language, service=event.service, step=event.step,
        code=event.code, reason=event.reason, duration_ms=event.duration_ms, rating=event.rating,
    )


# What the dashboard reads of an event: no event id, no code, nothing it does not count.
EVENT_COLUMNS = tuple(getattr(UsageEventRow, name) for name in (
    "session", "kind", "at", "kiosk_id", "location", "language", "service", "step", "reason", "duration_ms", "rating",
))  # fmt: skip
# A session lasts minutes (the kiosk's idle timeout ends it), so its events lie within a day of its first one.
SESSION_SPAN = timedelta(days=1)


class SqlUsageStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    def sessions_started(self, start: datetime, end: datetime) -> list[UsageRecord]:
        """Every event of the sessions that started in [start, end), at every kiosk: the dashboard decides all
        its views of a week together."""
        near = (UsageEventRow.at >= start - SESSION_SPAN, UsageEventRow.at < end + SESSION_SPAN)
        with self._db.read() as session:
            return started_between(session.execute(select(*EVENT_COLUMNS).where(*near)), start, end)

    def store_batch(self, batch: UsageBatch, kiosk: KioskIdentity, now: datetime) -> UsageBatchReceipt:
        """Idempotent on the batch id and on every event id, also when the same batch arrives twice at once."""
        for _ in range(STORE_ATTEMPTS):
            try:
                with self._db.write() as session:
                    if session.get(UsageBatchRow, batch.batch_id) is not None:
                        return UsageBatchReceipt(batch.batch_id, accepted=0, duplicates=len(batch.events))
                    ids = [event.event_id for event in batch.events]
                    seen = set(session.scalars(select(UsageEventRow.event_id).where(UsageEventRow.event_id.in_(ids))))
                    fresh: list[UsageEvent] = []
                    for event in batch.events:
                        if event.event_id not in seen:
                            seen.add(event.event_id)
                            fresh.append(event)
                    session.add_all(_row(event, kiosk) for event in fresh)
                    duplicates = len(batch.events) - len(fresh)
                    session.add(
                        UsageBatchRow(batch_id=batch.batch_id, kiosk_id=kiosk.id, received_at=now,
                                      accepted=len(fresh), duplicates=duplicates)
                    )
                return UsageBatchReceipt(batch.batch_id, accepted=len(fresh), duplicates=duplicates)
            except IntegrityError:
                continue  # a concurrent delivery stored some of these events first: look again
        raise Unavailable("busy", "the usage events could not be stored just now; try again")
