"""JSON for the wire dataclasses of domain.wire: UUIDs and datetimes as strings, both ways."""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

T = TypeVar("T")


class WireFormatError(ValueError):
    """The backend answered with JSON that does not fit the expected message."""


def to_jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [to_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {str(key): to_jsonable(item) for key, item in value.items()}
    return value


def _convert(kind: Any, raw: Any) -> Any:
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = [option for option in typing.get_args(kind) if option is not type(None)]
        return None if raw is None else _convert(options[0], raw)
    if origin is list:
        (item_kind,) = typing.get_args(kind)
        if not isinstance(raw, list):
            raise WireFormatError("expected a list")
        return [_convert(item_kind, item) for item in raw]
    if kind is UUID:
        return UUID(str(raw))
    if kind is datetime:
        return datetime.fromisoformat(str(raw))
    if dataclasses.is_dataclass(kind):
        return from_jsonable(kind, raw)  # type: ignore[arg-type]
    if kind in (int, float, str, bool) and not isinstance(raw, kind):
        raise WireFormatError(f"expected {kind.__name__}")
    return raw


def from_jsonable(cls: type[T], data: Any) -> T:
    """Build the dataclass `cls` from decoded JSON; unknown keys are ignored, missing required ones refused."""
    if not isinstance(data, dict):
        raise WireFormatError(f"expected an object for {cls.__name__}")
    hints = typing.get_type_hints(cls)
    values: dict[str, Any] = {}
    try:
        for f in dataclasses.fields(cls):  # type: ignore[arg-type]
            if f.name in data:
                values[f.name] = _convert(hints[f.name], data[f.name])
        return cls(**values)
    except (TypeError, ValueError) as error:
        raise WireFormatError(f"malformed {cls.__name__}") from error
