"""Usage events: batches idempotent on batch and event ids; the pilot's summary hides small groups."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from backend.models import UsageEventRow
from backend.schemas import Role
from backend.usage import MIN_SESSIONS
from domain.wire import EVENTS_PATH, MAX_EVENTS_PER_BATCH
from tests.backend.support import Backend

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


def test_summary_counts_sessions_and_suppresses_small_cells(backend: Backend) -> None:
    emmen, assen = backend.kiosk(location="Emmen"), backend.kiosk(location="Assen")
    emmen_events = [e for _ in range(MIN_SESSIONS + 1) for e in session_events()]
    emmen_events += session_events(language="fa", submit=False)
    assert send(backend, emmen.headers, emmen_events).status_code == 200
    small = [e for _ in range(MIN_SESSIONS - 1) for e in session_events()]
    assert send(backend, assen.headers, small).status_code == 200

    pilot = backend.sign_in(Role.PILOT)
    answer = pilot.get("/api/usage/summary", params={"since": "2026-11-01", "until": "2026-11-30"})
    assert answer.status_code == 200, answer.text
    summary = answer.json()
    assert summary["suppressed_cells"] == 1 and summary["min_sessions"] == MIN_SESSIONS
    (cell,) = summary["cells"]
    assert cell["location"] == "Emmen" and cell["period"] == "2026-11-20"
    assert cell["sessions"] == MIN_SESSIONS + 2 and cell["submitted"] == MIN_SESSIONS + 1 and cell["abandoned"] == 1
    assert cell["languages"] == {"en": MIN_SESSIONS + 1}  # the single Persian session is not shown
    assert cell["average_rating"] == 4.0
    month = pilot.get("/api/usage/summary", params={"since": "2026-11-01", "until": "2026-11-30",
                                                    "granularity": "month", "by": "kiosk"}).json()
    assert [c["period"] for c in month["cells"]] == ["2026-11"] and month["cells"][0]["kiosk_id"] == str(emmen.id)
    assert pilot.get("/api/usage/summary", params={"since": "2026-12-01", "until": "2026-11-01"}).status_code == 422


def test_default_summary_period_is_the_last_thirty_days(backend: Backend) -> None:
    kiosk = backend.kiosk()
    send(backend, kiosk.headers, [e for _ in range(MIN_SESSIONS) for e in session_events()])
    pilot = backend.sign_in(Role.PILOT)
    backend.set_clock(DAY + timedelta(days=29))
    pilot = backend.sign_in(Role.PILOT)
    assert len(pilot.get("/api/usage/summary").json()["cells"]) == 1
    backend.set_clock(DAY + timedelta(days=31))
    pilot = backend.sign_in(Role.PILOT)
    assert pilot.get("/api/usage/summary").json()["cells"] == []
