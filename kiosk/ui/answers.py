"""Answers as the resident reads them back on the review screen, in their own language."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from domain.forms import Field, FieldType
from kiosk.ui.pickers import KIOSK_TIMEZONE
from kiosk.ui.strings import UiText

ADDRESS_ORDER = ("street", "number", "postcode", "city")


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {} or (isinstance(value, str) and not value.strip())


def format_answer(spec: Field, value: Any, texts: UiText, language: str) -> str:
    if is_empty(value):
        return texts.text("review.not_filled", language)
    kind = spec.type
    if kind is FieldType.CHOICE:
        return texts.text(spec.choice_key(str(value)), language)
    if kind in (FieldType.BOOLEAN, FieldType.CONSENT):
        return texts.text("nav.yes" if value else "nav.no", language)
    if kind is FieldType.DATE:
        return _day(date.fromisoformat(str(value)), texts, language)
    if kind is FieldType.DATETIME_WINDOW:
        return _window(value, texts, language)
    if kind is FieldType.ADDRESS:
        return _address(value)
    if kind is FieldType.AMOUNT:
        return f"€ {value}"
    if kind is FieldType.ITEMS:
        return "\n".join(_item(spec, item, texts, language) for item in value)
    return str(value)


def _day(day: date, texts: UiText, language: str) -> str:
    return f"{day.day} {texts.text(f'month.{day.month}', language)} {day.year}"


def _moment(raw: str) -> datetime:
    return datetime.fromisoformat(raw).astimezone(KIOSK_TIMEZONE)


def _window(value: dict[str, str], texts: UiText, language: str) -> str:
    start = _moment(value["start"])
    end = _moment(value.get("end") or value["start"])
    text = f"{_day(start.date(), texts, language)} {start:%H:%M}"
    if end == start:
        return text
    if end.date() == start.date():
        return f"{text} – {end:%H:%M}"
    return f"{text} – {_day(end.date(), texts, language)} {end:%H:%M}"


def _address(value: dict[str, str]) -> str:
    street = " ".join(value[k] for k in ("street", "number") if value.get(k))
    place = " ".join(value[k] for k in ("postcode", "city") if value.get(k))
    return ", ".join(part for part in (street, place) if part)


def _item(spec: Field, item: dict[str, Any], texts: UiText, language: str) -> str:
    parts = [format_answer(sub, item.get(sub.id), texts, language) for sub in spec.fields
             if not is_empty(item.get(sub.id))]
    return " · ".join(parts)
