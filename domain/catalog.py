"""UI text catalogs: gettext .po files in assets/locale/<lang>/LC_MESSAGES/politieloket.po, read with polib.

Both sides use the same human-written texts without compiling .mo files. Entries with a context are keyed as
gettext keys them ("context\x04msgid"); plural entries keep every form and their Plural-Forms rule.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polib

DOMAIN = "politieloket"
CONTEXT_SEPARATOR = "\x04"  # gettext's own separator between msgctxt and msgid


class CatalogError(ValueError):
    pass


@dataclass(frozen=True)
class PoFile:
    """What a .po file says: singular texts, plural texts (every form) and the rule that picks a form."""

    messages: dict[str, str]
    plurals: dict[str, tuple[str, ...]]
    plural_rule: Callable[[int], int]


def _key(entry: polib.POEntry) -> str:
    return f"{entry.msgctxt}{CONTEXT_SEPARATOR}{entry.msgid}" if entry.msgctxt else entry.msgid


def read_po(path: Path) -> PoFile:
    """Every translated entry (fuzzy, obsolete and empty ones are left out); a malformed file is an error."""
    try:
        text = path.read_text(encoding="utf-8")
        po = polib.pofile(text, encoding="utf-8")
    except (OSError, ValueError, UnicodeDecodeError) as error:
        raise CatalogError(f"{path}: {error}") from None
    _check_quotes(path, text)
    messages: dict[str, str] = {}
    plurals: dict[str, tuple[str, ...]] = {}
    for entry in po.translated_entries():
        if entry.msgid_plural:
            forms = tuple(text for _index, text in sorted(entry.msgstr_plural.items()))
            plurals[_key(entry)] = forms
            messages[_key(entry)] = forms[0]
        else:
            messages[_key(entry)] = entry.msgstr
    return PoFile(messages, plurals, _plural_rule(po.metadata.get("Plural-Forms", ""), path))


def _check_quotes(path: Path, text: str) -> None:
    """polib reads a string whose closing quote is missing as if it had one; a translator's typo must not
    become a silently garbled text on a resident's screen."""
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if line and not line.startswith("#") and not (line.endswith('"') and len(line) > 1 and '"' in line[:-1]):
            raise CatalogError(f"{path}:{number}: a string without its closing quote")


def _plural_rule(header: str, path: Path) -> Callable[[int], int]:
    """The Plural-Forms expression as a function, compiled by the standard library's gettext."""
    for part in header.split(";"):
        name, _, expression = part.strip().partition("=")
        if name.strip() == "plural" and expression.strip():
            try:
                return gettext.c2py(expression.strip())
            except ValueError:
                raise CatalogError(f"{path}: Plural-Forms is not a valid expression") from None
    return lambda n: int(n != 1)  # gettext's default: the Germanic rule


def parse_po(path: Path) -> dict[str, str]:
    """msgid -> msgstr for every translated entry."""
    return read_po(path).messages


@dataclass(frozen=True)
class Catalog:
    language: str
    messages: dict[str, str]
    plurals: dict[str, tuple[str, ...]] = field(default_factory=dict)
    plural_rule: Callable[[int], int] = lambda n: int(n != 1)

    def text(self, key: str, **params: object) -> str:
        return _fill(self.messages.get(key, key), params)

    def text_in(self, context: str, key: str, **params: object) -> str:
        """The text of `key` given with msgctxt `context` (the same msgid may read differently elsewhere)."""
        return _fill(self.messages.get(f"{context}{CONTEXT_SEPARATOR}{key}", key), params)

    def plural(self, key: str, count: int, **params: object) -> str:
        """The form of `key` this language uses for `count` ({count} is filled in too)."""
        forms = self.plurals.get(key)
        if not forms:
            return _fill(self.messages.get(key, key), {"count": count, **params})
        index = self.plural_rule(count)
        return _fill(forms[index] if 0 <= index < len(forms) else forms[-1], {"count": count, **params})

    def has(self, key: str) -> bool:
        return key in self.messages


OFFICER_DOMAIN = "officer"  # Dutch only: form labels as officers read a case (assets/locale/nl/LC_MESSAGES/officer.po)


def catalog_path(locale_dir: Path, language: str, domain: str = DOMAIN) -> Path:
    return locale_dir / language / "LC_MESSAGES" / f"{domain}.po"


def load_catalog(locale_dir: Path, language: str, domain: str = DOMAIN) -> Catalog:
    path = catalog_path(locale_dir, language, domain)
    if not path.exists():
        raise CatalogError(f"no catalog for language {language!r} at {path}")
    po = read_po(path)
    return Catalog(language, po.messages, po.plurals, po.plural_rule)


def _fill(template: str, params: dict[str, object]) -> str:
    try:
        return template.format(**params) if params else template
    except (KeyError, IndexError, ValueError):
        return template
