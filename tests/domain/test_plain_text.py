"""One text rule for every field: hostile characters refused or removed, blank is empty, cleaning is idempotent."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.forms import FormCatalog, default_assets_dir
from domain.payload import Translation
from domain.plain_text import UnclearText, clean, is_blank
from domain.translation_check import normalise_translation
from domain.validation import check_address, check_amount, check_email, check_window, validate
from tests.domain.test_validation import code_of
from tests.strategies import value_for
from tools.samples import ANSWERS

FORMS = FormCatalog.load(default_assets_dir() / "forms")
NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


@given(st.text(), st.booleans())
def test_cleaning_is_idempotent_for_every_string(text: str, multiline: bool) -> None:
    try:
        once = clean(text, multiline=multiline)
    except UnclearText:
        return
    assert clean(once, multiline=multiline) == once
    assert not is_blank(once) or once == ""


@given(st.text())
def test_cleaned_text_holds_no_bidi_control_and_no_control_character(text: str) -> None:
    try:
        cleaned = clean(text, multiline=True)
    except UnclearText:
        return
    assert not set(cleaned) & set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
    assert all(ch in "\t\n" or ch >= " " for ch in cleaned) and "\x7f" not in cleaned


def test_bidi_overrides_are_removed_so_a_value_shows_as_the_word_it_is() -> None:
    assert clean("\u202egnirts\u202c") == "gnirts"
    assert clean("Ali \u2066عمر\u2069") == "Ali عمر"


def test_persian_zero_width_non_joiner_stays_inside_words() -> None:
    assert clean("می\u200cخواهم") == "می\u200cخواهم"


@pytest.mark.parametrize("text", ["a\x00b", "bel\x07", "esc\x1b[2J", "del\x7f", "c1\x9b", "\ud800"])
def test_control_characters_and_lone_surrogates_are_refused(text: str) -> None:
    with pytest.raises(UnclearText):
        clean(text)


def test_line_breaks_become_spaces_in_one_line_text_and_newlines_in_long_text() -> None:
    assert clean("Kerk\r\nstraat\t1") == "Kerk straat 1"
    assert clean("een\r\ntwee\rdrie", multiline=True) == "een\ntwee\ndrie"


def test_a_name_of_zero_width_characters_only_is_not_filled_in() -> None:
    answers = {**ANSWERS["bike_theft"], "first_name": "\u200b\u200b\u200b"}
    assert validate(FORMS.get("bike_theft"), answers, now=NOW).errors["first_name"].code == "required"


def test_address_parts_get_the_same_check_as_other_text() -> None:
    spec = next(f for f in FORMS.get("bike_theft").all_fields() if f.id == "where")
    for bad in ("Kerk\x00straat", "bel\x07"):
        assert code_of(lambda v: check_address(spec, v), {"street": bad, "city": "Emmen"}) == "invalid_characters"
    assert check_address(spec, {"street": "Kerk\r\nstraat", "city": "\u202eEmmen"}) == {
        "street": "Kerk straat", "city": "Emmen"}


@pytest.mark.parametrize("email", ["a\x00@example.nl", "a\u200c@example.nl", "a\u200d@example.nl"])
def test_email_refuses_nul_and_invisible_characters(email: str) -> None:
    assert code_of(check_email, email) in ("invalid_email", "invalid_characters")


@pytest.mark.parametrize("typed", ["1e999999999", "1E5", "Infinity", "0,001", "12.345,678", "1_000"])
def test_amounts_beyond_two_decimals_or_in_exponent_form_are_refused_without_crashing(typed: str) -> None:
    assert code_of(check_amount, typed) == "invalid_amount"


def test_time_windows_before_1900_are_refused() -> None:
    for start in ("0001-01-01T00:00:00+05:00", "0001-01-01T00:00:00", "1899-12-31T23:00:00+00:00"):
        assert code_of(lambda v: check_window(v, NOW), {"start": start}) == "invalid_date"


@given(case_type=st.sampled_from(sorted(ANSWERS)), data=st.data())
def test_validate_accepts_its_own_output_unchanged(case_type: str, data: st.DataObject) -> None:
    """normalise(normalise(x)) == normalise(x) for every form: what the kiosk seals passes the backend unchanged."""
    schema = FORMS.get(case_type)
    answers = dict(ANSWERS[case_type])
    for spec in data.draw(st.lists(st.sampled_from(schema.all_fields()), max_size=5, unique_by=lambda s: s.id)):
        answers[spec.id] = data.draw(value_for(spec))
    first = validate(schema, answers, now=NOW)
    again = validate(schema, first.values, now=NOW)
    assert again.values == first.values
    assert not (set(again.errors) - set(first.errors)), again.errors


@given(answer=st.text(min_size=1, max_size=30), dutch=st.one_of(st.none(), st.text(max_size=60)),
       reason=st.one_of(st.none(), st.text(max_size=12)), low=st.booleans(), pivot=st.one_of(st.none(), st.text()))
def test_normalising_a_translation_never_raises_and_is_idempotent(
    answer: str, dutch: str | None, reason: str | None, low: bool, pivot: str | None
) -> None:
    """A resident's submit must never fail on what the translator returned."""
    try:
        answer = clean(answer, multiline=True)
    except UnclearText:
        return
    if not answer:
        return
    given_translation = Translation(original=answer, source_language="ar", dutch=dutch, pivot=pivot,
                                    low_confidence=low, reason=reason)
    once = normalise_translation(answer, "ar", given_translation)
    assert normalise_translation(answer, "ar", once) == once
    assert once.original == answer
