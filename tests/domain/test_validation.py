from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.forms import FormCatalog, default_assets_dir
from domain.validation import (
    Invalid,
    check_amount,
    check_frame_number,
    check_iban,
    check_phone,
    check_postcode,
    validate,
)
from tools.samples import ANSWERS

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
FORMS = FormCatalog.load(default_assets_dir() / "forms")


def code_of(check: Callable[[Any], object], value: object) -> str:
    with pytest.raises(Invalid) as raised:
        check(value)
    return raised.value.error.code


@pytest.mark.parametrize("typed, stored", [("1234 ab", "1234 AB"), ("9999ZZ", "9999 ZZ"), (" 7811AB ", "7811 AB")])
def test_postcodes_are_normalised(typed: str, stored: str) -> None:
    assert check_postcode(typed) == stored


@pytest.mark.parametrize("typed", ["0123 AB", "1234 SS", "1234", "12345 AB", "ABCD EF", ""])
def test_bad_postcodes(typed: str) -> None:
    assert code_of(check_postcode, typed) == "invalid_postcode"


@pytest.mark.parametrize("typed, stored", [
    ("06-12345678", "+31612345678"), ("0612345678", "+31612345678"), ("+31 6 1234 5678", "+31612345678"),
    ("0031612345678", "+31612345678"), ("050 123 4567", "+31501234567"), ("+48 601 234 567", "+48601234567"),
    ("+380 67 123 4567", "+380671234567"), ("+90 532 123 45 67", "+905321234567"), ("(020) 123-4567", "+31201234567"),
    # unambiguous slips the numbering plan corrects: the 0 forgotten, or kept after +31
    ("612345678", "+31612345678"), ("+310612345678", "+31612345678"),
])  # fmt: skip
def test_phone_numbers(typed: str, stored: str) -> None:
    assert check_phone(typed) == stored


@pytest.mark.parametrize("typed", [
    "06123", "+31 6 123", "0012", "phone", "1-800-FLOWERS", "+999 123 4567", "0000000000", "06 1234 5678 9999",
    "+48 601", "06-12345678 x", "",
])  # fmt: skip
def test_bad_phone_numbers(typed: str) -> None:
    assert code_of(check_phone, typed) == "invalid_phone"


@given(st.text(alphabet="0123456789 +-().", max_size=24) | st.text(max_size=24))
def test_every_input_is_refused_or_becomes_a_number_that_stays_itself(typed: str) -> None:
    try:
        stored = check_phone(typed)
    except Invalid as error:
        assert error.error.code in {"invalid_phone", "invalid_characters"}
        return
    assert stored.startswith("+") and stored[1:].isdigit() and check_phone(stored) == stored


def test_iban_checksum() -> None:
    assert check_iban("nl91abna0417164300") == "NL91 ABNA 0417 1643 00"
    assert check_iban("DE89 3704 0044 0532 0130 00") == "DE89 3704 0044 0532 0130 00"
    assert code_of(check_iban, "NL91ABNA0417164301") == "invalid_iban"  # one digit off
    assert code_of(check_iban, "NL91ABNA04171643") == "invalid_iban"  # too short for NL


@pytest.mark.parametrize("typed, cents", [("12,50", 1250), ("12.50", 1250), ("1.250,00", 125000), ("€ 7", 700),
                                          ("€ 15.000", 1_500_000), (8500, 8500), ("0", 0)])
def test_amounts_in_cents(typed: object, cents: int) -> None:
    """Typed text is euros; an int is cents, the form check_amount returns, so its own output passes unchanged."""
    assert check_amount(typed) == cents
    assert check_amount(check_amount(typed)) == cents


@pytest.mark.parametrize("typed, code", [("-5", "invalid_amount"), ("1,234", "invalid_amount"),
                                         ("abc", "invalid_amount"), ("2000000", "amount_too_large"),
                                         (True, "invalid_amount"), ("NaN", "invalid_amount")])
def test_bad_amounts(typed: object, code: str) -> None:
    assert code_of(check_amount, typed) == code


def test_frame_numbers() -> None:
    assert check_frame_number("gz-123 4567") == "GZ1234567"
    assert code_of(check_frame_number, "12") == "invalid_frame_number"


@pytest.mark.parametrize("case_type", list(ANSWERS))
def test_sample_answers_are_valid_for_every_form(case_type: str) -> None:
    result = validate(FORMS.get(case_type), ANSWERS[case_type], now=NOW)
    assert result.errors == {}
    assert result.values["description"] == ANSWERS[case_type]["description"]


