"""Usage events: batches idempotent on batch and event ids; what they count reaches the dashboard suppressed."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from backend.services.anonymity import K_MIN
from backend.services.schemas import Role
from backend.storage.models import UsageEventRow
from domain.wire import EVENTS_PATH, MAX_EVENTS_PER_BATCH
from tests.backend.support import Backend

pytestmark = pytest.mark.both_databases  # about SQL semantics: SQLite and PostgreSQL

DAY = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def event(session: uuid.UUID, kind: str, at: datetime = DAY, **fields: Any) -> dict[str, Any]:
    return {"event_id": str(uuid.uuid4()), "session": str(session), "kind": kind, "at": at.isoformat(), **fields}


def session_events(language: str = "en", service: str = "bike_theft", submit: bool = True) -> list[dict[str, Any]]:
    session = uuid.uuid4()
    events = [event(session, "session_start"), event(session, "language", language=language),
              event(session, "service", service=service)]
    events.append(event(session, "submit") if submit else event(session, "abandon", reason="timeout"))
    return [*events, event(session, "rating", rating=4)]


def stored_events(backend: Backend) -> int:
    with backend.services.db.read() as session:
        return session.scalar(select(func.count()).select_from(UsageEventRow)) or 0


def send(backend: Backend, headers: dict[str, str], events: list[dict[str, Any]], batch: str | None = None) -> Any:
    body = {"batch_id": batch or str(uuid.uuid4()), "events": events}
    return backend.anonymous.post(EVENTS_PATH, json=body, headers=headers)


def test_batches_are_idempotent_on_batch_and_event_ids(backend: Backend) -> None:
    kiosk = backend.kiosk()
    events = session_events()
    batch = str(uuid.uuid4())
    first = send(backend, kiosk.headers, events, batch)
    assert first.status_code == 200 and first.json() == {"batch_id": batch, "accepted": 5, "duplicates": 0}
    assert send(backend, kiosk.headers, events, batch).json() == {"batch_id": batch, "accepted": 0, "duplicates": 5}
    extra = event(uuid.uuid4(), "session_start")
    mixed = send(backend, kiosk.headers, [*events[:2], extra, extra])  # a new batch re-sending two old events
    assert mixed.json()["accepted"] == 1 and mixed.json()["duplicates"] == 3
    assert stored_events(backend) == 6


def test_events_that_could_carry_free_text_are_refused(backend: Backend) -> None:
    kiosk = backend.kiosk()
    session = uuid.uuid4()
    for bad in (
        event(session, "chat", reason="x"),
        event(session, "abandon", reason="Mijn naam is Fatima"),
        event(session, "rating", rating=9),
        event(session, "step_leave", duration_ms=-5),
    ):
        answer = send(backend, kiosk.headers, [event(session, "session_start"), bad])
        assert answer.status_code == 422 and answer.json()["error"] == "invalid_event"
        assert "events.1" in answer.json()["detail"] and "Fatima" not in answer.text
    too_many = [event(session, "step_enter", step="bike") for _ in range(MAX_EVENTS_PER_BATCH + 1)]
    assert send(backend, kiosk.headers, too_many).status_code == 422
    assert stored_events(backend) == 0


def test_events_from_the_kiosk_api_reach_the_dashboard_suppressed(backend: Backend) -> None:
    backend.set_clock(DAY + timedelta(hours=1))
    emmen, assen = backend.kiosk(location="Emmen"), backend.kiosk(location="Assen")
    emmen_events = [e for _ in range(K_MIN + 1) for e in session_events()]
    emmen_events += session_events(language="fa", submit=False)
    assert send(backend, emmen.headers, emmen_events).status_code == 200
    assert send(backend, assen.headers, [e for _ in range(K_MIN - 1) for e in session_events()]).status_code == 200

    pilot = backend.sign_in(Role.PILOT)
    data = pilot.get("/api/dashboard", params={"week": "2026-W47"}).json()
    assert data["sessions"] == 2 * K_MIN + 1
    languages = {row["language"]: row["sessions"] for row in data["languages"]}
    assert languages == {"en": None, "fa": None}  # the single Persian session, and en = total - fa
    emmen_view = pilot.get("/api/dashboard", params={"week": "2026-W47", "location": "Emmen"}).json()
    assert emmen_view["sessions"] is None  # or Assen's 4 would be the total minus Emmen


def test_the_old_usage_summary_is_gone(backend: Backend) -> None:
    """It published counts of 1 to 4 and means beside their cells; the dashboard replaces it."""
    assert backend.sign_in(Role.PILOT).get("/api/usage/summary").status_code == 404
