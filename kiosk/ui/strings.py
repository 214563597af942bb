"""The screens' words: human-written gettext catalogs per language, with a visible fallback for gaps.

A key missing from the resident's catalog falls back to English, then Dutch, then to the key itself; every gap
is remembered in `missing` so a test (and the technician's log, which holds keys only) can show it.
"""

from __future__ import annotations

import logging
from pathlib import Path

from domain.catalog import Catalog, CatalogError, load_catalog
from domain.languages import DUTCH, PIVOT
from kiosk.text import Fonts

log = logging.getLogger(__name__)


class UiText:
    def __init__(self, locale_dir: Path, fonts: Fonts) -> None:
        self._locale_dir = locale_dir
        self._catalogs: dict[str, Catalog] = {}
        self.fonts = fonts
        self.missing: set[tuple[str, str]] = set()

    def catalog(self, language: str) -> Catalog:
        if language not in self._catalogs:
            try:
                self._catalogs[language] = load_catalog(self._locale_dir, language)
            except CatalogError:
                log.warning("no UI catalog for language %s", language)
                self._catalogs[language] = Catalog(language, {})
        return self._catalogs[language]

    def has(self, key: str, language: str) -> bool:
        return self.catalog(language).has(key)

    def text(self, key: str, language: str, **params: object) -> str:
        """Logical (unshaped) text: what speech gets and what a label shapes for display."""
        for candidate in (language, PIVOT, DUTCH):
            catalog = self.catalog(candidate)
            if catalog.has(key):
                if candidate != language:
                    self._note_missing(key, language)
                return catalog.text(key, **params)
        self._note_missing(key, language)
        return key

    def language_of_text(self, key: str, language: str) -> str:
        """The language `text(key, language)` actually comes out in, so the label picks the right font."""
        for candidate in (language, PIVOT, DUTCH):
            if self.catalog(candidate).has(key):
                return candidate
        return PIVOT

    def font(self, language: str, bold: bool = False) -> str:
        return str(self.fonts.font_for(language, bold))

    def _note_missing(self, key: str, language: str) -> None:
        if (key, language) not in self.missing:
            self.missing.add((key, language))
            log.warning("catalog %s lacks %s", language, key)
