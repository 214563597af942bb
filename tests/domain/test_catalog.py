"""The gettext reader both sides use (polib): what the old hand-written reader dropped or garbled now works."""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.catalog import Catalog, CatalogError, load_catalog

PO = r'''msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"
"Plural-Forms: nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);\n"

#. A key split over lines, with an escaped quote
msgid "receipt."
"reference"
msgstr "Numer \"{ref}\""

msgctxt "button"
msgid "call.start"
msgstr "Zadzwoń"

msgctxt "title"
msgid "call.start"
msgstr "Rozmowa z policjantem"

msgid "queue.waiting"
msgid_plural "queue.waiting"
msgstr[0] "{count} osoba czeka"
msgstr[1] "{count} osoby czekają"
msgstr[2] "{count} osób czeka"

#, fuzzy
msgid "idle.extend"
msgstr "Nie wiem"

msgid "untranslated"
msgstr ""
'''


def catalog_from(tmp_path: Path, text: str, language: str = "pl") -> Catalog:
    path = tmp_path / language / "LC_MESSAGES" / "politieloket.po"
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    return load_catalog(tmp_path, language)


def test_plurals_contexts_continuations_and_escapes(tmp_path: Path) -> None:
    catalog = catalog_from(tmp_path, PO)
    assert catalog.text("receipt.reference", ref="73U-CP3") == 'Numer "73U-CP3"'
    assert catalog.text_in("button", "call.start") == "Zadzwoń"
    assert catalog.text_in("title", "call.start") == "Rozmowa z policjantem"
    assert [catalog.plural("queue.waiting", n) for n in (1, 3, 5, 22, 112)] == [
        "1 osoba czeka", "3 osoby czekają", "5 osób czeka", "22 osoby czekają", "112 osób czeka",
    ]


def test_fuzzy_and_empty_entries_fall_back_to_the_key(tmp_path: Path) -> None:
    catalog = catalog_from(tmp_path, PO)
    assert not catalog.has("idle.extend") and not catalog.has("untranslated")
    assert catalog.text("idle.extend") == "idle.extend"


BROKEN = [
    'msgid "a"\nmsgstr "b',  # the closing quote forgotten
    'msgid "a"\nmsgstr "b"\n"and more\n',  # the same on a continuation line
    'msgid "a"\nmsgstr[0] "x"\nnonsense here\n',
]


@pytest.mark.parametrize("broken", BROKEN)
def test_a_malformed_catalog_is_a_clear_error(tmp_path: Path, broken: str) -> None:
    with pytest.raises(CatalogError, match=r"politieloket\.po"):
        catalog_from(tmp_path, broken)
