"""The resident's signature (or refusal) of the statement the officer sent, as the case the kiosk seals: the
statement's exact text and SHA-256, and the finger strokes. Form `signed_statement` (assets/forms), checked by the
same validation the backend runs again; the text is stored to the letter, so the digest still holds there."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from domain.forms import SIGNATURE_CASE_TYPE, FormSchema
from domain.payload import CasePayload
from domain.statement import InvalidStatement, Statement, Stroke, check_strokes, digest_of, text_of
from domain.validation import validate
from kiosk.session.payloads import build_payload


def strokes_json(strokes: tuple[Stroke, ...]) -> str:
    """The strokes as the form keeps them: points rounded to 1/10000 of the pad, compact JSON."""
    return json.dumps([[[round(x, 4), round(y, 4)] for x, y in stroke] for stroke in strokes], separators=(",", ":"))


def signature_payload(
    schema: FormSchema, statement: Statement, digest: str, strokes: tuple[Stroke, ...] | None, now: datetime
) -> CasePayload:
    """Signed (with `strokes`) or refused (None). InvalidStatement when the text is not the one the digest names
    or the strokes are no signature: nothing is sealed then."""
    if schema.case_type != SIGNATURE_CASE_TYPE:
        raise ValueError("not the signature form")
    text = text_of(statement)
    if digest_of(text) != digest:
        raise InvalidStatement("the statement does not match its digest")
    answers: dict[str, Any] = {
        "statement_id": statement.statement_id,
        "statement_case": statement.case_id,
        "statement_text": text,
        "statement_digest": digest,
        "statement_signed": strokes is not None,
    }
    if strokes is not None:
        answers["signature_strokes"] = strokes_json(check_strokes(strokes))
    checked = validate(schema, answers, now=now)
    if not checked.ok:
        raise InvalidStatement(f"the signature does not fit its form: {sorted(checked.errors)}")
    if checked.values["statement_text"] != text:
        raise InvalidStatement("the statement text is not in its stored form")
    return build_payload(schema, statement.language, checked.values, {}, now)
