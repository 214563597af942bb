"""ISO weeks as the pilot dashboard's period ("2026-W47"), counted in Dutch local time."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Europe/Amsterdam")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


class BadWeek(ValueError):
    pass


@dataclass(frozen=True)
class Week:
    year: int
    number: int

    @property
    def label(self) -> str:
        return f"{self.year}-W{self.number:02d}"

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.number, 1)

    @property
    def start(self) -> datetime:
        """Monday 00:00 local time, in UTC."""
        return datetime.combine(self.monday, time(), LOCAL).astimezone(UTC)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.monday + timedelta(days=7), time(), LOCAL).astimezone(UTC)

    def previous(self, count: int = 1) -> Week:
        return week_of(datetime.combine(self.monday - timedelta(weeks=count), time(12), LOCAL))


def parse_week(text: str) -> Week:
    match = _WEEK.match(text)
    if not match:
        raise BadWeek("a week is written like 2026-W47")
    year, number = int(match.group(1)), int(match.group(2))
    try:
        date.fromisocalendar(year, number, 1)
    except ValueError:
        raise BadWeek(f"{text} is not a week") from None
    return Week(year, number)


def week_of(moment: datetime) -> Week:
    year, number, _ = moment.astimezone(LOCAL).isocalendar()
    return Week(year, number)


def recent_weeks(last: Week, count: int) -> list[Week]:
    """`count` weeks ending with `last`, oldest first."""
    return [last.previous(offset) for offset in range(count - 1, -1, -1)]
