"""UI text catalogs: gettext .po files in assets/locale/<lang>/LC_MESSAGES/politieloket.po.

A tiny reader so both sides can use the same human-written texts without compiling .mo files.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

DOMAIN = "politieloket"


class CatalogError(ValueError):
    pass


def _unquote(line: str, path: Path, number: int) -> str:
    try:
        value = ast.literal_eval(line)
    except (ValueError, SyntaxError):
        raise CatalogError(f"{path}:{number}: not a quoted string") from None
    if not isinstance(value, str):
        raise CatalogError(f"{path}:{number}: not a quoted string")
    return value


def parse_po(path: Path) -> dict[str, str]:
    """msgid -> msgstr for every translated entry (fuzzy and empty entries are skipped)."""
    entries: dict[str, str] = {}
    msgid: str | None = None
    msgstr: str | None = None
    target = ""
    fuzzy = False

    def flush() -> None:
        if msgid and msgstr and not fuzzy:
            entries[msgid] = msgstr

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("msgid "):
            flush()
            msgid, msgstr, target, fuzzy = _unquote(line[6:], path, number), None, "id", fuzzy
        elif line.startswith("msgstr "):
            msgstr, target = _unquote(line[7:], path, number), "str"
        elif line.startswith('"'):
            if target == "id" and msgid is not None:
                msgid += _unquote(line, path, number)
            elif target == "str" and msgstr is not None:
                msgstr += _unquote(line, path, number)
        elif not line:
            flush()
            msgid, msgstr, target, fuzzy = None, None, "", False
    flush()
    return entries


@dataclass(frozen=True)
class Catalog:
    language: str
    messages: dict[str, str]

    def text(self, key: str, **params: object) -> str:
        template = self.messages.get(key, key)
        try:
            return template.format(**params) if params else template
        except (KeyError, IndexError, ValueError):
            return template

    def has(self, key: str) -> bool:
        return key in self.messages


def catalog_path(locale_dir: Path, language: str) -> Path:
    return locale_dir / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def load_catalog(locale_dir: Path, language: str) -> Catalog:
    path = catalog_path(locale_dir, language)
    if not path.exists():
        raise CatalogError(f"no catalog for language {language!r} at {path}")
    return Catalog(language, parse_po(path))
