"""The officer's Dutch view of a case: labels, written-out values, translations judged."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest

from backend.services.presenter import (
    NOT_LATIN_NOTE,
    Row,
    Section,
    dutch_catalog,
    format_amount,
    format_window,
    present,
)
from domain.catalog import OFFICER_DOMAIN, Catalog, load_catalog
from domain.forms import FormCatalog, default_assets_dir
from domain.payload import Translation, TranslationHop
from domain.validation import validate
from tools.samples import ANSWERS

FORMS = FormCatalog.load(default_assets_dir() / "forms")
CATALOG = Catalog("nl", {
    "field.bike_brand": "Merk",
    "choice.bike_type.city": "Stadsfiets",
    "step.bike": "De fiets",
    "field.consent_claim_damages": "Schade verhalen",
})


def answers(case_type: str) -> dict[str, Any]:
    result = validate(FORMS.get(case_type), ANSWERS[case_type], now=datetime(2026, 11, 25, tzinfo=UTC))
    assert result.ok
    return result.values


def rows(sections: list[Section]) -> dict[str, Row]:
    return {row.field_id: row for section in sections for row in section.rows}


def test_labels_in_dutch_with_the_key_as_fallback() -> None:
    sections = present(FORMS.get("bike_theft"), answers("bike_theft"), {}, "nl", CATALOG)
    assert sections[0].step == "bike" and sections[0].title == "De fiets"
    found = rows(sections)
    assert found["bike_brand"].label == "Merk"
    assert found["bike_type"].value == "Stadsfiets"
    assert found["bike_colour"].value == "choice.bike_colour.blue"  # no text in the catalog yet: the key shows
    assert found["consent_claim_damages"].value == "Nee"
    assert found["value"].value == "€ 450,00"
    assert found["home_address"].value == "Kerkstraat 12a, 7811 AB Emmen"
    assert found["when"].value == "20-11-2026 08:00 – 17:30"
    assert found["birth_date"].value == "14-03-1987"
    assert found["description"].translation is None  # a Dutch case needs no translation


def test_items_are_listed_one_by_one() -> None:
    found = rows(present(FORMS.get("theft"), answers("theft"), {}, "nl", CATALOG))
    items = found["stolen_items"].items
    assert [[row.value for row in item] for item in items] == [
        ["choice.item_kind.phone", "Samsung", "356938035643809", "€ 299,00"],
        ["choice.item_kind.wallet", "€ 20,00"],
    ]


def test_a_translation_shows_the_dutch_text_the_original_and_the_models() -> None:
    values = answers("theft")
    values["description"] = "أخذ شخص ما حقيبتي"
    translation = Translation(
        original=values["description"], source_language="ar", dutch="Iemand nam mijn tas",
        hops=(
            TranslationHop("translate-ar_en", "1.0", "ar", "en"), TranslationHop("translate-en_nl", "1.9", "en", "nl")
        ),
        pivot="en", low_confidence=True, reason="repetition_loop",
    )
    found = rows(present(FORMS.get("theft"), values, {"description": translation}, "ar", CATALOG))
    row = found["description"]
    assert row.value == "Iemand nam mijn tas"
    assert row.translation is not None
    assert row.translation["original"] == "أخذ شخص ما حقيبتي"
    assert row.translation["direction"] == "rtl"
    assert row.translation["source_language_name"] == "Arabisch"
    assert row.translation["models"] == ["translate-ar_en 1.0 (ar > en)", "translate-en_nl 1.9 (en > nl)"]
    assert row.translation["pivot"] == "en"
    assert row.translation["low_confidence"] is True
    assert row.translation["missing"] is False
    assert row.translation["reason_text"] == "de vertaling herhaalt zichzelf: het model liep vast"


def test_a_text_that_needed_translation_but_has_none_is_flagged() -> None:
    found = rows(present(FORMS.get("theft"), answers("theft"), {}, "pl", CATALOG))
    row = found["where_details"]
    assert row.value == "by the bicycle shed"
    assert row.translation is not None and row.translation["missing"] is True
    assert row.translation["reason"] == "not_translated"


def test_answers_outside_the_form_are_still_shown() -> None:
    values = {**answers("vandalism"), "unexpected": "x"}
    sections = present(FORMS.get("vandalism"), values, {}, "nl", CATALOG)
    assert sections[-1].rows == [Row("unexpected", "unexpected", "x")]


@pytest.mark.parametrize(("cents", "text"), [(0, "€ 0,00"), (5, "€ 0,05"), (125000, "€ 1.250,00")])
def test_amounts(cents: int, text: str) -> None:
    assert format_amount(cents) == text


def test_a_window_over_two_days() -> None:
    window = {"start": "2026-11-20T22:00:00+01:00", "end": "2026-11-21T07:00:00+01:00"}
    assert format_window(window) == "20-11-2026 22:00 – 21-11-2026 07:00"


def test_a_single_moment_shows_as_one_time() -> None:
    moment = "2026-11-20T08:00:00+01:00"
    assert format_window({"start": moment, "end": moment}) == "20-11-2026 08:00"
    assert format_window({"start": moment}) == "20-11-2026 08:00"


def test_every_label_an_officer_reads_is_written_for_an_officer() -> None:
    """Every step and field of every form has an officer's label (officer.po) over the resident's question:
    "Pleegplaats", not "Waar gebeurde het?"; nothing addresses the resident."""
    officer = load_catalog(default_assets_dir() / "locale", "nl", OFFICER_DOMAIN)
    shown = dutch_catalog(default_assets_dir())
    for schema in FORMS:
        fields = [*schema.all_fields(), *(sub for f in schema.all_fields() for sub in f.fields)]
        for key in [step.title_key for step in schema.steps] + [f.label_key for f in fields]:
            assert officer.has(key), key
            label = shown.text(key)
            assert label == officer.text(key) and not label.endswith("?"), (key, label)
            assert not re.search(r"\b(u|uw|U|Uw|ik|mij)\b", label), (key, label)
    sections = present(FORMS.get("bike_theft"), answers("bike_theft"), {}, "nl", shown)
    assert [s.title for s in sections][:2] == ["Fiets", "Pleegtijd en pleegplaats"]
    assert rows(sections)["where"].label == "Pleegplaats"


@pytest.mark.parametrize("name, note", [("محمد", True), ("Олена", True), ("Zwanenburg-Oukili", False),
                                        ("Ağaoğlu", False), ("Łukasz", False)])  # fmt: skip
def test_a_name_not_in_latin_letters_gets_a_note_to_check_the_id(name: str, note: bool) -> None:
    values = {**answers("nuisance_tip"), "tip_name": name}
    found = rows(present(FORMS.get("nuisance_tip"), values, {}, "nl", CATALOG))
    assert (found["tip_name"].note == NOT_LATIN_NOTE) == note
    assert found["description"].note is None  # only names and plates, which an ID document settles