def test_required_fields_and_unknown_fields_are_reported_per_field() -> None:
    answers = {**ANSWERS["bike_theft"], "bike_brand": "  ", "shoe_size": 44}
    errors = validate(FORMS.get("bike_theft"), answers, now=NOW).errors
    assert errors["bike_brand"].code == "required"
    assert errors["shoe_size"].code == "unknown_field"
    assert errors["bike_brand"].message_key == "error.required"


def test_dates_in_the_future_and_reversed_windows() -> None:
    schema = FORMS.get("nuisance_tip")
    future = {**ANSWERS["nuisance_tip"], "when": {"start": "2026-12-24T10:00:00+01:00"}}
    assert validate(schema, future, now=NOW).errors["when"].code == "date_in_future"
    reversed_window = {**ANSWERS["nuisance_tip"], "when": {"start": "2026-11-20T10:00", "end": "2026-11-19T10:00"}}
    assert validate(schema, reversed_window, now=NOW).errors["when"].code == "window_order"
    payment = {**ANSWERS["online_fraud"], "payment_date": "2027-01-01"}
    assert validate(FORMS.get("online_fraud"), payment, now=NOW).errors["payment_date"].code == "date_in_future"


def test_items_are_checked_one_by_one() -> None:
    answers = {**ANSWERS["theft"], "stolen_items": [{"item_kind": "phone"}, {"item_kind": "spaceship"}]}
    errors = validate(FORMS.get("theft"), answers, now=NOW).errors
    assert list(errors) == ["stolen_items.1.item_kind"]
    assert errors["stolen_items.1.item_kind"].code == "invalid_choice"
    too_many = {**ANSWERS["theft"], "stolen_items": [{"item_kind": "keys"}] * 11}
    assert validate(FORMS.get("theft"), too_many, now=NOW).errors["stolen_items"].code == "too_many_items"


def test_address_parts() -> None:
    answers = {**ANSWERS["vandalism"], "home_address": {"street": "Kerkstraat", "city": "Emmen"}}
    error = validate(FORMS.get("vandalism"), answers, now=NOW).errors["home_address"]
    assert error.code == "address_incomplete" and error.params == {"missing": ["number"]}
    answers = {**ANSWERS["vandalism"], "where": {"city": "Emmen", "postcode": "0000 XX"}}
    assert validate(FORMS.get("vandalism"), answers, now=NOW).errors["where"].code == "invalid_postcode"


def test_consent_must_be_ticked_and_text_is_bounded() -> None:
    answers = {**ANSWERS["theft"], "consent_truthful": False, "description": "x" * 2001}
    errors = validate(FORMS.get("theft"), answers, now=NOW).errors
    assert errors["consent_truthful"].code == "not_accepted"
    assert errors["description"].code == "too_long"


@pytest.mark.parametrize("garbage", [None, [], "text", 5])
def test_garbage_answers_give_errors_not_exceptions(garbage: object) -> None:
    result = validate(FORMS.get("theft"), garbage, now=NOW)  # type: ignore[arg-type]
    assert not result.ok


@pytest.mark.parametrize("value", [5, ["a"], {"x": 1}, 3.5, None, True])
def test_wrong_types_per_field_never_raise(value: object) -> None:
    schema = FORMS.get("online_fraud")
    for spec in schema.all_fields():
        answers = {**ANSWERS["online_fraud"], spec.id: value}
        result = validate(schema, answers, now=NOW)
        assert spec.id in result.errors or value is None or result.values.get(spec.id) is not None


def test_one_step_only() -> None:
    result = validate(FORMS.get("bike_theft"), {"bike_brand": "Batavus"}, now=NOW, step_id="bike")
    assert set(result.errors) == {"bike_type", "bike_colour", "bike_lock"}


@pytest.mark.parametrize("text, ok", [("line one\nline two\tend", True), ("nul\x00byte", False), ("del\x7f", False),
                                      ("bell\x07", False)])
def test_control_characters_in_text(text: str, ok: bool) -> None:
    answers = {**ANSWERS["nuisance_tip"], "description": text}
    errors = validate(FORMS.get("nuisance_tip"), answers, now=NOW).errors
    assert ("description" not in errors) is ok
    if not ok:
        assert errors["description"].code == "invalid_characters"
