"""Pilot API: aggregates of anonymous usage events. Never any personal data; small cells are suppressed."""

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, Query

from backend.auth import Backend, UsageReader
from backend.errors import ApiError, describe
from backend.schemas import UsageSummary
from backend.usage import Granularity, GroupBy

router = APIRouter(prefix="/api/usage", tags=["usage"])

DEFAULT_DAYS = 30
MAX_DAYS = 2 * 366


@router.get("/summary", response_model=UsageSummary, responses=describe(401, 403, 422))
def summary(
    reader: UsageReader,
    backend: Backend,
    since: Annotated[date | None, Query(description="first day (UTC), default 30 days ago")] = None,
    until: Annotated[date | None, Query(description="last day (UTC), default today")] = None,
    granularity: Granularity = Granularity.DAY,
    by: GroupBy = GroupBy.LOCATION,
    location: Annotated[str | None, Query(min_length=1, max_length=200, pattern=r"^[^\x00]+$")] = None,
) -> UsageSummary:
    """Sessions, submissions, abandons, calls, ratings, languages and services per place and period."""
    last = until or backend.clock().date()
    first = since or last - timedelta(days=DEFAULT_DAYS - 1)
    if first > last or (last - first).days >= MAX_DAYS or first.year < 2000 or last.year > 2999:
        raise ApiError(422, "invalid_range", f"since must be on or before until, at most {MAX_DAYS} days apart")
    start = datetime.combine(first, time.min, tzinfo=UTC)
    end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=UTC)
    return backend.usage.summary(start, end, granularity, by, location)
