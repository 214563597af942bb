"""Kiosk sessions folded from their anonymous usage events: what the pilot dashboard counts."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol
from uuid import UUID

from domain.usage import EventKind

UNKNOWN = "unknown"


class UsageRecord(Protocol):
    """What the dashboard reads of a stored usage event (storage.models.UsageEventRow has it all)."""

    session: UUID
    kind: str
    at: datetime
    kiosk_id: UUID
    location: str
    language: str | None
    service: str | None
    step: str | None
    reason: str | None
    duration_ms: int | None
    rating: int | None


@dataclass
class Session:
    """One kiosk session, folded from its events."""

    started_at: datetime
    kiosk: str
    location: str
    kinds: set[str] = field(default_factory=set)
    language: str | None = None
    service: str | None = None
    abandon_step: str | None = None
    abandon_reason: str | None = None
    rating: int | None = None
    call_requested: datetime | None = None
    call_connected: datetime | None = None
    call_wait_ms: int | None = None
    call_duration_ms: int | None = None

    @property
    def stage(self) -> int:
        if EventKind.SUBMIT in self.kinds:
            return 3
        return 2 if self.service else 1 if self.language else 0


def fold(events: Iterable[UsageRecord]) -> list[Session]:
    """Sessions in the order they started; a session starts at its first event, where it was."""
    sessions: dict[UUID, Session] = {}
    for event in sorted(events, key=lambda e: (e.at, str(e.session))):
        state = sessions.get(event.session)
        if state is None:
            state = sessions[event.session] = Session(event.at, str(event.kiosk_id), event.location)
        state.kinds.add(event.kind)
        state.language = event.language or state.language
        state.service = event.service or state.service
        if event.kind == EventKind.ABANDON:
            state.abandon_step, state.abandon_reason = event.step, event.reason or UNKNOWN
        elif event.kind == EventKind.RATING:
            state.rating = event.rating
        elif event.kind == EventKind.CALL_REQUESTED and state.call_requested is None:
            state.call_requested = event.at
        elif event.kind == EventKind.CALL_CONNECTED:
            _fold_connected(state, event)
        elif event.kind == EventKind.CALL_ENDED and event.duration_ms is not None:
            state.call_duration_ms = event.duration_ms
        elif event.kind == EventKind.CALL_ENDED and state.call_connected is not None:
            state.call_duration_ms = _ms(event.at - state.call_connected)
    return list(sessions.values())


def _fold_connected(state: Session, event: UsageRecord) -> None:
    state.call_connected = event.at
    if event.duration_ms is not None:  # the kiosk measured the wait itself
        state.call_wait_ms = event.duration_ms
    elif state.call_requested is not None:
        state.call_wait_ms = _ms(event.at - state.call_requested)


def _ms(delta: timedelta) -> int:
    return max(0, int(delta.total_seconds() * 1000))


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile of a non-empty sequence."""
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def started_between(events: Iterable[UsageRecord], start: datetime, end: datetime) -> list[UsageRecord]:
    """The events of the sessions whose first event lies in [start, end)."""
    by_session: dict[UUID, list[UsageRecord]] = defaultdict(list)
    for event in events:
        by_session[event.session].append(event)
    return [e for group in by_session.values() if start <= min(x.at for x in group) < end for e in group]
