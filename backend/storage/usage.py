"""The SQL of anonymous usage events: batches stored once, events stored once, the dashboard's read."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from backend.storage.models import UsageBatchRow, UsageEventRow

# What the dashboard reads of an event: no event id, no code, nothing it does not count.
EVENT_COLUMNS = tuple(getattr(UsageEventRow, name) for name in (
    "session", "kind", "at", "kiosk_id", "location", "language", "service", "step", "reason", "duration_ms", "rating",
))  # fmt: skip


def batch_seen(session: Session, batch_id: UUID) -> bool:
    return session.get(UsageBatchRow, batch_id) is not None


def known_events(session: Session, event_ids: Iterable[UUID]) -> set[UUID]:
    return set(session.scalars(select(UsageEventRow.event_id).where(UsageEventRow.event_id.in_(list(event_ids)))))


def add_batch(session: Session, events: Iterable[dict[str, Any]], batch: dict[str, Any]) -> None:
    """The batch row and its fresh events; raises IntegrityError when a concurrent delivery stored one first."""
    session.add_all(UsageEventRow(**event) for event in events)
    session.add(UsageBatchRow(**batch))


def events_between(session: Session, start: datetime, end: datetime) -> Iterable[Row[Any]]:
    """EVENT_COLUMNS of every event at every kiosk with start <= at < end."""
    return session.execute(select(*EVENT_COLUMNS).where(UsageEventRow.at >= start, UsageEventRow.at < end))
