"""Pilot aggregates: funnels, drop-off, calls and ratings, and that small cells never come out."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from backend.services.dashboard import aggregate, percentile

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
KIOSK = uuid.uuid4()
STEPS = {"bike_theft": ("bike", "when_where", "story", "contact", "consent")}


@dataclass
class Event:
    session: uuid.UUID
    kind: str
    at: datetime
    kiosk_id: uuid.UUID = KIOSK
    location: str = "Emmen"
    language: str | None = None
    service: str | None = None
    step: str | None = None
    reason: str | None = None
    duration_ms: int | None = None
    rating: int | None = None


def session_events(
    language: str = "en", service: str | None = "bike_theft", steps: int = 5, abandon: str | None = None,
    rating: int | None = None, call: tuple[int, int] | None = None,
) -> list[Event]:
    """One kiosk session: started, language, service, `steps` steps, then submitted or abandoned."""
    sid, at = uuid.uuid4(), T0
    events = [Event(sid, "session_start", at), Event(sid, "language", at, language=language)]
    if service:
        events.append(Event(sid, "service", at, language=language, service=service))
        for step in STEPS[service][:steps]:
            events.append(Event(sid, "step_enter", at, language=language, service=service, step=step))
        last = STEPS[service][steps - 1]
        if abandon:
            events.append(Event(sid, "abandon", at, language=language, service=service, step=last, reason=abandon))
        else:
            events.append(Event(sid, "submit", at, language=language, service=service))
    if call:
        wait, duration = call
        events.append(Event(sid, "call_requested", at))
        events.append(Event(sid, "call_connected", at + timedelta(milliseconds=wait)))
        events.append(Event(sid, "call_ended", at + timedelta(minutes=5), duration_ms=duration))
    if rating:
        events.append(Event(sid, "rating", at, rating=rating))
    events.append(Event(sid, "session_end", at))
    return events


def many(count: int, **kwargs: object) -> list[Event]:
    return [e for _ in range(count) for e in session_events(**kwargs)]  # type: ignore[arg-type]


def test_fewer_than_five_sessions_show_nothing() -> None:
    result = aggregate(many(4), STEPS)
    assert result.sessions is None
    assert result.submitted is None
    assert all(row["reached"] is None and row["left"] is None for row in result.funnel)
    assert all(row["sessions"] is None for row in result.languages)
    assert result.satisfaction["mean"] is None


def test_funnel_per_step_with_drop_off() -> None:
    events = many(10) + many(6, steps=2, abandon="timeout") + many(5, steps=4, abandon="cancel")
    result = aggregate(events, STEPS)
    assert result.sessions == 21
    assert result.submitted == 10
    steps = {row["step"]: row for row in result.steps["bike_theft"]}
    assert steps["bike"]["reached"] == 21
    assert steps["when_where"] == {"step": "when_where", "reached": 21, "dropped": 6, "drop_rate": round(6 / 21, 3)}
    assert steps["story"]["reached"] == 15 and steps["story"]["dropped"] == 0
    assert steps["contact"]["dropped"] == 5
    assert steps["consent"]["reached"] == 10
    assert steps["submitted"]["reached"] == 10
    reasons = {row["reason"]: row["sessions"] for row in result.abandon_reasons}
    assert reasons == {"timeout": 6, "cancel": 5}


def test_a_small_drop_off_is_hidden_but_the_step_is_not() -> None:
    result = aggregate(many(10) + many(3, steps=2, abandon="timeout"), STEPS)
    step = next(row for row in result.steps["bike_theft"] if row["step"] == "when_where")
    assert step["reached"] == 13
    assert step["dropped"] is None and step["drop_rate"] is None


def test_language_mix_hides_small_groups_and_their_complement() -> None:
    result = aggregate(many(6, language="en") + many(4, language="ar"), STEPS)
    assert {row["language"]: row["sessions"] for row in result.languages} == {"en": None, "ar": None}
    result = aggregate(many(9, language="en") + many(5, language="ar") + many(2, language="tr"), STEPS)
    assert {row["language"]: row["sessions"] for row in result.languages} == {"en": 9, "ar": None, "tr": None}


def test_call_wait_and_duration_percentiles_need_five_calls() -> None:
    calls = [(1000 * n, 60_000 * n) for n in range(1, 7)]
    events = [e for wait, duration in calls for e in session_events(call=(wait, duration))]
    result = aggregate(events, STEPS)
    assert result.calls["requested"] == 6 and result.calls["connected"] == 6
    assert result.calls["wait_ms"] == {"n": 6, "p50": 3000, "p90": 6000}
    assert result.calls["duration_ms"]["p50"] == 180_000
    few = aggregate(events[: len(events) // 2] + many(5), STEPS)
    assert few.calls["wait_ms"] is None and few.calls["requested"] is None


def test_satisfaction() -> None:
    events = many(5, rating=5) + many(5, rating=4) + many(2, rating=1)
    result = aggregate(events, STEPS)
    assert result.satisfaction["responses"] == 12
    ratings = {row["rating"]: row["sessions"] for row in result.satisfaction["ratings"]}
    # The 2 ones hide, and one more cell hides with them so they cannot be worked out from the responses.
    assert ratings["1"] is None and {ratings["4"], ratings["5"]} == {None, 5}
    assert ratings["2"] == ratings["3"] == 0
    # 12 x mean - 5 x 5 = 4a + b with a + b = 7 would give both hidden cells back: the mean hides too.
    assert result.satisfaction["mean"] is None
    shown = aggregate(many(5, rating=5) + many(7, rating=4), STEPS).satisfaction
    assert shown["mean"] == round((25 + 28) / 12, 2) and shown["responses"] == 12


def test_session_counts_by_location() -> None:
    events = many(7) + [
        Event(e.session, e.kind, e.at, location="Assen") for e in many(3)
    ]
    result = aggregate(events, STEPS)
    assert {row["location"]: row["sessions"] for row in result.by_location} == {"Emmen": None, "Assen": None}
    assert result.sessions == 10


def test_percentile_nearest_rank() -> None:
    assert percentile([5, 1, 3, 2, 4], 0.5) == 3
    assert percentile([5, 1, 3, 2, 4], 0.9) == 5
    assert percentile([7], 0.1) == 7


def test_the_order_of_rows_does_not_reveal_hidden_counts() -> None:
    result = aggregate(many(9, language="en") + many(4, language="tr") + many(1, language="ar"), STEPS)
    assert [(row["language"], row["sessions"]) for row in result.languages] == [
        ("en", 9), ("ar", None), ("tr", None),  # hidden cells in code order, not by their true size
    ]
