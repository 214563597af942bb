"""How answers read back on the review screen: in the resident's language, with Dutch local times."""

from __future__ import annotations

import pytest

from domain.forms import FormCatalog, default_assets_dir
from kiosk.text import default_fonts
from kiosk.ui.answers import format_answer
from kiosk.ui.strings import UiText


@pytest.fixture(scope="module")
def texts() -> UiText:
    return UiText(default_assets_dir() / "locale", default_fonts())


@pytest.fixture(scope="module")
def theft():
    return FormCatalog.load(default_assets_dir() / "forms").get("theft")


def test_dates_and_windows_in_the_residents_words(texts: UiText, theft) -> None:
    when = theft.field("when")
    window = {"start": "2026-11-20T07:00:00+00:00", "end": "2026-11-20T16:30:00+00:00"}  # UTC in, Dutch time out
    month = texts.text("month.11", "nl")
    assert format_answer(when, window, texts, "nl") == f"20 {month} 2026 08:00 – 17:30"
    across = {"start": "2026-11-20T22:00:00+01:00", "end": "2026-11-21T01:00:00+01:00"}
    assert format_answer(when, across, texts, "nl") == f"20 {month} 2026 22:00 – 21 {month} 2026 01:00"
    assert texts.text("month.11", "ar") in format_answer(when, window, texts, "ar")


def test_choices_items_addresses_and_gaps(texts: UiText, theft) -> None:
    items = [{"item_kind": "phone", "item_brand": "Samsung", "item_value": "299,00"}, {"item_kind": "wallet"}]
    shown = format_answer(theft.field("stolen_items"), items, texts, "nl").splitlines()
    phone, wallet = texts.text("choice.item_kind.phone", "nl"), texts.text("choice.item_kind.wallet", "nl")
    assert shown == [f"{phone} · Samsung · € 299,00", wallet]
    address = {"street": "Kerkstraat", "number": "12a", "postcode": "7811 AB", "city": "Emmen"}
    assert format_answer(theft.field("where"), address, texts, "nl") == "Kerkstraat 12a, 7811 AB Emmen"
    assert format_answer(theft.field("where_details"), "  ", texts, "ar") == texts.text("review.not_filled", "ar")
    assert not texts.missing
