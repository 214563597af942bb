"""The sealed case payload: what the kiosk seals and the backend opens. Canonical JSON, UTF-8."""

from __future__ import annotations

import json
from dataclasses import MISSING, dataclass, field, fields
from typing import Any

from domain.wire_codec import FORBID_UNKNOWN_KEYS, WireFormatError, dumps, loads, to_jsonable

PAYLOAD_FORMAT = 1
MAX_DEPTH = 12  # answers are at most items -> record -> address/window; anything deeper is not a case


@dataclass(frozen=True)
class TranslationHop:
    __pydantic_config__ = FORBID_UNKNOWN_KEYS
    package: str
    version: str
    source: str
    target: str


@dataclass(frozen=True)
class Translation:
    """A machine translation of one free-text answer into Dutch, with what the officer needs to judge it."""

    __pydantic_config__ = FORBID_UNKNOWN_KEYS

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
    __pydantic_config__ = FORBID_UNKNOWN_KEYS
    case_id: str
    case_type: str
    schema_version: int
    language: str
    created_at: str
    answers: dict[str, Any]
    translations: dict[str, Translation] = field(default_factory=dict)
    format: int = PAYLOAD_FORMAT

    def to_json(self) -> bytes:
        """Canonical: sorted keys, so the same case always seals to the same bytes before encryption."""
        return dumps(self, sort_keys=True).encode()

    @classmethod
    def from_json(cls, data: bytes) -> CasePayload:
        """PayloadError (a ValueError) for anything that is not a payload, however it is nested."""
        try:
            raw = json.loads(data.decode("utf-8"))
        except (ValueError, RecursionError):
            raise PayloadError("malformed CasePayload") from None
        if _depth(raw) > MAX_DEPTH:
            raise PayloadError("malformed CasePayload: nested too deeply")
        if isinstance(raw, dict) and isinstance(raw.get("translations"), dict):
            raw["translations"] = {key: _typed_or_unreadable(entry) for key, entry in raw["translations"].items()}
            data = json.dumps(raw).encode()
        return loads(cls, data, PayloadError)


# A translation record whose values have the wrong types: a resident's case is never refused for its translation
# metadata, so the backend's normalisation turns this into "no Dutch text, failed", with the original answer.
UNREADABLE_TRANSLATION = Translation(original="", source_language="", dutch=None, reason="unreadable")
_TRANSLATION_KEYS = frozenset(f.name for f in fields(Translation))
_REQUIRED_TRANSLATION_KEYS = frozenset(
    f.name for f in fields(Translation) if f.default is MISSING and f.default_factory is MISSING
)


def _typed_or_unreadable(entry: Any) -> Any:
    """An entry with a Translation's keys but values of other types becomes UNREADABLE_TRANSLATION; anything that is
    not shaped like a translation record at all is left for the strict check to refuse."""
    if not isinstance(entry, dict) or not _REQUIRED_TRANSLATION_KEYS <= entry.keys() <= _TRANSLATION_KEYS:
        return entry
    try:
        loads(Translation, json.dumps(entry))
    except WireFormatError:
        return to_jsonable(UNREADABLE_TRANSLATION)
    return entry


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


class PayloadError(WireFormatError):
    """The sealed bytes are not a case payload. Names no answer."""


class PayloadMismatch(ValueError):
    """The sealed payload disagrees with the routing metadata that travelled in clear."""
