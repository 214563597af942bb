"""What the receipt screen tells a resident about the case they just submitted: what, when, where (on screen only)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.forms import FieldType, FormSchema
from domain.payload import CasePayload
from kiosk.session.states import Receipt


def receipt_for(schema: FormSchema, payload: CasePayload, values: dict[str, Any], filled_in: datetime) -> Receipt:
    return Receipt(case_id=payload.case_id, kind=schema.kind, case_type=payload.case_type, filled_in_at=filled_in,
                   place=place_of(schema, values))  # fmt: skip


def place_of(schema: FormSchema, values: dict[str, Any]) -> str | None:
    """The town of the form's first address answer where it happened or was seen (never the resident's home)."""
    for spec in schema.all_fields():
        answer = values.get(spec.id)
        if spec.type is FieldType.ADDRESS and not spec.personal and isinstance(answer, dict) and answer.get("city"):
            return str(answer["city"])
    return None
