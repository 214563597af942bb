"""The UI text catalogs in assets/locale: complete, consistent with the forms and the code, and drawable.

Keys the screens need are derived from the form schemas, the validation code, the flow and the keyboard layouts,
so a new field, choice, error code, triage choice or special key without text makes this test fail.
"""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import polib
import pytest

from domain.catalog import OFFICER_DOMAIN, Catalog, catalog_path, load_catalog, parse_po
from domain.forms import CaseKind, Field, FormCatalog, default_assets_dir
from domain.languages import LANGUAGES
from kiosk.keyboard import Keyboards, KeyKind
from kiosk.session.flow import Triage
from kiosk.text import coverage, default_fonts, shape

ASSETS = default_assets_dir()
LOCALE = ASSETS / "locale"
TEMPLATE = LOCALE / "politieloket.pot"
VALIDATION_SOURCE = Path(__file__).resolve().parents[2] / "domain" / "validation.py"
CODES = [lang.code for lang in LANGUAGES]


# ----- what the template and the code say ----------------------------------------------------------------------
def template_entries(path: Path = TEMPLATE) -> dict[str, str]:
    """msgid -> the English reference text in the "#." comment above it."""
    return {entry.msgid: entry.comment for entry in polib.pofile(str(path), encoding="utf-8")}


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def raised_error_codes(source: Path = VALIDATION_SOURCE) -> dict[str, set[str]]:
    """Every error code domain/validation.py can produce, with the parameter names it passes along."""
    codes: dict[str, set[str]] = {}
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            continue
        if node.func.id not in {"Invalid", "FieldError"} or not node.args:
            continue
        first = node.args[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            params = {kw.arg for kw in node.keywords if kw.arg}
            if len(node.args) > 1 and isinstance(node.args[1], ast.Dict):
                params |= {k.value for k in node.args[1].keys if isinstance(k, ast.Constant)}
            codes.setdefault(first.value, set()).update(params)
    return codes


# The forms a resident sees; a transcript is filled in by the kiosk and read by officers only (officer.po).
RESIDENT_KINDS = frozenset(CaseKind) - {CaseKind.TRANSCRIPT, CaseKind.SIGNATURE}


def _fields_with_subfields(fields: tuple[Field, ...]) -> list[Field]:
    return [spec for f in fields for spec in (f, *_fields_with_subfields(f.fields))]


def keys_the_forms_need(forms: FormCatalog, kinds: frozenset[CaseKind] = RESIDENT_KINDS) -> set[str]:
    keys: set[str] = set()
    for schema in (s for s in forms if s.kind in kinds):
        keys |= {schema.title_key, schema.description_key}
        for step in schema.steps:
            keys.add(step.title_key)
            for spec in _fields_with_subfields(step.fields):
                keys |= {spec.label_key, spec.hint_key, *(spec.choice_key(value) for value in spec.choices)}
    return keys


def keys_the_code_needs() -> set[str]:
    keyboards = Keyboards.load(ASSETS / "keyboards")
    special = {
        key.label_key for name in keyboards.names() for page in keyboards.get(name).pages.values()
        for row in page.rows for key in row if key.kind is not KeyKind.CHAR
    }
    return (
        {f"error.{code}" for code in raised_error_codes()}
        | {f"triage.{choice.value}.{part}" for choice in Triage for part in ("title", "text")}
        | {f"kind.{kind}" for kind in ("aangifte", "melding")}
        | {f"receipt.next.{kind}" for kind in ("aangifte", "melding")}
        | {f"month.{number}" for number in range(1, 13)}
        | {f"rating.{faces}" for faces in range(1, 6)}
        | {f"address.{part}" for part in ("street", "number", "postcode", "city")}
        | {str(key) for key in special if key}
    )


# ----- checks, kept separate so the self-tests below can show they fail ---------------------------------------
def missing_keys(messages: dict[str, str], wanted: set[str]) -> set[str]:
    return {key for key in wanted if not messages.get(key, "").strip()}


def placeholder_mismatches(messages: dict[str, str], template: dict[str, str]) -> dict[str, tuple[set, set]]:
    return {
        key: (placeholders(text), placeholders(template[key]))
        for key, text in messages.items()
        if key in template and placeholders(text) != placeholders(template[key])
    }


def undrawable(messages: dict[str, str], language: str, glyphs: frozenset[int]) -> dict[str, set[str]]:
    """Characters of each message, as a Label gets them (placeholders out, Arabic shaped), the font lacks."""
    problems = {}
    for key, text in messages.items():
        drawn = shape(re.sub(r"\{[a-z_]+\}", "", text), language).replace("\n", "")
        lacking = {ch for ch in drawn if ord(ch) not in glyphs}
        if lacking:
            problems[key] = lacking
    return problems


@pytest.fixture(scope="module")
def template() -> dict[str, str]:
    return template_entries()


@pytest.fixture(scope="module", params=CODES)
def catalog(request: pytest.FixtureRequest) -> Catalog:
    return load_catalog(LOCALE, request.param)


# ----- the catalogs ---------------------------------------------------------------------------------------------
def test_the_officers_catalog_labels_every_field_of_a_transcript() -> None:
    forms = FormCatalog.load(ASSETS / "forms")
    officer = load_catalog(ASSETS / "locale", "nl", OFFICER_DOMAIN).messages
    needed = keys_the_forms_need(forms, frozenset({CaseKind.TRANSCRIPT, CaseKind.SIGNATURE})) - {
        "service.call_transcript.description", "service.signed_statement.description"}
    assert {key for key in needed if not key.endswith(".hint")} - set(officer) == set()


def test_template_lists_every_key_the_forms_and_code_use(template: dict[str, str]) -> None:
    forms = FormCatalog.load(ASSETS / "forms")
    assert missing_keys(template, keys_the_forms_need(forms)) == set()
    assert missing_keys(template, keys_the_code_needs()) == set()
    assert all(template.values()), "every template entry carries its English text"


def test_every_language_has_a_catalog() -> None:
    for code in CODES:
        assert catalog_path(LOCALE, code).is_file(), code


def test_catalog_has_every_key_of_the_template_and_no_others(catalog: Catalog, template: dict[str, str]) -> None:
    assert missing_keys(catalog.messages, set(template)) == set()
    assert set(catalog.messages) - set(template) == set(), "keys not in the template (typo, or update the .pot)"


def test_placeholders_match_the_template(catalog: Catalog, template: dict[str, str]) -> None:
    assert placeholder_mismatches(catalog.messages, template) == {}
    for key, reference in template.items():
        names = placeholders(reference)
        if names:
            filled = catalog.text(key, **{name: "7" for name in names})
            assert "{" not in filled and "7" in filled, (catalog.language, key)


def test_error_placeholders_are_parameters_the_code_passes(template: dict[str, str]) -> None:
    for code, params in raised_error_codes().items():
        assert placeholders(template[f"error.{code}"]) <= params, code


def test_every_string_can_be_drawn_by_the_font_of_its_language(catalog: Catalog) -> None:
    fonts = default_fonts()
    for bold in (False, True):
        glyphs = coverage(fonts.font_for(catalog.language, bold))
        assert undrawable(catalog.messages, catalog.language, glyphs) == {}, (catalog.language, bold)


def test_sentences_stay_short(catalog: Catalog) -> None:
    """B1: short sentences. Counted in words, so only for languages that put spaces between words."""
    for key, text in catalog.messages.items():
        for sentence in re.split(r"[.?!؟:]\s", text):
            assert len(sentence.split()) <= 25, (catalog.language, key, sentence)


def test_persian_uses_persian_letters_and_arabic_uses_arabic_ones() -> None:
    persian = " ".join(load_catalog(LOCALE, "fa").messages.values())
    arabic = " ".join(load_catalog(LOCALE, "ar").messages.values())
    assert not set("يك") & set(persian), "Persian text needs ی and ک, not the Arabic yeh and kaf"
    assert not set("پچژگیک") & set(arabic), "Arabic text has Persian letters"


def test_emergency_numbers_are_the_same_in_every_language() -> None:
    for code in CODES:
        messages = load_catalog(LOCALE, code).messages
        assert "112" in messages["emergency.banner"], code
        assert "0900-8844" in messages["non_urgent.title"], code
        assert "0800-7000" in messages["anonymous.text"], code


# ----- the checks can fail ---------------------------------------------------------------------------------------
def test_checks_catch_a_broken_catalog(tmp_path: Path, template: dict[str, str]) -> None:
    source = catalog_path(LOCALE, "nl").read_text(encoding="utf-8")
    broken = source.replace('msgid "idle.extend"', 'msgid "idle.extnd"')
    broken = re.sub(r'(msgid "receipt.reference"\nmsgstr ")[^"]*', r"\1Uw kenmerk: {ref}", broken)
    path = tmp_path / "broken.po"
    path.write_text(broken, encoding="utf-8")
    messages = parse_po(path)
    assert missing_keys(messages, set(template)) == {"idle.extend"}
    assert "receipt.reference" in placeholder_mismatches(messages, template)
    arabic_font = coverage(default_fonts().font_for("ar"))
    assert undrawable({"x": "Meld Misdaad Anoniem"}, "ar", arabic_font) == {"x": set("MeldisaAnom")}


def test_code_derivation_sees_new_error_codes(tmp_path: Path) -> None:
    source = tmp_path / "validation.py"
    source.write_text('raise Invalid("brand_new", limit=3)\nFieldError("other", {"n": 1})\n', encoding="utf-8")
    assert raised_error_codes(source) == {"brand_new": {"limit"}, "other": {"n"}}
    assert {"too_long", "invalid_iban", "address_incomplete", "too_many_items"} <= set(raised_error_codes())


# Texts that stand side by side as buttons on one screen: two of them may not read the same.
SIDE_BY_SIDE = (
    ("picker.today", "picker.yesterday", "picker.day", "picker.month", "picker.year"),  # the date picker's row
    tuple(f"rating.{faces}" for faces in range(1, 6)),
    tuple(f"triage.{choice}.title" for choice in ("emergency", "non_urgent", "report", "tip", "call")),
)


def same_texts_side_by_side(messages: dict[str, str]) -> list[tuple[str, str]]:
    clashes = []
    for group in SIDE_BY_SIDE:
        seen: dict[str, str] = {}
        for key in group:
            text = messages.get(key, key).strip().casefold()
            if text in seen:
                clashes.append((seen[text], key))
            seen.setdefault(text, key)
    return clashes


def test_buttons_on_one_screen_read_differently(catalog: Catalog) -> None:
    assert same_texts_side_by_side(catalog.messages) == []


def test_side_by_side_check_can_fail() -> None:
    assert same_texts_side_by_side({"picker.today": "اليوم", "picker.day": "اليوم"}) == [("picker.today", "picker.day")]
