"""Pilot dashboard aggregates from anonymous usage events, with k-anonymity applied before anything leaves.

Every count is a number of distinct kiosk sessions. A cell describing 1 to 4 sessions is published as None.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol
from uuid import UUID

from backend.anonymity import K_MIN, safe_count, suppress_group
from domain.usage import EventKind

# The overall funnel: which event marks that a session got this far.
STAGES: tuple[tuple[str, str], ...] = (
    ("started", EventKind.SESSION_START),
    ("language", EventKind.LANGUAGE),
    ("service", EventKind.SERVICE),
    ("submitted", EventKind.SUBMIT),
    ("rated", EventKind.RATING),
)
SUBMITTED = "submitted"


class UsageRecord(Protocol):
    """What the dashboard reads of a stored usage event (backend.models.UsageEventRow has it all)."""

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
class _Session:
    """One kiosk session, folded from its events."""

    kinds: set[str] = field(default_factory=set)
    language: str | None = None
    service: str | None = None
    steps: set[str] = field(default_factory=set)
    abandon_step: str | None = None
    abandon_reason: str | None = None
    rating: int | None = None
    call_requested: datetime | None = None
    call_connected: datetime | None = None
    call_wait_ms: int | None = None
    call_duration_ms: int | None = None


def _fold(events: Iterable[UsageRecord]) -> dict[UUID, _Session]:
    sessions: dict[UUID, _Session] = defaultdict(_Session)
    for event in sorted(events, key=lambda e: e.at):
        state = sessions[event.session]
        state.kinds.add(event.kind)
        state.language = event.language or state.language
        state.service = event.service or state.service
        if event.kind == EventKind.STEP_ENTER and event.step:
            state.steps.add(event.step)
        elif event.kind == EventKind.ABANDON:
            state.abandon_step, state.abandon_reason = event.step, event.reason
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
    return sessions


def _fold_connected(state: _Session, event: UsageRecord) -> None:
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


def _spread(values: list[int]) -> dict[str, float] | None:
    if len(values) < K_MIN:
        return None
    return {"n": len(values), "p50": percentile(values, 0.5), "p90": percentile(values, 0.9)}


def _rows(name: str, counts: dict[str, int], by_key: bool = False) -> list[dict[str, Any]]:
    """Rows of a partition, largest first (or in key order); the order never depends on a hidden count."""
    shown = suppress_group(counts)
    order = sorted(counts) if by_key else sorted(counts, key=lambda k: (-(shown[k] or 0), k))
    return [{name: key, "sessions": shown[key]} for key in order]


def _funnel(sessions: Sequence[_Session]) -> list[dict[str, Any]]:
    rows = []
    for stage, kind in STAGES:
        reached = sum(1 for s in sessions if kind in s.kinds)
        rows.append({"stage": stage, "reached": safe_count(reached)})
    return rows


def _step_funnel(sessions: Sequence[_Session], steps: Sequence[str]) -> list[dict[str, Any]]:
    """Per step of one service: sessions that reached it, and sessions that gave up on it (drop-off)."""
    rows = []
    for step in (*steps, SUBMITTED):
        if step == SUBMITTED:
            reached = sum(1 for s in sessions if EventKind.SUBMIT in s.kinds)
            dropped = 0
        else:
            reached = sum(1 for s in sessions if step in s.steps)
            dropped = sum(1 for s in sessions if s.abandon_step == step)
        rate = round(dropped / reached, 3) if reached >= K_MIN and dropped >= K_MIN else None
        rows.append({"step": step, "reached": safe_count(reached), "dropped": safe_count(dropped), "drop_rate": rate})
    return rows


def _calls(sessions: Sequence[_Session]) -> dict[str, Any]:
    requested = [s for s in sessions if s.call_requested is not None or EventKind.CALL_REQUESTED in s.kinds]
    connected = [s for s in sessions if EventKind.CALL_CONNECTED in s.kinds]
    return {
        "requested": safe_count(len(requested)),
        "connected": safe_count(len(connected)),
        "wait_ms": _spread([s.call_wait_ms for s in connected if s.call_wait_ms is not None]),
        "duration_ms": _spread([s.call_duration_ms for s in connected if s.call_duration_ms is not None]),
    }


def _satisfaction(sessions: Sequence[_Session]) -> dict[str, Any]:
    ratings = [s.rating for s in sessions if s.rating is not None]
    counts = {str(value): sum(1 for r in ratings if r == value) for value in range(1, 6)}
    mean = round(sum(ratings) / len(ratings), 2) if len(ratings) >= K_MIN else None
    return {"responses": safe_count(len(ratings)), "mean": mean, "ratings": _rows("rating", counts, by_key=True)}


@dataclass(frozen=True)
class Aggregates:
    """Everything the dashboard shows about one selection of events, already suppressed."""

    sessions: int | None
    submitted: int | None
    funnel: list[dict[str, Any]]
    steps: dict[str, list[dict[str, Any]]]
    abandon_reasons: list[dict[str, Any]]
    abandon_steps: list[dict[str, Any]]
    languages: list[dict[str, Any]]
    services: list[dict[str, Any]]
    calls: dict[str, Any]
    satisfaction: dict[str, Any]


def aggregate(events: Iterable[UsageRecord], service_steps: Mapping[str, Sequence[str]]) -> Aggregates:
    """`service_steps`: each case type's step ids in form order, for the per-service funnel."""
    sessions = list(_fold(events).values())
    started = [s for s in sessions if EventKind.SESSION_START in s.kinds] or sessions
    abandoned = [s for s in sessions if EventKind.ABANDON in s.kinds]
    by_service = {
        case_type: _step_funnel([s for s in sessions if s.service == case_type], steps)
        for case_type, steps in service_steps.items()
    }
    return Aggregates(
        sessions=safe_count(len(started)),
        submitted=safe_count(sum(1 for s in sessions if EventKind.SUBMIT in s.kinds)),
        funnel=_funnel(sessions),
        steps=by_service,
        abandon_reasons=_rows("reason", Counter(s.abandon_reason or "unknown" for s in abandoned)),
        abandon_steps=_rows("step", Counter(s.abandon_step or "unknown" for s in abandoned)),
        languages=_rows("language", Counter(s.language for s in sessions if s.language)),
        services=_rows("service", Counter(s.service for s in sessions if s.service)),
        calls=_calls(sessions),
        satisfaction=_satisfaction(sessions),
    )


def session_counts(events: Iterable[UsageRecord], key: Any) -> dict[str, int | None]:
    """Distinct sessions per group (key(event) -> label), suppressed as a partition."""
    members: dict[str, set[UUID]] = defaultdict(set)
    for event in events:
        members[key(event)].add(event.session)
    return suppress_group({label: len(ids) for label, ids in members.items()})
