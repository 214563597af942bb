"""Answering form fields the way a resident does: by touching buttons, pickers and on-screen keys."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from domain.forms import Field, FieldType
from kiosk.ui.pickers import KIOSK_TIMEZONE
from tests.kiosk.gui.driver import Driver


def answer(d: Driver, spec: Field, value: Any, path: str | None = None) -> None:
    path = path or spec.id
    kind = spec.type
    if kind is FieldType.CHOICE:
        d.tap(f"choice.{path}.{value}")
    elif kind is FieldType.BOOLEAN:
        d.tap(f"choice.{path}.{'yes' if value else 'no'}")
    elif kind is FieldType.CONSENT:
        if value:
            d.tap(f"consent.{path}")
    elif kind is FieldType.DATE:
        pick_date(d, f"date.{path}", date.fromisoformat(value), lifetime=spec.personal)
    elif kind is FieldType.DATETIME_WINDOW:
        for end in ("start", "end"):
            moment = datetime.fromisoformat(value[end]).astimezone(KIOSK_TIMEZONE)
            pick_date(d, f"window.{path}.{end}.date", moment.date(), lifetime=False)
            d.tap(f"window.{path}.{end}.time")
            d.tap(f"window.{path}.{end}.hour.{moment.hour}")
            d.tap(f"window.{path}.{end}.minute.{moment.minute}")
    elif kind is FieldType.ADDRESS:
        for part, text in value.items():
            d.tap(f"input.{path}.{part}")
            d.enter_text(text)
    elif kind is FieldType.ITEMS:
        for index, item in enumerate(value):
            if index:
                d.tap(f"items.{path}.add")
            for sub in spec.fields:
                if sub.id in item:
                    answer(d, sub, item[sub.id], f"{path}.{index}.{sub.id}")
    else:
        d.tap(f"input.{path}")
        d.enter_text(str(value))


def pick_date(d: Driver, tag: str, day: date, lifetime: bool) -> None:
    """Day, then month, then year: each grid opens after the previous pick."""
    d.tap(f"{tag}.day")
    d.tap(f"{tag}.day.{day.day}")
    d.tap(f"{tag}.month.{day.month}")
    if lifetime:
        d.tap(f"{tag}.decade.{day.year // 10 * 10}")
    d.tap(f"{tag}.year.{day.year}")


def fill_step(d: Driver, fields: tuple[Field, ...], answers: dict[str, Any]) -> None:
    for spec in fields:
        if spec.id in answers:
            answer(d, spec, answers[spec.id])
    if d.has("keyboard.hide"):
        d.tap("keyboard.hide")
