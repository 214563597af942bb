"""Settings from the environment, one set of rules for the kiosk and the backend.

Each side's Settings is a frozen dataclass whose defaults say each value's type; a PREFIX_NAME environment
variable (e.g. POLITIELOKET_KIOSK_IDLE_SECONDS) overrides a default, and explicit overrides (the command line)
override both. Text becomes the default's type: whole numbers, numbers, yes/no, paths, comma-separated lists.
A value that does not fit is a SettingsError naming the variable, never quoting the value (it may be a token).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import Any

YES = frozenset({"1", "true", "yes", "on"})
NO = frozenset({"0", "false", "no", "off", ""})


class SettingsError(ValueError):
    """A setting that cannot be used, said so that the technician knows which one and what it must be."""


def parse_setting(current: Any, raw: str, where: str) -> Any:
    """`raw` as the type of `current` (the default); `where` names the setting in the error."""
    text = raw.strip()
    if isinstance(current, bool):
        if text.lower() in YES:
            return True
        if text.lower() in NO:
            return False
        raise SettingsError(f"{where} must be yes or no (1/0, true/false, on/off)")
    if isinstance(current, int):
        try:
            return int(text)
        except ValueError:
            raise SettingsError(f"{where} must be a whole number") from None
    if isinstance(current, float):
        try:
            return float(text)
        except ValueError:
            raise SettingsError(f"{where} must be a number") from None
    if isinstance(current, Path):
        return Path(text)
    if isinstance(current, tuple):
        return tuple(part.strip() for part in raw.split(",") if part.strip())
    return raw


def settings_values(
    defaults: Any, prefix: str, environ: Mapping[str, str], overrides: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The values that differ from `defaults` (a dataclass instance): the environment's, then `overrides`
    (None = not given; text for a non-text setting is parsed like the environment's)."""
    values: dict[str, Any] = {}
    names = {spec.name for spec in dataclasses.fields(defaults)}
    for name in sorted(names):
        raw = environ.get(prefix + name.upper())
        if raw is not None:
            values[name] = parse_setting(getattr(defaults, name), raw, prefix + name.upper())
    for name, value in (overrides or {}).items():
        if name not in names:
            raise SettingsError(f"there is no setting {name}")
        if value is None:
            continue
        current = getattr(defaults, name)
        text_for_other = isinstance(value, str) and not isinstance(current, str)
        values[name] = parse_setting(current, value, name) if text_for_other else value
    return values
