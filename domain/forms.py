"""Form schemas: the questions of each case type, loaded from JSON files in assets/forms."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any


class FieldType(StrEnum):
    TEXT = "text"
    LONG_TEXT = "long_text"
    DATETIME_WINDOW = "datetime_window"  # {"start": iso, "end": iso}
    CHOICE = "choice"
    BOOLEAN = "boolean"
    AMOUNT = "amount"  # euros as a string "12.50" or "12,50"; stored as cents
    ADDRESS = "address"  # {"street", "number", "postcode", "city"}
    POSTCODE = "postcode"
    PHONE = "phone"
    EMAIL = "email"
    IBAN = "iban"
    FRAME_NUMBER = "frame_number"
    URL = "url"
    DATE = "date"
    ITEMS = "items"  # a list of records, each answering `fields`
    CONSENT = "consent"  # a box that must be ticked (True) when required


class CaseKind(StrEnum):
    AANGIFTE = "aangifte"  # an official report: a signed record that starts an investigation
    MELDING = "melding"  # a tip: information, usually no investigation
    CALLBACK = "callback"  # a request that an officer phones the resident back (nobody could take a video call)
    TRANSCRIPT = "transcript"  # what was said in a video call, kept by the officer: evidence beside a case
    SIGNATURE = "signature"  # the resident's signature (or refusal) of their statement, on the kiosk's screen


CALLBACK_CASE_TYPE = "callback"  # the one form of kind CALLBACK (assets/forms/callback.json)
SIGNATURE_CASE_TYPE = "signed_statement"  # the one form of kind SIGNATURE, filled in by the kiosk, never shown
TRANSCRIPT_CASE_TYPE = "call_transcript"  # the one form of kind TRANSCRIPT, filled in by the kiosk, never shown


@dataclass(frozen=True)
class Field:
    id: str
    type: FieldType
    required: bool = False
    personal: bool = False
    translate: bool = False
    max_length: int = 200
    choices: tuple[str, ...] = ()
    fields: tuple[Field, ...] = ()  # sub-fields of an ITEMS field
    max_items: int = 10
    parts_required: tuple[str, ...] = ("city",)  # for ADDRESS: which parts must be filled in
    latin: bool = False  # written as on an ID document (names, a licence plate): the Latin keyboard opens first

    @property
    def label_key(self) -> str:
        return f"field.{self.id}"

    @property
    def hint_key(self) -> str:
        return f"field.{self.id}.hint"

    def choice_key(self, value: str) -> str:
        return f"choice.{self.id}.{value}"


@dataclass(frozen=True)
class Step:
    id: str
    fields: tuple[Field, ...]

    @property
    def title_key(self) -> str:
        return f"step.{self.id}"


@dataclass(frozen=True)
class FormSchema:
    case_type: str
    version: int
    kind: CaseKind
    steps: tuple[Step, ...]
    icon: str = ""

    @property
    def title_key(self) -> str:
        return f"service.{self.case_type}"

    @property
    def description_key(self) -> str:
        return f"service.{self.case_type}.description"

    def all_fields(self) -> tuple[Field, ...]:
        return tuple(f for step in self.steps for f in step.fields)

    def field(self, field_id: str) -> Field:
        for candidate in self.all_fields():
            if candidate.id == field_id:
                return candidate
        raise KeyError(field_id)

    def step(self, step_id: str) -> Step:
        for candidate in self.steps:
            if candidate.id == step_id:
                return candidate
        raise KeyError(step_id)


class SchemaError(ValueError):
    """A form file in assets/forms does not describe a valid form."""


COMMON_FILE = "_common.json"


def _field_from(raw: dict[str, Any], where: str) -> Field:
    try:
        kind = FieldType(raw["type"])
        field_id = raw["id"]
    except (KeyError, ValueError) as error:
        raise SchemaError(f"{where}: bad field {raw!r}: {error}") from None
    sub = tuple(_field_from(item, f"{where}.{field_id}") for item in raw.get("fields", ()))
    if kind is FieldType.CHOICE and not raw.get("choices"):
        raise SchemaError(f"{where}.{field_id}: a choice field needs choices")
    if kind is FieldType.ITEMS and not sub:
        raise SchemaError(f"{where}.{field_id}: an items field needs fields")
    default_length = 2000 if kind is FieldType.LONG_TEXT else 200
    return Field(
        id=field_id,
        type=kind,
        required=bool(raw.get("required", False)),
        personal=bool(raw.get("personal", False)),
        translate=bool(raw.get("translate", False)),
        latin=bool(raw.get("latin", False)),
        max_length=int(raw.get("max_length", default_length)),
        choices=tuple(raw.get("choices", ())),
        fields=sub,
        max_items=int(raw.get("max_items", 10)),
        parts_required=tuple(raw.get("parts_required", ("city",))),
    )


def _steps_from(raw_steps: list[dict[str, Any]], where: str) -> tuple[Step, ...]:
    return tuple(
        Step(id=s["id"], fields=tuple(_field_from(f, f"{where}.{s['id']}") for f in s["fields"]))
        for s in raw_steps
    )


def parse_schema(raw: dict[str, Any], common_steps: dict[str, Step], where: str = "form") -> FormSchema:
    try:
        steps = _steps_from(raw["steps"], where)
        steps += tuple(common_steps[name] for name in raw.get("common_steps", ()))
        schema = FormSchema(
            case_type=raw["case_type"],
            version=int(raw["version"]),
            kind=CaseKind(raw["kind"]),
            steps=steps,
            icon=raw.get("icon", ""),
        )
    except (KeyError, ValueError, TypeError) as error:
        raise SchemaError(f"{where}: {error!r}") from None
    ids = [f.id for f in schema.all_fields()]
    if len(ids) != len(set(ids)):
        raise SchemaError(f"{where}: field ids repeat: {sorted(i for i in ids if ids.count(i) > 1)}")
    return schema


class FormCatalog:
    """All form schemas in a directory, keyed by case type, in the order the kiosk offers them."""

    def __init__(self, schemas: list[FormSchema]) -> None:
        self._schemas = {s.case_type: s for s in schemas}

    @classmethod
    def load(cls, forms_dir: Path) -> FormCatalog:
        common_raw = json.loads((forms_dir / COMMON_FILE).read_text(encoding="utf-8"))
        common = {s.id: s for s in _steps_from(common_raw["steps"], COMMON_FILE)}
        order = common_raw.get("order", [])
        files = sorted(p for p in forms_dir.glob("*.json") if p.name != COMMON_FILE)
        schemas = [
            parse_schema(json.loads(p.read_text(encoding="utf-8")), common, where=p.name) for p in files
        ]
        schemas.sort(key=lambda s: order.index(s.case_type) if s.case_type in order else len(order))
        return cls(schemas)

    def __iter__(self) -> Iterator[FormSchema]:
        return iter(self._schemas.values())

    def __len__(self) -> int:
        return len(self._schemas)

    def __contains__(self, case_type: object) -> bool:
        return case_type in self._schemas

    def get(self, case_type: str) -> FormSchema:
        try:
            return self._schemas[case_type]
        except KeyError:
            raise SchemaError(f"unknown case type: {case_type!r}") from None

    def case_types(self) -> tuple[str, ...]:
        return tuple(self._schemas)


def default_assets_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "assets"


def personal_field_ids(schema: FormSchema) -> frozenset[str]:
    return frozenset(f.id for f in schema.all_fields() if f.personal)


