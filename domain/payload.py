"""The sealed case payload: what the kiosk seals and the backend opens. Canonical JSON, UTF-8."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

PAYLOAD_FORMAT = 1


@dataclass(frozen=True)
class TranslationHop:
    package: str
    version: str
    source: str
    target: str


@dataclass(frozen=True)
class Translation:
    """A machine translation of one free-text answer into Dutch, with what the officer needs to judge it."""

    original: str
    source_language: str
    dutch: str | None  # None when no model covers the language: the officer gets the original only
    hops: tuple[TranslationHop, ...] = ()
    pivot: str | None = None
    low_confidence: bool = False
    reason: str | None = None  # why it is low confidence or missing (code)
    machine_translated: bool = True


@dataclass(frozen=True)
class CasePayload:
    case_id: str
    case_type: str
    schema_version: int
    language: str
    created_at: str
    answers: dict[str, Any]
    translations: dict[str, Translation] = field(default_factory=dict)
    format: int = PAYLOAD_FORMAT

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()

    @classmethod
    def from_json(cls, data: bytes) -> CasePayload:
        raw = json.loads(data.decode("utf-8"))
        translations = {
            key: Translation(**{**value, "hops": tuple(TranslationHop(**h) for h in value.get("hops", ()))})
            for key, value in raw.pop("translations", {}).items()
        }
        return cls(**raw, translations=translations)


class PayloadMismatch(ValueError):
    """The sealed payload disagrees with the routing metadata that travelled in clear."""
