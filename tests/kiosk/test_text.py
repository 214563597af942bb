"""Shaping and ordering of Arabic and Persian text for Kivy's SDL2 text provider, and the font per language."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.languages import LANGUAGES
from kiosk.text import Fonts, coverage, default_fonts, escape_markup, font_for, halign, shape, shape_wrapped


def names(text: str) -> list[str]:
    return [unicodedata.name(ch) for ch in text]


def test_latin_and_cyrillic_text_is_left_alone() -> None:
    assert shape("Fiets gestolen? Tik hier.", "nl") == "Fiets gestolen? Tik hier."
    assert shape("Ґанок і їжак є", "uk") == "Ґанок і їжак є"
    assert halign("de") == "left"


def test_arabic_word_becomes_presentation_forms_in_visual_order() -> None:
    # سلام: seen from the left, the meem (alone: alef never joins onward), the lam-alef ligature, the seen.
    assert names(shape("سلام", "ar")) == [
        "ARABIC LETTER MEEM ISOLATED FORM",
        "ARABIC LIGATURE LAM WITH ALEF FINAL FORM",
        "ARABIC LETTER SEEN INITIAL FORM",
    ]
    assert halign("ar") == "right"


def test_persian_letters_are_shaped_too() -> None:
    # پلیس (police): peh, lam, Farsi yeh and seen all join.
    assert names(shape("پلیس", "fa")) == [
        "ARABIC LETTER SEEN FINAL FORM",
        "ARABIC LETTER FARSI YEH MEDIAL FORM",
        "ARABIC LETTER LAM MEDIAL FORM",
        "ARABIC LETTER PEH INITIAL FORM",
    ]
    # گزارش (report): gaf initial, then zain and alef, which never join to the left.
    assert names(shape("گزارش", "fa"))[::-1] == [
        "ARABIC LETTER GAF INITIAL FORM",
        "ARABIC LETTER ZAIN FINAL FORM",
        "ARABIC LETTER ALEF ISOLATED FORM",
        "ARABIC LETTER REH ISOLATED FORM",
        "ARABIC LETTER SHEEN ISOLATED FORM",
    ]


def test_zero_width_non_joiner_breaks_the_join_and_disappears() -> None:
    shaped = shape("می\u200cخواهم", "fa")  # "I want": meem-yeh, then a new word part
    assert "\u200c" not in shaped
    # Read from the right: meem initial, yeh final (the ZWNJ stops the join), then khah initial.
    assert names(shaped)[::-1][:3] == [
        "ARABIC LETTER MEEM INITIAL FORM",
        "ARABIC LETTER FARSI YEH FINAL FORM",
        "ARABIC LETTER KHAH INITIAL FORM",
    ]


def test_sentence_runs_right_to_left_with_numbers_left_to_right() -> None:
    shaped = shape("اتصل بالرقم 112 الآن", "ar")  # "call 112 now"
    words = shaped.split(" ")
    assert words[1] == "112"
    assert words[0] == shape("الآن", "ar")  # the last word in reading order is leftmost
    assert words[-1] == shape("اتصل", "ar")


def test_phone_numbers_keep_their_order_inside_arabic_and_persian() -> None:
    # Without isolation the bidi algorithm shows 8844-0900 and 12345678 06.
    assert "0900-8844" in shape("اتصل بالرقم 0900-8844 الآن", "ar")
    assert "06 12345678" in shape("شماره 06 12345678 است", "fa")
    assert "0800-7000" in shape("با 0800-7000 تماس بگیرید", "fa")
    assert not any(0x2066 <= ord(ch) <= 0x2069 for ch in shape("اتصل 0900-8844", "ar"))


def test_latin_reference_inside_arabic_stays_readable() -> None:
    shaped = shape("رقمك: PL-2024-AB12", "ar")
    assert "PL-2024-AB12" in shaped
    assert shaped.startswith("PL-2024-AB12")  # the sentence ends on the left


def test_lines_are_shaped_one_by_one() -> None:
    shaped = shape("سلام\nپلیس", "ar")
    first, second = shaped.split("\n")
    assert first == shape("سلام", "ar")
    assert second == shape("پلیس", "ar")


def test_wrapping_keeps_the_first_words_on_the_first_line() -> None:
    text = "يمكنك تقديم بلاغ رسمي إلى الشرطة هنا"  # seven words
    wrapped = shape_wrapped(text, "ar", fits=lambda line: len(line.split(" ")) <= 3)
    lines = wrapped.split("\n")
    assert len(lines) == 3
    assert lines[0] == shape("يمكنك تقديم بلاغ", "ar")
    assert lines[2] == shape("هنا", "ar")
    assert shape_wrapped("Dutch text stays", "nl", fits=lambda line: False) == "Dutch text stays"


def test_font_for_each_language_comes_from_fonts_json() -> None:
    assert font_for("ar").name == "NotoSansArabic-Regular.ttf"
    assert font_for("fa", bold=True).name == "NotoSansArabic-Bold.ttf"
    assert font_for("uk").name == "NotoSans-Regular.ttf"
    for lang in LANGUAGES:
        assert font_for(lang.code).is_file()
        assert font_for(lang.code, bold=True).is_file()


def test_fonts_json_mapping_is_honoured(tmp_path: Path) -> None:
    source = default_fonts().fallback().parent
    (tmp_path / "fonts.json").write_text(json.dumps({
        "fallback": "latin",
        "scripts": {"latin": {"regular": "A.ttf", "bold": "B.ttf"}, "arabic": {"regular": "C.ttf", "bold": "D.ttf"}},
    }))
    fonts = Fonts.load(tmp_path)
    assert fonts.font_for("ar") == tmp_path / "C.ttf"
    assert fonts.font_for("fa") == tmp_path / "A.ttf"  # no persian entry: the fallback
    assert source.is_dir()


def test_fonts_show_their_scripts() -> None:
    arabic = coverage(font_for("ar"))
    latin = coverage(font_for("nl"))
    assert {ord(ch) for ch in shape("پلیس گزارش چیزی ژاله", "fa") if ch != " "} <= arabic
    assert {ord(ch) for ch in "ĞğİıŞşĄąŁłŻżßÉéÑñ¿¡ґєії€"} <= latin


def test_markup_puts_latin_runs_in_the_fallback_font() -> None:
    fonts = default_fonts()
    markup = fonts.markup("رقمك: PL-7 [x]", "ar")
    fallback = fonts.fallback()
    assert f"[font={fallback}]" in markup
    assert "&bl;" in markup and "&br;" in markup  # the resident's brackets are not markup
    assert "PL-7" in markup
    assert fonts.markup("Ihr Zeichen [1]", "de") == "Ihr Zeichen &bl;1&br;"
    assert escape_markup("a&b") == "a&amp;b"


@pytest.mark.parametrize("code", [lang.code for lang in LANGUAGES])
def test_every_language_has_a_font_file(code: str) -> None:
    assert font_for(code).suffix == ".ttf"


@pytest.mark.parametrize("language", ["ar", "fa"])
def test_a_reference_and_an_amount_are_each_drawn_in_one_font(language: str) -> None:
    """Digits from the Arabic font beside Latin letters from the fallback stood on another baseline."""
    fonts = default_fonts()
    fallback = fonts.fallback()
    for text, whole in (("كود: 73U-CP3", "73U-CP3"), ("المبلغ EUR 300 تقريبا", "EUR 300"),
                        ("EUR 300", "EUR 300")):  # fmt: skip
        markup = fonts.markup(text, language)
        runs = re.findall(rf"\[font={re.escape(str(fallback))}\](.*?)\[/font\]", markup)
        assert any(whole in run for run in runs), (text, markup)
    # a word that mixes both scripts keeps each letter in a font that has it
    mixed = fonts.markup("Gazelleدراجة", language)
    assert "Gazelle" in mixed and "[/font]" in mixed


@given(st.text(alphabet="abc 0123456789-:دراجةپ+", max_size=30))
def test_markup_keeps_every_character_in_order(text: str) -> None:
    fonts = default_fonts()
    plain = re.sub(r"\[/?font[^\]]*\]", "", fonts.markup(text, "fa"))
    assert plain == escape_markup(shape(text, "fa"))
