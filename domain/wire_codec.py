"""JSON for the wire dataclasses of domain.wire, through pydantic: the parser the backend's FastAPI routes use for
the same messages, so kiosk and backend cannot disagree about what a message may hold. Unknown keys are ignored,
missing required ones refused, UUIDs and datetimes travel as strings."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import TypeAdapter, ValidationError
from pydantic_core import to_jsonable_python

T = TypeVar("T")


class WireFormatError(ValueError):
    """JSON that does not fit the expected message. Says which message, never what the JSON held."""


def to_jsonable(value: Any) -> Any:
    """Dataclasses, UUIDs, datetimes (and lists and dicts of them) as plain JSON values."""
    return to_jsonable_python(value)


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
