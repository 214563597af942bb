"""The intake summary the officer sees beside the video, from the real forms and Dutch catalog."""

from __future__ import annotations

from domain.forms import FormCatalog, default_assets_dir
from domain.payload import Translation
from kiosk.call.intake import intake_summary
from kiosk.text import Fonts
from kiosk.ui.strings import UiText

ASSETS = default_assets_dir()
FORMS = FormCatalog.load(ASSETS / "forms")
TEXTS = UiText(ASSETS / "locale", Fonts.load(ASSETS / "fonts"))


STORY = "سرقت دراجتي من أمام المحطة"


def test_answers_in_form_order_with_dutch_labels_choices_and_translations() -> None:
    answers: dict[str, object] = {
        "description": STORY,
        "bike_type": "city",
        "bike_brand": "Gazelle",
        "bike_model": "",  # left empty: not shown
        "consent_truthful": True,  # consent steps are not part of the intake so far
    }
    translation = Translation(
        original=STORY, source_language="ar", dutch="Mijn fiets is gestolen bij het station",
        low_confidence=True,
    )  # fmt: skip
    summary = intake_summary("ar", FORMS.get("bike_theft"), answers, {"description": translation}, TEXTS)
    assert (summary.language, summary.case_type) == ("ar", "bike_theft")
    assert [item.field_id for item in summary.items] == ["bike_brand", "bike_type", "description"]
    brand, kind, story = summary.items
    assert brand.label == TEXTS.text("field.bike_brand", "nl") and brand.value == "Gazelle"
    assert kind.value == TEXTS.text("choice.bike_type.city", "nl") != "city"
    assert (story.value, story.dutch, story.low_confidence) == (STORY, translation.dutch, True)


def test_no_form_yet_is_an_empty_summary() -> None:
    summary = intake_summary("tr", None, {}, {}, TEXTS)
    assert (summary.language, summary.case_type, summary.items) == ("tr", None, ())
