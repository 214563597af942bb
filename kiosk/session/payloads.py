"""The case payload the flow hands to the outbox when the resident submits."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from domain.forms import FormSchema
from domain.payload import CasePayload, Translation
from domain.translation_check import normalise_translations


def build_payload(
    schema: FormSchema, language: str, values: dict[str, Any], translations: dict[str, Translation], now: datetime
) -> CasePayload:
    """Answers as validate() returned them plus a translation for every free text the officer reads in Dutch,
    both in the normal form the backend checks again (domain.translation_check).

    A text whose translation never came is flagged "not_translated": the officer sees the original, never a gap.
    """
    return CasePayload(
        case_id=str(uuid.uuid4()),
        case_type=schema.case_type,
        schema_version=schema.version,
        language=language,
        created_at=now.isoformat(),
        answers=values,
        translations=normalise_translations(schema, language, values, translations),
    )
