"""The resident's intake so far, as the officer sees it beside the video: Dutch labels and choices, free text
as typed with its machine translation. It travels over the call's data channel only (never the backend)."""

from __future__ import annotations

from typing import Any

from domain.chat import IntakeItem, IntakeSummary
from domain.forms import FormSchema
from domain.languages import DUTCH
from domain.payload import Translation
from kiosk.session.states import Receipt
from kiosk.ui.answers import format_answer, is_empty
from kiosk.ui.strings import UiText

CONSENT_PREFIX = "consent"


def intake_summary(
    language: str,
    schema: FormSchema | None,
    answers: dict[str, Any],
    translations: dict[str, Translation],
    texts: UiText,
    filed: Receipt | None = None,
) -> IntakeSummary:
    """Every answered field in form order; an empty summary when the resident has not started a form. `filed`: the
    report of this session already sealed, which the call is about (its case id and, once delivered, reference)."""
    case_id = filed.case_id if filed is not None else None
    reference = filed.reference if filed is not None else None
    if schema is None:
        return IntakeSummary(language, case_id=case_id, reference=reference)
    items = []
    for step in schema.steps:
        if step.id.startswith(CONSENT_PREFIX):
            continue
        for spec in step.fields:
            value = answers.get(spec.id)
            if is_empty(value):
                continue
            translation = translations.get(spec.id)
            items.append(
                IntakeItem(
                    field_id=spec.id,
                    label=texts.text(spec.label_key, DUTCH),
                    value=format_answer(spec, value, texts, DUTCH),
                    dutch=translation.dutch if translation else None,
                    low_confidence=bool(translation and translation.low_confidence),
                )
            )
    return IntakeSummary(language, schema.case_type, tuple(items), case_id=case_id, reference=reference)
