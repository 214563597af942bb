"""Keyboard layouts from assets/keyboards and the typing model the Kivy keyboard widget renders."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from domain.forms import FieldType, FormCatalog, default_assets_dir
from domain.languages import LANGUAGES
from kiosk.keyboard import (
    ZWNJ,
    Key,
    KeyboardInput,
    KeyboardLayout,
    Keyboards,
    KeyKind,
    LayoutError,
    keyboard_for_field,
    parse_token,
)
from kiosk.text import coverage, default_fonts

KEYBOARDS_DIR = default_assets_dir() / "keyboards"


@pytest.fixture(scope="module")
def keyboards() -> Keyboards:
    return Keyboards.load(KEYBOARDS_DIR)


def key_of(model: KeyboardInput, value: str) -> Key:
    for row in model.rows():
        for key in row:
            if key.kind is KeyKind.CHAR and key.value == value:
                return key
    raise AssertionError(f"no key {value!r} on page {model.page} of {model.layout.name}")


def special(model: KeyboardInput, kind: KeyKind, value: str = "") -> Key:
    for row in model.rows():
        for key in row:
            if key.kind is kind and (not value or key.value == value):
                return key
    raise AssertionError(f"no {kind} key on page {model.page} of {model.layout.name}")


def type_word(model: KeyboardInput, word: str) -> None:
    for ch in word:
        model.press(key_of(model, ch))


def all_pages_characters(layout: KeyboardLayout) -> set[str]:
    return {ch for page in layout.pages.values() for row in page.rows for key in row
            if key.kind is KeyKind.CHAR for ch in key.value}


def test_latin_layout_types_every_letter_of_the_latin_languages(keyboards: Keyboards) -> None:
    on_keys = all_pages_characters(keyboards.get("latin"))
    needed = {
        "tr": "çğıİöşü", "pl": "ąćęłńóśźż", "de": "äöüß", "fr": "éèêàçùôîëï", "es": "ñáéíóú¿¡",
        "nl": "abcdefghijklmnopqrstuvwxyzë",
    }
    for language, letters in needed.items():
        assert set(letters) <= on_keys, (language, set(letters) - on_keys)


def test_ukrainian_letters_are_on_the_cyrillic_layout(keyboards: Keyboards) -> None:
    ukrainian = "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя'"
    assert set(ukrainian) <= all_pages_characters(keyboards.get("cyrillic"))


def test_arabic_and_persian_layouts_have_their_letters(keyboards: Keyboards) -> None:
    arabic = all_pages_characters(keyboards.get("arabic"))
    persian = all_pages_characters(keyboards.get("persian"))
    assert set("ابتثجحخدذرزسشصضطظعغفقكلمنهويءآأإؤئىة") <= arabic
    assert set("پچژگکی") <= persian
    assert set("پچژگ") & arabic == set()
    assert set("۰۱۲۳۴۵۶۷۸۹") <= persian


def test_every_key_can_be_drawn_by_its_layouts_font(keyboards: Keyboards) -> None:
    fonts = default_fonts()
    for name in keyboards.names():
        layout = keyboards.get(name)
        glyphs = coverage(fonts.for_script(layout.script))
        labels = "".join(page.label for page in layout.pages.values()) + layout.label
        missing = {ch for ch in layout.characters() | set(labels) if ord(ch) not in glyphs and ch != ZWNJ}
        assert not missing, (name, missing)


def test_layout_for_field_types(keyboards: Keyboards) -> None:
    assert keyboards.layout_for("nl", FieldType.TEXT).name == "latin"  # type: ignore[union-attr]
    assert keyboards.layout_for("ar", "long_text").name == "arabic"  # type: ignore[union-attr]
    assert keyboards.layout_for("fa", "text").name == "persian"  # type: ignore[union-attr]
    assert keyboards.layout_for("uk", "text").name == "cyrillic"  # type: ignore[union-attr]
    for lang in ("nl", "ar", "fa", "uk"):
        assert keyboards.layout_for(lang, "amount").name == "numeric"  # type: ignore[union-attr]
        assert keyboards.layout_for(lang, "phone").name == "phone"  # type: ignore[union-attr]
        assert keyboards.layout_for(lang, "email").name == "email"  # type: ignore[union-attr]
        for code_type in ("iban", "frame_number", "postcode"):
            assert keyboards.layout_for(lang, code_type).name == "code"  # type: ignore[union-attr]
        assert keyboards.layout_for(lang, "address", "street").name == "latin"  # type: ignore[union-attr]
        assert keyboards.layout_for(lang, "address", "postcode").name == "code"  # type: ignore[union-attr]
    for picker in ("date", "datetime_window", "choice", "boolean", "consent", "items"):
        assert keyboards.layout_for("ar", picker) is None
    with pytest.raises(ValueError):
        keyboards.layout_for("nl", "address")


def test_names_open_the_latin_keys_in_every_language_with_the_own_script_one_switch_away(
    keyboards: Keyboards,
) -> None:
    forms = FormCatalog.load(default_assets_dir() / "forms")
    latin_fields = {f.id for schema in forms for f in schema.all_fields() if f.latin}
    assert {"first_name", "last_name", "tip_name", "licence_plate"} <= latin_fields
    for lang in ("ar", "fa", "uk"):
        model = keyboard_for_field(keyboards, lang, FieldType.TEXT, latin=True)
        assert model is not None and model.layout.name == "latin"
        assert keyboards.switch_target(lang, model.layout) == keyboards.own_layout(lang)  # the switch is still there
        own = keyboard_for_field(keyboards, lang, FieldType.LONG_TEXT)  # the story stays in their own script
        assert own is not None and own.layout == keyboards.own_layout(lang)
    assert keyboards.layout_for("ar", FieldType.PHONE, latin=True).name == "phone"  # type: ignore[union-attr]


def test_every_typed_field_in_the_forms_gets_a_keyboard(keyboards: Keyboards) -> None:
    forms = FormCatalog.load(default_assets_dir() / "forms")
    typed = {FieldType.TEXT, FieldType.LONG_TEXT, FieldType.AMOUNT, FieldType.PHONE, FieldType.EMAIL,
             FieldType.IBAN, FieldType.FRAME_NUMBER, FieldType.URL, FieldType.POSTCODE}
    for schema in forms:
        fields = [*schema.all_fields(), *(sub for f in schema.all_fields() for sub in f.fields)]
        for spec in fields:
            for lang in LANGUAGES:
                layout = (keyboards.layout_for(lang.code, spec.type, "street") if spec.type is FieldType.ADDRESS
                          else keyboards.layout_for(lang.code, spec.type))
                assert (layout is not None) == (spec.type in typed or spec.type is FieldType.ADDRESS), spec.id


def test_typing_with_shift_and_caps_lock(keyboards: Keyboards) -> None:
    model = KeyboardInput(keyboards, keyboards.get("latin"), "nl")
    model.press(special(model, KeyKind.SHIFT))
    type_word(model, "jan")
    assert model.text == "Jan"  # shift is for one letter
    shift = special(model, KeyKind.SHIFT)
    model.press(shift)
    model.press(shift)  # twice: caps lock
    type_word(model, "nl")
    assert model.text == "JanNL"
    model.press(shift)  # off
    type_word(model, "x")
    model.press(special(model, KeyKind.BACKSPACE))
    model.press(special(model, KeyKind.BACKSPACE))
    assert model.text == "JanN"


def test_turkish_capital_i_has_a_dot(keyboards: Keyboards) -> None:
    model = KeyboardInput(keyboards, keyboards.get("latin"), "tr")
    model.press(special(model, KeyKind.SHIFT))
    type_word(model, "i")
    assert model.text == "İ"
    german = KeyboardInput(keyboards, keyboards.get("latin"), "de")
    german.press(special(german, KeyKind.PAGE, "accents"))
    german.press(special(german, KeyKind.SHIFT))
    german.press(key_of(german, "ß"))
    assert german.text == "ß"  # not "SS"


def test_accents_page_and_long_press(keyboards: Keyboards) -> None:
    model = KeyboardInput(keyboards, keyboards.get("latin"), "pl")
    model.press(special(model, KeyKind.SHIFT))
    type_word(model, "mi")
    model.press(special(model, KeyKind.PAGE, "accents"))
    assert model.page == "accents"
    model.press(key_of(model, "ł"))
    model.press(special(model, KeyKind.PAGE, "letters"))
    type_word(model, "osz")
    assert model.text == "Miłosz"
    assert "ą" in model.alternatives(key_of(model, "a"))
    model.press(special(model, KeyKind.SHIFT))
    assert "Ą" in model.alternatives(key_of(model, "a"))
    model.type("Ą")
    assert model.text.endswith("Ą") and not model.shift


def test_arabic_typing_and_switching_to_latin(keyboards: Keyboards) -> None:
    model = keyboard_for_field(keyboards, "ar", "text")
    assert model is not None and model.layout.name == "arabic"
    assert not model.layout.has_shift
    type_word(model, "سلام")
    switch = special(model, KeyKind.SWITCH)
    assert model.caption(switch) == "ABC"
    model.press(switch)
    assert model.layout.name == "latin"
    model.press(special(model, KeyKind.SPACE))
    type_word(model, "ok")
    assert model.caption(special(model, KeyKind.SWITCH)) == "أبت"
    assert model.text == "سلام ok"


def test_persian_half_space(keyboards: Keyboards) -> None:
    model = keyboard_for_field(keyboards, "fa", "long_text")
    assert model is not None
    type_word(model, "می")
    model.press(special(model, KeyKind.ZWNJ))
    type_word(model, "خواهم")
    assert model.text == "می\u200cخواهم"
    model.press(special(model, KeyKind.ENTER))
    assert model.text.endswith("\n") and not model.submitted  # long text: enter is a new line


def test_no_switch_key_for_latin_languages(keyboards: Keyboards) -> None:
    model = KeyboardInput(keyboards, keyboards.get("latin"), "fr")
    assert all(key.kind is not KeyKind.SWITCH for row in model.rows() for key in row)
    with pytest.raises(AssertionError):
        special(model, KeyKind.SWITCH)


def test_number_pad_for_amounts_and_enter_submits(keyboards: Keyboards) -> None:
    model = keyboard_for_field(keyboards, "ar", FieldType.AMOUNT)
    assert model is not None
    type_word(model, "12,50")
    model.press(special(model, KeyKind.ENTER))
    assert model.text == "12,50" and model.submitted
    phone = keyboard_for_field(keyboards, "fa", FieldType.PHONE)
    assert phone is not None
    type_word(phone, "+31612345678")
    assert phone.text == "+31612345678"


def test_email_keys_type_several_characters_and_max_length_holds(keyboards: Keyboards) -> None:
    model = keyboard_for_field(keyboards, "uk", FieldType.EMAIL, max_length=12)
    assert model is not None
    type_word(model, "ana@x")
    model.press(key_of(model, ".com"))
    assert model.text == "ana@x.com"
    model.press(key_of(model, ".com"))
    assert model.text == "ana@x.com.co"  # cut at 12 characters
    type_word(model, "m")
    assert len(model.text) == 12


def test_code_layout_is_upper_case_letters_and_digits(keyboards: Keyboards) -> None:
    model = keyboard_for_field(keyboards, "ar", FieldType.POSTCODE)
    assert model is not None
    type_word(model, "1234")
    model.press(special(model, KeyKind.SPACE))
    type_word(model, "AB")
    assert model.text == "1234 AB"


def test_special_keys_name_their_catalog_entries() -> None:
    assert parse_token("{space}").label_key == "keyboard.space"
    assert parse_token("{page:accents}").label_key == "keyboard.page.accents"
    assert parse_token("x").label_key is None
    assert parse_token("{}") == Key(KeyKind.CHAR, "{}")
    for bad in ("{nonsense}", "{page}", "{space:x}"):
        with pytest.raises(LayoutError):
            parse_token(bad)


def test_broken_layout_files_are_refused(tmp_path: Path) -> None:
    good = json.loads((KEYBOARDS_DIR / "numeric.json").read_text(encoding="utf-8"))
    assert KeyboardLayout.from_json(good).name == "numeric"
    no_backspace = {**good, "pages": {"digits": {"label": "1", "rows": ["1 2 3"]}}}
    with pytest.raises(LayoutError, match="backspace"):
        KeyboardLayout.from_json(no_backspace)
    dangling = {**good, "pages": {"digits": {"label": "1", "rows": ["1 {page:nowhere} {backspace}"]}}}
    with pytest.raises(LayoutError, match="missing pages"):
        KeyboardLayout.from_json(dangling)
    for name in ("keyboards.json", "numeric.json"):
        (tmp_path / name).write_text((KEYBOARDS_DIR / name).read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(LayoutError, match="missing layouts"):
        Keyboards.load(tmp_path)
