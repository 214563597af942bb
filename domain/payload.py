"""The sealed case payload: what the kiosk seals and the backend opens. Canonical JSON, UTF-8."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

PAYLOAD_FORMAT = 1
MAX_DEPTH = 12  # answers are at most items -> record -> address/window; anything deeper is not a case


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
        """ValueError or TypeError for anything that is not a payload, however it is nested."""
        try:
            raw = json.loads(data.decode("utf-8"))
        except RecursionError:
            raise ValueError("nested too deeply") from None
        if _depth(raw) > MAX_DEPTH:
            raise ValueError("nested too deeply")
        translations = {
            key: Translation(**{**value, "hops": tuple(TranslationHop(**h) for h in value.get("hops", ()))})
            for key, value in raw.pop("translations", {}).items()
        }
        return cls(**raw, translations=translations)


def _depth(value: Any) -> int:
    """How deeply lists and objects nest, without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            if depth <= MAX_DEPTH:
                stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


class PayloadMismatch(ValueError):
    """The sealed payload disagrees with the routing metadata that travelled in clear."""
