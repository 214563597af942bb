"""Validate and normalise a resident's answers against a form schema.

Errors are codes with message keys for the UI catalogs; no sentence in any language lives here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import phonenumbers

from domain.forms import Field, FieldType, FormSchema
from domain.plain_text import UnclearText, clean, is_blank

MAX_AMOUNT_CENTS = 100_000_000  # one million euros
EARLIEST_YEAR = 1900  # no date or time in a case lies before it
# A resident may be a minute ahead of the kiosk clock; anything later is a typing mistake.
CLOCK_SLACK = timedelta(minutes=5)
HOME_REGION = "NL"  # a number without a country code is a Dutch one
_PHONE_CHARACTERS = re.compile(r"\+?[0-9\s\-().]{6,30}")


@dataclass(frozen=True)
class FieldError:
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def message_key(self) -> str:
        return f"error.{self.code}"


@dataclass(frozen=True)
class ValidationResult:
    values: dict[str, Any]
    errors: dict[str, FieldError]

    @property
    def ok(self) -> bool:
        return not self.errors


class Invalid(ValueError):
    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.error = FieldError(code, params)


_POSTCODE = re.compile(r"^([1-9][0-9]{3})\s?([A-Z]{2})$")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[A-Za-z]{2,}$")
_FRAME = re.compile(r"^[A-Z0-9]{5,20}$")
_URL = re.compile(r"^(https?://)?[\w.-]+\.[a-z]{2,}(/\S*)?$", re.IGNORECASE)
ADDRESS_PARTS = ("street", "number", "postcode", "city")
_IBAN_LENGTHS = {"NL": 18, "BE": 16, "DE": 22, "FR": 27, "ES": 24, "GB": 22, "PL": 28, "TR": 26, "LT": 20,
                 "IE": 22, "IT": 27, "AT": 20, "LU": 20, "PT": 25, "RO": 24, "BG": 22, "UA": 29}


def _text(value: Any, *, multiline: bool = False) -> str:
    """Every text part of every field goes through here: one rule (domain.plain_text) for all of them."""
    if not isinstance(value, str):
        raise Invalid("wrong_type", expected="text")
    try:
        return clean(value, multiline=multiline)
    except UnclearText:
        raise Invalid("invalid_characters") from None


def check_postcode(value: Any) -> str:
    match = _POSTCODE.match(_text(value).upper())
    if not match or match.group(2) in {"SA", "SD", "SS"}:
        raise Invalid("invalid_postcode")
    return f"{match.group(1)} {match.group(2)}"


def check_phone(value: Any) -> str:
    """A number an officer can dial, as E.164: Dutch ones as dialled at home (06-12345678, 050 123 4567) and foreign
    ones with their country code (+48 601 234 567, 0048 ...), checked against each country's numbering plan by the
    phonenumbers library. Only digits, spaces and + - ( ) . are taken: no letters read as a vanity number."""
    text = _text(value)
    if not _PHONE_CHARACTERS.fullmatch(text):
        raise Invalid("invalid_phone")
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, HOME_REGION)
    except phonenumbers.NumberParseException:
        raise Invalid("invalid_phone") from None
    if not phonenumbers.is_valid_number(number):
        raise Invalid("invalid_phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def check_email(value: Any) -> str:
    text = _text(value)
    if len(text) > 254 or not text.isprintable() or not _EMAIL.match(text):
        raise Invalid("invalid_email")
    return text


def check_iban(value: Any) -> str:
    iban = re.sub(r"\s", "", _text(value)).upper()
    expected = _IBAN_LENGTHS.get(iban[:2])
    if not re.fullmatch(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{8,30}", iban) or (expected and len(iban) != expected):
        raise Invalid("invalid_iban")
    rearranged = iban[4:] + iban[:4]
    if int("".join(str(int(ch, 36)) for ch in rearranged)) % 97 != 1:
        raise Invalid("invalid_iban")
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


def check_frame_number(value: Any) -> str:
    frame = re.sub(r"[\s\-]", "", _text(value)).upper()
    if not _FRAME.match(frame):
        raise Invalid("invalid_frame_number")
    return frame


def check_url(value: Any) -> str:
    text = _text(value)
    if not _URL.match(text):
        raise Invalid("invalid_url")
    return text


_AMOUNT_DUTCH_THOUSANDS = re.compile(r"\d{1,3}(\.\d{3})+(,\d{1,2})?")  # 1.250,00
_AMOUNT = re.compile(r"(\d{1,12})(?:\.(\d{1,2}))?")


def check_amount(value: Any) -> int:
    """Euros as typed ("12,50", "12.50", "€ 1.250") to whole cents.

    An int is taken as cents: it is what this function returns, so validate() accepts its own output and a
    sealed case (which holds cents) is checked at the value the resident typed, not 100 times that.
    """
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise Invalid("invalid_amount")
    if isinstance(value, int):
        cents = value
    else:
        text = re.sub(r"[\s€]", "", _text(value))
        if _AMOUNT_DUTCH_THOUSANDS.fullmatch(text):
            text = text.replace(".", "")
        match = _AMOUNT.fullmatch(text.replace(",", "."))
        if not match:
            raise Invalid("invalid_amount")
        cents = int(match.group(1)) * 100 + int((match.group(2) or "0").ljust(2, "0"))
    if cents < 0:
        raise Invalid("invalid_amount")
    if cents > MAX_AMOUNT_CENTS:
        raise Invalid("amount_too_large", max_euros=MAX_AMOUNT_CENTS // 100)
    return cents


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def check_date(value: Any, now: datetime) -> str:
    try:
        day = date.fromisoformat(_text(value))
    except ValueError:
        raise Invalid("invalid_date") from None
    if day > now.date():
        raise Invalid("date_in_future")
    if day.year < EARLIEST_YEAR:
        raise Invalid("invalid_date")
    return day.isoformat()


def _moment(value: Any) -> datetime:
    try:
        moment = _aware(datetime.fromisoformat(_text(value)))
        utc = moment.astimezone(UTC)
    except (ValueError, OverflowError):
        raise Invalid("invalid_date") from None
    if utc.year < EARLIEST_YEAR:
        raise Invalid("invalid_date")
    return moment


def check_window(value: Any, now: datetime) -> dict[str, str]:
    if not isinstance(value, dict) or "start" not in value:
        raise Invalid("wrong_type", expected="datetime_window")
    start = _moment(value["start"])
    end = _moment(value.get("end") or value["start"])
    if start > now + CLOCK_SLACK or end > now + CLOCK_SLACK:
        raise Invalid("date_in_future")
    if end < start:
        raise Invalid("window_order")
    return {"start": start.isoformat(), "end": end.isoformat()}


def check_choice(spec: Field, value: Any) -> str:
    if not isinstance(value, str) or value not in spec.choices:
        raise Invalid("invalid_choice")
    return str(value)


def check_boolean(spec: Field, value: Any) -> bool:
    if not isinstance(value, bool):
        raise Invalid("wrong_type", expected="boolean")
    if spec.type is FieldType.CONSENT and spec.required and not value:
        raise Invalid("not_accepted")
    return value


def check_text(spec: Field, value: Any) -> str:
    text = _text(value, multiline=spec.type is FieldType.LONG_TEXT)
    if len(text) > spec.max_length:
        raise Invalid("too_long", max_length=spec.max_length)
    return text


def check_address(spec: Field, value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        raise Invalid("wrong_type", expected="address")
    unknown = set(value) - set(ADDRESS_PARTS)
    if unknown:
        raise Invalid("unknown_field")
    parts = {key: _text(value.get(key) or "") for key in ADDRESS_PARTS}
    missing = [key for key in spec.parts_required if not parts[key]]
    if missing:
        raise Invalid("address_incomplete", missing=missing)
    if any(len(part) > 120 for part in parts.values()):
        raise Invalid("too_long", max_length=120)
    if parts["postcode"]:
        parts["postcode"] = check_postcode(parts["postcode"])
    return {key: part for key, part in parts.items() if part}


def _is_empty(value: Any) -> bool:
    return value is None or value == [] or value == {} or (isinstance(value, str) and is_blank(value))


def _check_value(spec: Field, value: Any, now: datetime, path: str, errors: dict[str, FieldError]) -> Any:
    checks: dict[FieldType, Callable[[Any], Any]] = {
        FieldType.TEXT: lambda v: check_text(spec, v),
        FieldType.LONG_TEXT: lambda v: check_text(spec, v),
        FieldType.CHOICE: lambda v: check_choice(spec, v),
        FieldType.BOOLEAN: lambda v: check_boolean(spec, v),
        FieldType.CONSENT: lambda v: check_boolean(spec, v),
        FieldType.AMOUNT: check_amount,
        FieldType.ADDRESS: lambda v: check_address(spec, v),
        FieldType.POSTCODE: check_postcode,
        FieldType.PHONE: check_phone,
        FieldType.EMAIL: check_email,
        FieldType.IBAN: check_iban,
        FieldType.FRAME_NUMBER: check_frame_number,
        FieldType.URL: check_url,
        FieldType.DATE: lambda v: check_date(v, now),
        FieldType.DATETIME_WINDOW: lambda v: check_window(v, now),
    }
    if spec.type is FieldType.ITEMS:
        return _check_items(spec, value, now, path, errors)
    try:
        return checks[spec.type](value)
    except Invalid as invalid:
        errors[path] = invalid.error
        return None


def _check_items(spec: Field, value: Any, now: datetime, path: str, errors: dict[str, FieldError]) -> Any:
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        errors[path] = FieldError("wrong_type", {"expected": "items"})
        return None
    if len(value) > spec.max_items:
        errors[path] = FieldError("too_many_items", {"max_items": spec.max_items})
        return None
    return [_check_fields(spec.fields, item, now, f"{path}.{index}", errors) for index, item in enumerate(value)]


def _check_fields(
    specs: Iterable[Field], answers: dict[str, Any], now: datetime, prefix: str, errors: dict[str, FieldError]
) -> dict[str, Any]:
    specs = tuple(specs)
    known = {spec.id for spec in specs}
    for key in answers:
        if key not in known:
            errors[f"{prefix}{key}" if not prefix else f"{prefix}.{key}"] = FieldError("unknown_field")
    values: dict[str, Any] = {}
    for spec in specs:
        path = f"{prefix}.{spec.id}" if prefix else spec.id
        value = answers.get(spec.id)
        if _is_empty(value) or (spec.type is FieldType.CONSENT and value is False and not spec.required):
            if spec.required:
                errors[path] = FieldError("not_accepted" if spec.type is FieldType.CONSENT else "required")
            continue
        checked = _check_value(spec, value, now, path, errors)
        if path not in errors and checked is not None:
            values[spec.id] = checked
    return values


def validate(
    schema: FormSchema, answers: dict[str, Any], *, now: datetime | None = None, step_id: str | None = None
) -> ValidationResult:
    """Check answers for the whole form, or for one step; return normalised values and per-field errors."""
    now = _aware(now or datetime.now(UTC))
    if not isinstance(answers, dict):
        return ValidationResult({}, {"": FieldError("wrong_type", {"expected": "answers"})})
    specs = schema.step(step_id).fields if step_id else schema.all_fields()
    relevant = {key: value for key, value in answers.items() if step_id is None or key in {s.id for s in specs}}
    errors: dict[str, FieldError] = {}
    values = _check_fields(specs, relevant, now, "", errors)
    return ValidationResult(values, errors)
