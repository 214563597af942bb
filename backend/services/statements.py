"""The statement a resident signs, composed from their stored case: each answer's question and value in Dutch (as
the officer reads it) and in the resident's language (their own words as typed, questions and choices from the
kiosk's catalog), machine translation marked, then the declaration (domain/statement.py).

Consent steps are left out: what they ask is what the declaration says. The officer's corrections and additions
come after the answers, in Dutch as typed (cleaned like any stored one-line text); the kiosk translates them.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from backend.services.errors import Invalid
from backend.services.presenter import dutch_catalog, format_value
from domain.catalog import Catalog, CatalogError, load_catalog
from domain.forms import Field, FieldType, FormSchema
from domain.payload import Translation
from domain.plain_text import UnclearText, clean
from domain.statement import MAX_ADDITION_CHARS, MAX_ADDITIONS, Addition, Statement, StatementLine

DECLARATION_KEY = "statement.declaration"
DECLARATION_NL = (
    "Ik verklaar dat ik dit naar waarheid heb verteld. Ik weet dat een valse aangifte strafbaar is. "
    "Ik heb deze verklaring gelezen (of laten voorlezen) en onderteken haar."
)
EMPTY: tuple[Any, ...] = (None, "", [], {})


def additions_of(texts: Sequence[str]) -> tuple[Addition, ...]:
    """The officer's additions as the statement holds them: each stripped and in its stored one-line form, the
    resident's language left to the kiosk. Invalid ("additions") for too many, an empty or too long one, or one
    with characters that cannot be stored; the message never quotes the text."""
    if len(texts) > MAX_ADDITIONS:
        raise Invalid("additions", f"at most {MAX_ADDITIONS} additions")
    additions = []
    for number, text in enumerate(texts, start=1):
        try:
            cleaned = clean(text, multiline=False)
        except UnclearText:
            raise Invalid("additions", f"addition {number} holds characters that cannot be stored") from None
        if not cleaned or len(cleaned) > MAX_ADDITION_CHARS:
            raise Invalid("additions", f"addition {number} must have 1 to {MAX_ADDITION_CHARS} characters")
        additions.append(Addition(text_nl=cleaned))
    return tuple(additions)


class StatementComposer:
    def __init__(self, assets_dir: Path) -> None:
        self._locale_dir = assets_dir / "locale"
        self._dutch = dutch_catalog(assets_dir)
        self._catalogs: dict[str, Catalog] = {}

    def compose(
        self,
        schema: FormSchema,
        answers: dict[str, Any],
        translations: dict[str, Translation],
        language: str,
        case_id: uuid.UUID,
        reference: str,
        additions: tuple[Addition, ...] = (),
    ) -> Statement:
        resident = self._catalog(language)
        lines: list[StatementLine] = []
        for step in schema.steps:
            if step.id.startswith("consent"):
                continue
            for spec in step.fields:
                value = answers.get(spec.id)
                if value in EMPTY:
                    continue
                if spec.type is FieldType.ITEMS and isinstance(value, list):
                    lines += self._items(spec, value, resident)
                else:
                    lines.append(self._line(spec, value, translations.get(spec.id), resident))
        return Statement(
            statement_id=str(uuid.uuid4()),
            case_id=str(case_id),
            reference=reference,
            language=language,
            lines=tuple(lines),
            declaration_nl=DECLARATION_NL,
            declaration=self._text(resident, DECLARATION_KEY, DECLARATION_NL),
            additions=additions,
        )

    def _items(self, spec: Field, items: list[Any], resident: Catalog) -> list[StatementLine]:
        lines = []
        for number, item in enumerate((i for i in items if isinstance(i, dict)), start=1):
            for sub in spec.fields:
                if item.get(sub.id) in EMPTY:
                    continue
                line = self._line(sub, item[sub.id], None, resident)
                lines.append(StatementLine(
                    f"{self._dutch.text(spec.label_key)} {number}: {line.label_nl}", line.value_nl,
                    f"{self._text(resident, spec.label_key, spec.label_key)} {number}: {line.label}", line.value,
                ))  # fmt: skip
        return lines

    def _line(self, spec: Field, value: Any, translation: Translation | None, resident: Catalog) -> StatementLine:
        label_nl = self._dutch.text(spec.label_key)
        label = self._text(resident, spec.label_key, label_nl)
        if translation is not None:  # the resident's own words, and the Dutch the officer reads
            dutch = translation.dutch or "(geen vertaling: alleen de originele tekst)"
            return StatementLine(label_nl, dutch, label, translation.original, translation.machine_translated)
        dutch_value = format_value(spec, value, self._dutch)
        if spec.type in (FieldType.BOOLEAN, FieldType.CONSENT):
            shown = self._text(resident, "nav.yes" if value else "nav.no", dutch_value)
        elif spec.type is FieldType.CHOICE:
            shown = self._text(resident, spec.choice_key(str(value)), dutch_value)
        else:
            shown = format_value(spec, value, resident)
        return StatementLine(label_nl, dutch_value, label, shown)

    def _catalog(self, language: str) -> Catalog:
        if language not in self._catalogs:
            try:
                self._catalogs[language] = load_catalog(self._locale_dir, language)
            except CatalogError:
                self._catalogs[language] = self._dutch
        return self._catalogs[language]

    @staticmethod
    def _text(catalog: Catalog, key: str, fallback: str) -> str:
        """The catalog's text, or `fallback` where it has none (a key is never shown to the resident)."""
        text = catalog.text(key)
        return fallback if text == key else text
