"""Date and time pickers: the resident taps a day, a month, a year and an hour instead of typing a date.

Values follow domain.validation: a date is "YYYY-MM-DD"; a moment is an ISO datetime with the kiosk's offset.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from kiosk.ui.choices import ChoiceGrid, Option
from kiosk.ui.widgets import Column, KButton, KLabel, Row

# The kiosks stand in Dutch police stations; times the resident picks are Dutch local time.
KIOSK_TIMEZONE = ZoneInfo("Europe/Amsterdam")
EARLIEST_YEAR = 1900
MINUTES = (0, 15, 30, 45)


class DatePicker(Column):
    """Day, month and year buttons; the one touched opens a grid of choices below them."""

    def __init__(self, tag: str, language: str, rtl: bool, today: date, value: str | None,
                 on_change: Callable[[str | None], None], recent: bool = False, **kwargs: Any) -> None:
        super().__init__(spacing="8dp", **kwargs)
        self.tag, self.language, self.rtl, self.today, self.recent = tag, language, rtl, today, recent
        self._on_change = on_change
        self.parts: dict[str, int | None] = {"day": None, "month": None, "year": None}
        if value:
            chosen = date.fromisoformat(value)
            self.parts = {"day": chosen.day, "month": chosen.month, "year": chosen.year}
        self.open_part: str | None = None
        self._decade: int | None = None
        self._row = Row(size_hint_y=None, height=0, spacing="8dp", rtl=rtl)
        self._row.bind(minimum_height=self._row.setter("height"))
        self._panel = Column()
        self.add_widget(self._row)
        self.add_widget(self._panel)
        self._build_row()

    @property
    def value(self) -> date | None:
        day, month, year = self.parts["day"], self.parts["month"], self.parts["year"]
        if day is None or month is None or year is None:
            return None
        return date(year, month, min(day, calendar.monthrange(year, month)[1]))

    def set_date(self, chosen: date) -> None:
        self.parts = {"day": chosen.day, "month": chosen.month, "year": chosen.year}
        self.open_part = None
        self._changed()

    def _build_row(self) -> None:
        buttons: list[KButton] = []
        if self.recent:
            for name, offset in (("today", 0), ("yesterday", 1)):
                chosen = self.today - timedelta(days=offset)
                button = KButton(key=f"picker.{name}", lang=self.language, tag=f"{self.tag}.{name}", role="choice",
                                 align="center")
                button.selected = self.value == chosen
                button.bind(on_release=lambda _b, chosen=chosen: self.set_date(chosen))
                buttons.append(button)
        buttons += [self._part_button(part) for part in ("day", "month", "year")]
        self._row.set_children(buttons)
        self._build_panel()

    def _part_button(self, part: str) -> KButton:
        value = self.parts[part]
        if value is None:
            button = KButton(key=f"picker.{part}", lang=self.language)
        elif part == "month":
            button = KButton(key=f"month.{value}", lang=self.language)
        else:
            button = KButton(source=str(value), lang="nl")
        button.tag = f"{self.tag}.{part}"
        button.role = "choice"
        button.align = "center"
        button.selected = self.open_part == part
        button.bind(on_release=lambda _b: self._toggle(part))
        return button

    def _toggle(self, part: str) -> None:
        self.open_part = None if self.open_part == part else part
        self._build_row()

    def _build_panel(self) -> None:
        self._panel.clear_widgets()
        if self.open_part is None:
            return
        options, cols = getattr(self, f"_{self.open_part}_options")()
        grid = ChoiceGrid(options, self._pick, language=self.language, selected=self._selected_option(),
                          cols=cols, rtl=self.rtl, spacing="6dp", padding=("0dp", "6dp"))
        self._panel.add_widget(grid)

    def _selected_option(self) -> Any:
        if self.open_part == "year" and self.parts["year"] is None:
            return None
        return self.parts.get(self.open_part or "")

    def _day_options(self) -> tuple[list[Option], int]:
        year = self.parts["year"] or self.today.year
        last = calendar.monthrange(year, self.parts["month"] or 1)[1] if self.parts["month"] else 31
        return [Option(d, f"{self.tag}.day.{d}", text=str(d)) for d in range(1, last + 1)], 7

    def _month_options(self) -> tuple[list[Option], int]:
        return [Option(m, f"{self.tag}.month.{m}", key=f"month.{m}") for m in range(1, 13)], 4

    def _year_options(self) -> tuple[list[Option], int]:
        first = self.today.year - 2 if self.recent else EARLIEST_YEAR
        decade = self._decade
        if self.recent or decade is not None:
            low = max(first, decade or first)
            high = min(self.today.year, (decade or self.today.year) + 9)
            years = range(high, low - 1, -1)
            return [Option(y, f"{self.tag}.year.{y}", text=str(y)) for y in years], 5
        decades = range(self.today.year // 10 * 10, first - 1, -10)
        return [Option(("decade", d), f"{self.tag}.decade.{d}", text=f"{d}–{d + 9}") for d in decades], 4

    def _pick(self, value: Any) -> None:
        if isinstance(value, tuple):  # a decade: now show its years
            self._decade = value[1]
            self._build_panel()
            return
        self.parts[self.open_part or "day"] = value
        self._decade = None
        missing = [part for part in ("day", "month", "year") if self.parts[part] is None]
        self.open_part = missing[0] if missing else None
        self._changed()

    def _changed(self) -> None:
        self._build_row()
        chosen = self.value
        self._on_change(chosen.isoformat() if chosen else None)


class TimePicker(Column):
    """An hour grid, then a quarter-hour grid."""

    def __init__(self, tag: str, language: str, rtl: bool, value: time | None,
                 on_change: Callable[[time | None], None], **kwargs: Any) -> None:
        super().__init__(spacing="8dp", **kwargs)
        self.tag, self.language, self.rtl = tag, language, rtl
        self._on_change = on_change
        self.hour: int | None = value.hour if value else None
        self.minute: int | None = value.minute if value else None
        self.open_part: str | None = None
        self._button = KButton(tag=f"{tag}.time", role="choice", align="center")
        self._button.bind(on_release=lambda _b: self._toggle())
        self._panel = Column()
        self.add_widget(self._button)
        self.add_widget(self._panel)
        self._show()

    @property
    def value(self) -> time | None:
        return time(self.hour, self.minute or 0) if self.hour is not None else None

    def _toggle(self) -> None:
        self.open_part = None if self.open_part else "hour"
        self._show()

    def _show(self) -> None:
        chosen = self.value
        if chosen is None:
            self._button.lang, self._button.key = self.language, "picker.time"
        else:
            self._button.key, self._button.lang, self._button.source = "", "nl", chosen.strftime("%H:%M")
        self._button.selected = self.open_part is not None
        self._panel.clear_widgets()
        if self.open_part == "hour":
            options = [Option(h, f"{self.tag}.hour.{h}", text=f"{h:02d}:00") for h in range(24)]
            grid = ChoiceGrid(options, self._pick_hour, language=self.language, selected=self.hour, cols=6,
                              rtl=self.rtl, spacing="6dp", padding=("0dp", "6dp"))
            self._panel.add_widget(grid)
        elif self.open_part == "minute":
            options = [Option(m, f"{self.tag}.minute.{m}", text=f"{self.hour:02d}:{m:02d}") for m in MINUTES]
            grid = ChoiceGrid(options, self._pick_minute, language=self.language, selected=self.minute, cols=4,
                              rtl=self.rtl, spacing="6dp", padding=("0dp", "6dp"))
            self._panel.add_widget(grid)

    def _pick_hour(self, hour: int) -> None:
        self.hour, self.minute, self.open_part = hour, None, "minute"
        self._show()
        self._on_change(self.value)

    def _pick_minute(self, minute: int) -> None:
        self.minute, self.open_part = minute, None
        self._show()
        self._on_change(self.value)


class MomentPicker(Column):
    """A labelled date plus time: one end of a time window."""

    def __init__(self, tag: str, label_key: str, language: str, rtl: bool, today: date, value: str | None,
                 on_change: Callable[[], None], **kwargs: Any) -> None:
        super().__init__(spacing="8dp", **kwargs)
        moment = datetime.fromisoformat(value).astimezone(KIOSK_TIMEZONE) if value else None
        self._on_change = on_change
        self.add_widget(KLabel(key=label_key, lang=language, bold=True))
        self.date = DatePicker(f"{tag}.date", language, rtl, today, moment.date().isoformat() if moment else None,
                               lambda _v: self._on_change(), recent=True)
        self.time = TimePicker(tag, language, rtl, moment.time() if moment else None, lambda _v: self._on_change())
        self.add_widget(self.date)
        self.add_widget(self.time)

    @property
    def value(self) -> datetime | None:
        day, moment = self.date.value, self.time.value
        if day is None or moment is None:
            return None
        return datetime.combine(day, moment, tzinfo=KIOSK_TIMEZONE)


class WindowPicker(Column):
    """When it happened: from (date, time) until (date, time); "until" left open means one moment."""

    def __init__(self, tag: str, language: str, rtl: bool, today: date, value: dict[str, str] | None,
                 on_change: Callable[[dict[str, str] | None], None], **kwargs: Any) -> None:
        super().__init__(spacing="16dp", **kwargs)
        self._on_change = on_change
        value = value or {}
        self.start = MomentPicker(f"{tag}.start", "window.from", language, rtl, today, value.get("start"),
                                  self._changed)
        end = value.get("end") if value.get("end") != value.get("start") else None
        self.end = MomentPicker(f"{tag}.end", "window.to", language, rtl, today, end, self._changed)
        self.add_widget(self.start)
        self.add_widget(self.end)

    def _changed(self) -> None:
        start, end = self.start.value, self.end.value
        if start is None:
            self._on_change(None)
            return
        self._on_change({"start": start.isoformat(), "end": (end or start).isoformat()})
