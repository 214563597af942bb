"""The one JSON codec for every wire message, through pydantic (the parser the backend's FastAPI routes use for the
same dataclasses), so kiosk, backend and the officer's browser cannot disagree about what a message may hold.

Two ways in:
- `from_jsonable` for the kiosk's REST messages (domain.wire), as FastAPI reads them: unknown keys are ignored,
  UUIDs and datetimes travel as strings.
- `loads` and `TaggedCodec` for the sealed payload, the call signalling and the data channel: strict JSON, so
  "yes" is not a bool, 1.5 not an int and "3" not a number. A dataclass that sets
  `__pydantic_config__ = FORBID_UNKNOWN_KEYS` refuses keys it does not know.

Every refusal is a `WireFormatError` (or the protocol's subclass of it) that names the message and at most one of
its fields, never what the JSON held.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import fields, is_dataclass
from typing import Any, Final, Generic, TypeVar

from pydantic import TypeAdapter, ValidationError
from pydantic_core import to_jsonable_python

T = TypeVar("T")

FORBID_UNKNOWN_KEYS: Final[Any] = {"extra": "forbid"}  # pydantic's ConfigDict, as a plain dict


class WireFormatError(ValueError):
    """JSON that does not fit the expected message. Says which message, never what the JSON held."""


def to_jsonable(value: Any) -> Any:
    """Dataclasses, UUIDs, datetimes, enums (and lists, tuples and dicts of them) as plain JSON values."""
    return to_jsonable_python(value)


def dumps(value: Any, *, sort_keys: bool = False) -> str:
    """The JSON text that travels: compact, non-ASCII letters as they are."""
    return json.dumps(to_jsonable(value), ensure_ascii=False, separators=(",", ":"), sort_keys=sort_keys)


_ADAPTERS: dict[type[Any], TypeAdapter[Any]] = {}  # building one costs milliseconds: once per message type


def _adapter(cls: type[Any]) -> TypeAdapter[Any]:
    adapter = _ADAPTERS.get(cls)
    if adapter is None:
        adapter = _ADAPTERS[cls] = TypeAdapter(cls)
    return adapter


def from_jsonable(cls: type[T], data: Any) -> T:
    """The message `cls` from decoded JSON, validated as the backend validates it."""
    try:
        message: T = _adapter(cls).validate_python(data)
    except ValidationError:
        raise WireFormatError(f"malformed {cls.__name__}") from None
    return message


def loads(cls: type[T], text: str | bytes, error: type[WireFormatError] = WireFormatError) -> T:
    """The message `cls` from JSON text, strictly (see the module's docstring)."""
    try:
        message: T = _adapter(cls).validate_json(text, strict=True)
    except ValidationError as invalid:
        raise error(_describe(cls, invalid)) from None
    return message


def _describe(cls: type[Any], invalid: ValidationError) -> str:
    """ "malformed Offer: attempt": the field only when it is one of the message's own (keys of a free-form dict and
    unknown keys come from the sender, so they are never repeated)."""
    known = {f.name for f in fields(cls)} if is_dataclass(cls) else set()
    first = invalid.errors()[0]["loc"]
    if first and first[0] in known:
        return f"malformed {cls.__name__}: {first[0]}"
    return f"malformed {cls.__name__}"


class TaggedCodec(Generic[T]):
    """Messages of several kinds on one channel, told apart by one key: `{"type": "offer", ...the fields}`.

    The tag is not a field of the dataclass (it is the class), so decoding reads the JSON once to find it and
    validates the rest strictly; a message is at most `max_chars` long.
    """

    def __init__(
        self, key: str, kinds: Mapping[str, type[T]], error: type[WireFormatError], max_chars: int
    ) -> None:
        self.key, self.kinds, self.error, self.max_chars = key, dict(kinds), error, max_chars
        self._tags = {cls: tag for tag, cls in self.kinds.items()}

    def encode(self, message: T) -> str:
        return dumps({self.key: self._tags[type(message)], **to_jsonable(message)})

    def decode(self, text: str | bytes) -> T:
        if len(text) > self.max_chars:
            raise self.error("message too large")
        try:
            raw = json.loads(text)
        except (ValueError, UnicodeDecodeError, RecursionError):
            raise self.error("message is not JSON") from None
        if not isinstance(raw, dict) or not isinstance(raw.get(self.key), str):
            raise self.error(f"message needs a {self.key}")
        cls = self.kinds.get(raw.pop(self.key))
        if cls is None:
            raise self.error(f"unknown message {self.key}")
        try:
            rest = json.dumps(raw)
        except RecursionError:
            raise self.error(f"malformed {cls.__name__}") from None
        return loads(cls, rest, self.error)
