"""Anonymous usage events from kiosks: stored once per event id, summarised for the pilot role.

Summaries never show a cell (place x period) with fewer than MIN_SESSIONS sessions, nor any count below it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from backend.db import Database
from backend.errors import ApiError
from backend.kiosks import KioskIdentity
from backend.models import UsageBatchRow, UsageEventRow
from backend.schemas import UsageCell, UsageSummary
from domain.usage import EventKind
from domain.wire import UsageBatch, UsageBatchReceipt, UsageEvent

MIN_SESSIONS = 5
STORE_ATTEMPTS = 3


class Granularity(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


class GroupBy(StrEnum):
    LOCATION = "location"
    KIOSK = "kiosk"


def period_of(moment: datetime, granularity: Granularity) -> str:
    if granularity is Granularity.DAY:
        return moment.date().isoformat()
    if granularity is Granularity.WEEK:
        year, week, _ = moment.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{moment.year}-{moment.month:02d}"


def _row(event: UsageEvent, kiosk: KioskIdentity) -> UsageEventRow:
    return UsageEventRow(
        event_id=event.event_id, kiosk_id=kiosk.id, location=kiosk.location, session=event.session,
        kind=event.kind, at=event.at, language=event.language, service=event.service, step=event.step,
        code=event.code, reason=event.reason, duration_ms=event.duration_ms, rating=event.rating,
    )


@dataclass
class _Session:
    """What one kiosk session amounted to, folded from its events."""

    first_at: datetime
    location: str
    kiosk_id: UUID
    kinds: set[str] = field(default_factory=set)
    language: str | None = None
    service: str | None = None
    ratings: list[int] = field(default_factory=list)


class SqlUsageStore:
    def __init__(self, db: Database) -> None:
        self._db = db

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
        raise ApiError(503, "busy", "the usage events could not be stored just now; try again")

    def summary(
        self, since: datetime, until: datetime, granularity: Granularity, group_by: GroupBy, location: str | None
    ) -> UsageSummary:
        query = select(UsageEventRow).where(UsageEventRow.at >= since, UsageEventRow.at < until)
        if location is not None:
            query = query.where(UsageEventRow.location == location)
        sessions: dict[UUID, _Session] = {}
        with self._db.read() as db_session:
            for event in db_session.scalars(query.order_by(UsageEventRow.at)):
                _fold(sessions, event)
        return _cells(sessions.values(), granularity, group_by)


def _fold(sessions: dict[UUID, _Session], event: UsageEventRow) -> None:
    folded = sessions.get(event.session)
    if folded is None:
        folded = sessions[event.session] = _Session(event.at, event.location, event.kiosk_id)
    folded.kinds.add(event.kind)
    folded.language = event.language or folded.language
    folded.service = event.service or folded.service
    if event.kind == EventKind.RATING and event.rating is not None:
        folded.ratings.append(event.rating)


def _at_least(counts: Counter[str]) -> dict[str, int]:
    return {key: count for key, count in sorted(counts.items()) if count >= MIN_SESSIONS}


def _cells(sessions: Iterable[_Session], granularity: Granularity, group_by: GroupBy) -> UsageSummary:
    groups: dict[tuple[str, str, UUID | None], list[_Session]] = defaultdict(list)
    for folded in sessions:
        kiosk = folded.kiosk_id if group_by is GroupBy.KIOSK else None
        groups[(period_of(folded.first_at, granularity), folded.location, kiosk)].append(folded)
    cells, suppressed = [], 0
    for (period, location, kiosk), members in sorted(groups.items(), key=lambda item: str(item[0])):
        if len(members) < MIN_SESSIONS:
            suppressed += 1
            continue
        ratings = [rating for member in members for rating in member.ratings]
        cells.append(
            UsageCell(
                period=period, location=location, kiosk_id=kiosk, sessions=len(members),
                submitted=sum(EventKind.SUBMIT in m.kinds for m in members),
                abandoned=sum(EventKind.ABANDON in m.kinds for m in members),
                calls=sum(EventKind.CALL_REQUESTED in m.kinds for m in members),
                average_rating=round(sum(ratings) / len(ratings), 2) if len(ratings) >= MIN_SESSIONS else None,
                languages=_at_least(Counter(m.language for m in members if m.language)),
                services=_at_least(Counter(m.service for m in members if m.service)),
            )
        )
    return UsageSummary(granularity=granularity.value, min_sessions=MIN_SESSIONS, suppressed_cells=suppressed,
                        cells=cells)
