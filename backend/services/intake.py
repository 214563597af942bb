"""Opening a delivered case: unseal, parse, compare with the clear metadata, validate against its form.

Refusals carry a code and a message naming fields and rules only, never what the resident wrote.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Protocol
from uuid import UUID

from backend.services.errors import Invalid
from domain.forms import FormCatalog, FormSchema, SchemaError
from domain.languages import is_supported
from domain.payload import CasePayload, PayloadMismatch
from domain.translation_check import normalise_translations
from domain.validation import validate
from domain.wire import CaseDelivery

# The kiosk validated against its own clock; allow for one that runs a little ahead of ours.
KIOSK_CLOCK_SLACK = timedelta(hours=1)


class Unsealer(Protocol):
    def unseal(self, sealed_base64: str) -> bytes: ...

    def digest(self, data: bytes) -> str: ...


class IntakeRefused(Invalid):
    """A delivered case that cannot be opened, or does not fit its form."""


@dataclass(frozen=True)
class OpenedCase:
    payload: CasePayload
    canonical: bytes  # canonical JSON of the payload: what is encrypted at rest (normalised by check_answers)
    digest: str  # keyed digest of the payload as the kiosk sealed it, compared on retries


def check_metadata(delivery: CaseDelivery, catalog: FormCatalog) -> FormSchema:
    if delivery.case_type not in catalog:
        raise IntakeRefused("unknown_case_type", "this backend has no form for the case type")
    schema = catalog.get(delivery.case_type)
    if delivery.schema_version != schema.version:
        raise IntakeRefused(
            "unsupported_schema_version",
            f"the form version {delivery.schema_version} is not the one this backend knows ({schema.version})",
        )
    if not is_supported(delivery.language):
        raise IntakeRefused("unsupported_language", "the language code is not supported")
    return schema


def open_delivery(delivery: CaseDelivery, keys: Unsealer) -> OpenedCase:
    """Unseal and parse; check the payload agrees with the metadata that travelled in clear."""
    try:
        plaintext = keys.unseal(delivery.sealed)
    except ValueError:
        raise IntakeRefused("unsealable", "the sealed payload cannot be opened with this backend's key") from None
    try:
        payload = CasePayload.from_json(plaintext)
        if not isinstance(payload.answers, dict):
            raise TypeError("answers")
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError, json.JSONDecodeError):
        raise IntakeRefused("unreadable_payload", "the sealed payload is not a case payload") from None
    try:
        _check_agreement(delivery, payload)
    except PayloadMismatch as mismatch:
        raise IntakeRefused("payload_mismatch", str(mismatch)) from None
    canonical = payload.to_json()
    return OpenedCase(payload=payload, canonical=canonical, digest=keys.digest(canonical))


def _same_uuid(text: object, expected: UUID) -> bool:
    try:
        return isinstance(text, str) and UUID(text) == expected
    except ValueError:
        return False


def _check_agreement(delivery: CaseDelivery, payload: CasePayload) -> None:
    differing = [
        name
        for name, same in (
            ("case_id", _same_uuid(payload.case_id, delivery.case_id)),
            ("case_type", payload.case_type == delivery.case_type),
            ("schema_version", payload.schema_version == delivery.schema_version),
            ("language", payload.language == delivery.language),
        )
        if not same
    ]
    if differing:
        raise PayloadMismatch(f"the sealed payload's {', '.join(differing)} differ from the delivery's")


def check_answers(schema: FormSchema, opened: OpenedCase, created_at: datetime, now: datetime) -> OpenedCase:
    """Validate with the later of our clock and the kiosk's (bounded), as the kiosk did when it was filled in.

    Returns the case in the normal form: the same normalising the kiosk did before sealing (a no-op for what a
    kiosk sealed), so what is stored is what validate() and the translation check return, whoever sent it.
    """
    created = created_at if created_at.tzinfo else created_at.replace(tzinfo=UTC)
    moment = min(max(now, created), now + KIOSK_CLOCK_SLACK)
    try:
        result = validate(schema, opened.payload.answers, now=moment)
    except SchemaError:
        raise IntakeRefused("invalid_answers", "the answers do not fit the form") from None
    if not result.ok:
        listed = sorted(result.errors.items())[:10]
        problems = ", ".join(f"{path or 'answers'}: {error.code}" for path, error in listed)
        raise IntakeRefused("invalid_answers", f"the answers do not fit the form ({problems})")
    payload = opened.payload
    translations = normalise_translations(schema, payload.language, result.values, payload.translations)
    normal = replace(payload, answers=result.values, translations=translations)
    return replace(opened, payload=normal, canonical=normal.to_json())
