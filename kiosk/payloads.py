"""The case payload the flow hands to the outbox when the resident submits."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from domain.forms import FieldType, FormSchema
from domain.languages import DUTCH
from domain.payload import CasePayload, Translation


def build_payload(
    schema: FormSchema, language: str, values: dict[str, Any], translations: dict[str, Translation], now: datetime
) -> CasePayload:
    """Checked answers plus a translation for every free text the officer reads in Dutch.

    A text whose translation never came is flagged "not_translated": the officer sees the original, never a gap.
    """
    flagged: dict[str, Translation] = {}
    if language != DUTCH:
        for spec in schema.all_fields():
            text = values.get(spec.id)
            if spec.translate and spec.type in (FieldType.TEXT, FieldType.LONG_TEXT) and text:
                flagged[spec.id] = translations.get(spec.id) or Translation(
                    original=text, source_language=language, dutch=None, reason="not_translated"
                )
    return CasePayload(
        case_id=str(uuid.uuid4()),
        case_type=schema.case_type,
        schema_version=schema.version,
        language=language,
        created_at=now.isoformat(),
        answers=values,
        translations=flagged,
    )
