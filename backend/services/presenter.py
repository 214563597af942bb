"""A case's answers as an officer reads them: Dutch labels in form order, values written out, translations judged.

Used by the console page (as JSON) and by the PDF export, so both show exactly the same thing.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from backend.services.weeks import LOCAL
from domain.catalog import OFFICER_DOMAIN, Catalog, CatalogError, load_catalog
from domain.forms import Field, FieldType, FormSchema
from domain.languages import UnknownLanguage, language
from domain.payload import Translation

YES, NO = "Ja", "Nee"
# Translation.reason codes (domain.translation_reasons, and "not_translated" from the kiosk flow) in Dutch.
REASONS_NL = {
    "no_model": "geen vertaalmodel voor deze taal",
    "empty_output": "het model gaf geen tekst terug",
    "repetition_loop": "de vertaling herhaalt zichzelf: het model liep vast",
    "too_long": "de vertaling is veel langer dan het origineel",
    "echoed_input": "het model gaf de tekst onvertaald terug",
    "failed": "het vertalen is mislukt",
    "not_translated": "niet vertaald op de kiosk",
}
ADDRESS_ORDER = ("street", "number", "postcode", "city")


@dataclass(frozen=True)
class TranslationView:
    original: str
    source_language: str
    source_language_name: str
    direction: str  # "rtl" for Arabic and Persian originals
    dutch: str | None
    machine_translated: bool
    models: list[str]  # "package version (from → to)" per hop
    pivot: str | None
    low_confidence: bool
    reason: str | None
    reason_text: str | None

    @property
    def missing(self) -> bool:
        return self.dutch is None


@dataclass(frozen=True)
class Row:
    field_id: str
    label: str
    value: str
    translation: dict[str, Any] | None = None
    items: list[list[Row]] = field(default_factory=list)
    note: str | None = None  # e.g. a name not in Latin letters: check the spelling against the ID document


NOT_LATIN_NOTE = "Niet in Latijnse letters geschreven: neem de schrijfwijze over van het identiteitsbewijs."


def not_in_latin_letters(text: str) -> bool:
    """Whether a name or plate holds letters of another script (Arabic, Cyrillic...) that an ID check cannot match."""
    return any(ch.isalpha() and not unicodedata.name(ch, "").startswith("LATIN") for ch in text)


@dataclass(frozen=True)
class Section:
    step: str
    title: str
    rows: list[Row]


@functools.lru_cache(maxsize=4)
def dutch_catalog(assets_dir: Path) -> Catalog:
    """The Dutch texts an officer reads: the kiosk's Dutch catalog (service names, choices) with the form labels
    written for officers (officer.po: "Pleegplaats", not "Waar gebeurde het?") over it. Without a catalog every
    label falls back to its key, which is still readable."""
    try:
        resident = load_catalog(assets_dir / "locale", "nl")
    except CatalogError:
        return Catalog("nl", {})
    try:
        officer = load_catalog(assets_dir / "locale", "nl", OFFICER_DOMAIN)
    except CatalogError:
        return resident
    return Catalog("nl", {**resident.messages, **officer.messages}, resident.plurals, resident.plural_rule)


def language_name(code: str) -> str:
    try:
        return language(code).dutch_name
    except UnknownLanguage:
        return code


def direction(code: str) -> str:
    try:
        return language(code).direction.value
    except UnknownLanguage:
        return "ltr"


def format_moment(text: str) -> str:
    try:
        return datetime.fromisoformat(text).astimezone(LOCAL).strftime("%d-%m-%Y %H:%M")
    except ValueError:
        return text


CLOCK_NOTES = {"ahead": "kioskklok liep voor", "behind": "kioskklok liep achter"}


def case_time(created_at: datetime, kiosk_created_at: datetime | None, clock_flag: str | None) -> str:
    """When the case was filled in; with a wrong kiosk clock, the time the kiosk gave beside it, flagged."""
    shown = format_moment(created_at.isoformat())
    if clock_flag and kiosk_created_at is not None:
        note = CLOCK_NOTES.get(clock_flag, "kioskklok wijkt af")
        return f"{shown} ({note}; kiosk gaf {format_moment(kiosk_created_at.isoformat())})"
    return shown


def format_date(text: str) -> str:
    try:
        return date.fromisoformat(text).strftime("%d-%m-%Y")
    except ValueError:
        return text


def format_window(value: Any) -> str:
    if not isinstance(value, dict):
        return str(value)
    start, end = format_moment(str(value.get("start", ""))), format_moment(str(value.get("end", "")))
    if not value.get("end") or end == start:  # one moment, not "08:00 – 08:00"
        return start
    if start[:10] == end[:10]:
        return f"{start} – {end[11:]}"
    return f"{start} – {end}"


def format_address(value: Any) -> str:
    if not isinstance(value, dict):
        return str(value)
    street = " ".join(str(value[k]) for k in ("street", "number") if value.get(k))
    place = " ".join(str(value[k]) for k in ("postcode", "city") if value.get(k))
    return ", ".join(part for part in (street, place) if part)


def format_amount(cents: Any) -> str:
    if not isinstance(cents, int):
        return str(cents)
    euros, rest = divmod(cents, 100)
    return f"€ {euros:,}".replace(",", ".") + f",{rest:02d}"


def format_value(spec: Field, value: Any, catalog: Catalog) -> str:
    if value is None or value == "":
        return "—"
    kind = spec.type
    if kind in (FieldType.BOOLEAN, FieldType.CONSENT):
        return YES if value else NO
    if kind is FieldType.CHOICE:
        return catalog.text(spec.choice_key(str(value)))
    if kind is FieldType.AMOUNT:
        return format_amount(value)
    if kind is FieldType.ADDRESS:
        return format_address(value)
    if kind is FieldType.DATETIME_WINDOW:
        return format_window(value)
    if kind is FieldType.DATE:
        return format_date(str(value))
    return str(value)


def translation_view(translation: Translation) -> TranslationView:
    return TranslationView(
        original=translation.original,
        source_language=translation.source_language,
        source_language_name=language_name(translation.source_language),
        direction=direction(translation.source_language),
        dutch=translation.dutch,
        machine_translated=translation.machine_translated,
        models=[f"{hop.package} {hop.version} ({hop.source} > {hop.target})" for hop in translation.hops],
        pivot=translation.pivot,
        low_confidence=translation.low_confidence,
        reason=translation.reason,
        reason_text=REASONS_NL.get(translation.reason, translation.reason) if translation.reason else None,
    )


def _translation_json(view: TranslationView) -> dict[str, Any]:
    return {**asdict(view), "missing": view.missing}


def _row(spec: Field, value: Any, translation: Translation | None, case_language: str, catalog: Catalog) -> Row:
    label = catalog.text(spec.label_key)
    if spec.type is FieldType.ITEMS and isinstance(value, list):
        items = [
            [_row(sub, item.get(sub.id), None, case_language, catalog) for sub in spec.fields if item.get(sub.id)]
            for item in value
            if isinstance(item, dict)
        ]
        return Row(spec.id, label, f"{len(items)}×", items=items)
    if translation is None and spec.translate and case_language != "nl" and isinstance(value, str) and value:
        # The kiosk sent no translation at all for a text that needed one: the officer gets the original only.
        translation = Translation(original=value, source_language=case_language, dutch=None, reason="not_translated")
    if translation is not None:
        view = translation_view(translation)
        return Row(spec.id, label, view.dutch or view.original, translation=_translation_json(view))
    note = NOT_LATIN_NOTE if spec.latin and isinstance(value, str) and not_in_latin_letters(value) else None
    return Row(spec.id, label, format_value(spec, value, catalog), note=note)


def present(
    schema: FormSchema,
    answers: dict[str, Any],
    translations: dict[str, Translation],
    case_language: str,
    catalog: Catalog,
) -> list[Section]:
    """The answers in form order under Dutch step titles; fields left empty are left out."""
    sections = []
    for step in schema.steps:
        rows = [
            _row(spec, answers.get(spec.id), translations.get(spec.id), case_language, catalog)
            for spec in step.fields
            if answers.get(spec.id) not in (None, "", [], {})
        ]
        if rows:
            sections.append(Section(step.id, catalog.text(step.title_key), rows))
    known = {spec.id for spec in schema.all_fields()}
    extra = [Row(key, key, str(value)) for key, value in sorted(answers.items()) if key not in known]
    if extra:
        sections.append(Section("other", "Overige antwoorden", extra))
    return sections


def sections_json(sections: list[Section]) -> list[dict[str, Any]]:
    return [asdict(section) for section in sections]
