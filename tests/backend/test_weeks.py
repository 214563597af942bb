from datetime import UTC, datetime

import pytest

from backend.services.weeks import BadWeek, parse_week, recent_weeks, week_of


def test_a_week_runs_from_monday_midnight_dutch_time() -> None:
    week = parse_week("2026-W48")
    assert week.start == datetime(2026, 11, 22, 23, 0, tzinfo=UTC)  # Monday 23 Nov 00:00 CET
    assert week.end == datetime(2026, 11, 29, 23, 0, tzinfo=UTC)


def test_sunday_night_utc_can_already_be_next_week_in_amsterdam() -> None:
    assert week_of(datetime(2026, 11, 29, 23, 30, tzinfo=UTC)).label == "2026-W49"
    assert week_of(datetime(2026, 11, 29, 22, 30, tzinfo=UTC)).label == "2026-W48"


def test_recent_weeks_cross_the_new_year() -> None:
    labels = [w.label for w in recent_weeks(parse_week("2027-W01"), 3)]
    assert labels == ["2026-W52", "2026-W53", "2027-W01"]


@pytest.mark.parametrize("text", ["2026-48", "2026-W54", "2025-W53", "W48", ""])
def test_bad_weeks_are_refused(text: str) -> None:
    with pytest.raises(BadWeek):
        parse_week(text)
