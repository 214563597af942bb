"""Languages the kiosk offers, with the names residents recognise and their writing direction."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Direction(StrEnum):
    LTR = "ltr"
    RTL = "rtl"


@dataclass(frozen=True)
class Language:
    code: str
    native_name: str
    dutch_name: str
    direction: Direction
    script: str

    @property
    def is_rtl(self) -> bool:
        return self.direction is Direction.RTL


DUTCH = "nl"
PIVOT = "en"

LANGUAGES: tuple[Language, ...] = (
    Language("nl", "Nederlands", "Nederlands", Direction.LTR, "latin"),
    Language("en", "English", "Engels", Direction.LTR, "latin"),
    Language("ar", "العربية", "Arabisch", Direction.RTL, "arabic"),
    Language("tr", "Türkçe", "Turks", Direction.LTR, "latin"),
    Language("pl", "Polski", "Pools", Direction.LTR, "latin"),
    Language("uk", "Українська", "Oekraïens", Direction.LTR, "cyrillic"),
    Language("de", "Deutsch", "Duits", Direction.LTR, "latin"),
    Language("fr", "Français", "Frans", Direction.LTR, "latin"),
    Language("es", "Español", "Spaans", Direction.LTR, "latin"),
    Language("fa", "فارسی", "Perzisch", Direction.RTL, "persian"),
)

_BY_CODE = {language.code: language for language in LANGUAGES}


class UnknownLanguage(ValueError):
    pass


def language(code: str) -> Language:
    try:
        return _BY_CODE[code]
    except KeyError:
        raise UnknownLanguage(f"unsupported language code: {code!r}") from None


def is_supported(code: str) -> bool:
    return code in _BY_CODE


def codes() -> tuple[str, ...]:
    return tuple(_BY_CODE)
