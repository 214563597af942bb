"""Complete intakes on the real app by touch, in Dutch and in Arabic, into a real sealed outbox; with
`./scripts/test --screenshots` a picture of every screen in both languages goes to test-artifacts/screens/
(look at them)."""

from __future__ import annotations

from typing import Any

import pytest

from kiosk.printer import CupsPrinter
from tests.kiosk.gui.conftest import ARTIFACTS
from tests.kiosk.gui.driver import Driver, run_app, scroll_into_view
from tests.kiosk.gui.support import KnownTranslator, RecordingSpeaker, make_kit
from tests.kiosk.gui.touches import fill_step
from tests.kiosk.test_printer import fake_lp

pytestmark = [pytest.mark.gui, pytest.mark.timeout(600)]

WHEN = {"start": "2026-11-20T08:00:00+01:00", "end": "2026-11-20T17:30:00+01:00"}
CONTACT = {
    "first_name": "Anna", "last_name": "Oukili", "birth_date": "1987-03-14",
    "home_address": {"street": "Kerkstraat", "number": "12", "city": "Emmen"},
    "phone": "0612345678", "email": "anna@example.nl",
}
BIKE_NL: dict[str, Any] = {
    "bike_brand": "Gazelle", "bike_type": "city", "bike_colour": "blue", "frame_number": "GZ1234567",
    "bike_lock": "frame_lock", "when": WHEN, "where": {"street": "Stationsplein", "city": "Emmen"},
    "value": "450", "description": "Fiets weg bij het station", **CONTACT,
}
THEFT_AR: dict[str, Any] = {
    "stolen_items": [{"item_kind": "phone", "item_brand": "Samsung"}, {"item_kind": "wallet"}],
    "when": WHEN, "where": {"street": "Stationsplein", "city": "Emmen"},
    "description": "سرق هاتفي في المكتبة", **CONTACT,
}
CONSENT = {"consent_truthful": True, "consent_victim_support": True, "consent_claim_damages": False}


def walk_intake(d: Driver, language: str, triage: str, case_type: str, answers: dict[str, Any],
                prefix: str | None = None) -> None:
    """From the attract screen to the receipt, taking a picture of each screen on the way."""
    app = d.app
    shot = lambda name: d.screenshot(f"{prefix or language}_{name}")  # noqa: E731
    shot("01_attract")
    d.tap("attract.start")
    shot("02_language")
    d.tap(f"language.{language}")
    shot("03_triage")
    d.tap(f"triage.{triage}")
    shot("04_service")
    d.tap(f"service.{case_type}")
    number = 0
    while d.screen() == "form":
        number += 1
        step = d.call(lambda: app.flow.current_step())
        shot(f"05_form_{number}_{step.id}")
        fill_step(d, step.fields, answers)
        d.tap("nav.next")
        assert d.call(lambda: app.flow.state.errors) == {}, d.call(lambda: app.flow.state.errors)
    assert d.screen() == "review"
    d.frames(10)
    shot("06_review")
    if language != "nl":
        translated = app.services.translator is not None
        tag = "review.machine.description" if translated else "review.unavailable.description"
        assert d.has(tag) and d.has("review.no_translation") != translated
        if translated:
            assert d.has("review.dutch.description")
        widget = d.find(tag)
        d.call(lambda: scroll_into_view(widget))
        shot("06b_review_translation")
    d.tap("review.confirm")
    assert d.screen() == "consent"
    step = d.call(lambda: app.flow.current_step())
    fill_step(d, step.fields, CONSENT)
    shot("07_consent")
    d.tap("submit")
    assert d.screen() == "receipt"
    shot("08_receipt_waiting")
    assert not app.ui.missing, sorted(app.ui.missing)  # every text on the way came from the language's catalog


def assert_nothing_personal(records: list[str], answers: dict[str, Any]) -> None:
    """No typed answer may reach a log line (Kivy's or ours)."""
    typed = ["Oukili", "Kerkstraat", "anna@example.nl", "0612345678", "GZ1234567", answers["description"]]
    leaked = [line for line in records for value in typed if value in line]
    assert not leaked, leaked


def test_dutch_bike_theft_by_touch(make_app, kiosk_settings, log_lines, tmp_path) -> None:
    printer = CupsPrinter("balie", executable=str(fake_lp(tmp_path)))
    kit = make_kit(kiosk_settings, speaker=RecordingSpeaker(), printer=printer)
    app = make_app(kiosk_settings, kit.services)

    def steps(d: Driver) -> None:
        walk_intake(d, "nl", "report", "bike_theft", BIKE_NL)
        [case] = kit.cases()
        kit.sender.references[case.case_id] = "K7M-4QP"
        d.call(app.tick)
        assert "K7M-4QP" in d.text_of("receipt.reference")
        d.tap("receipt.print")
        printed = app.ui.text("receipt.printed", "nl")  # the printer thread answers; the button says so
        assert d.wait_for(lambda: any(w.source == printed for w in d.shown_now("receipt.print")), 120)
        job = (tmp_path / "job").read_text()
        assert "K7M-4QP" in job and "Oukili" not in job and "Kerkstraat" not in job
        assert app.ui.text("receipt.official", "nl") in job  # the paper says it too
        assert d.text_of("receipt.official") == app.ui.text("receipt.official", "nl")
        d.screenshot("nl_09_receipt")
        d.tap("nav.done")
        d.screenshot("nl_10_rating")
        d.tap("rating.4")
        assert d.screen() == "end"
        d.screenshot("nl_11_end")
        d.tap("end.title")
        assert d.screen() == "attract"

    run_app(app, steps, ARTIFACTS)
    [case] = kit.cases()
    assert case.case_type == "bike_theft" and case.language == "nl"
    assert case.answers["bike_brand"] == "Gazelle" and case.answers["frame_number"] == "GZ1234567"
    assert case.answers["home_address"] == {"street": "Kerkstraat", "number": "12", "city": "Emmen"}
    assert case.answers["birth_date"] == "1987-03-14"
    assert case.answers["when"] == WHEN
    assert case.answers["value"] == 45000
    assert case.translations == {}
    assert_nothing_personal(log_lines, BIKE_NL)


def test_arabic_theft_by_touch_with_machine_translation(make_app, kiosk_settings, log_lines) -> None:
    translator = KnownTranslator(lambda text: "Mijn telefoon is gestolen in de bibliotheek", low_confidence=True)
    kit = make_kit(kiosk_settings, translator=translator, speaker=RecordingSpeaker())
    app = make_app(kiosk_settings, kit.services)

    def steps(d: Driver) -> None:
        walk_intake(d, "ar", "report", "theft", THEFT_AR)
        assert d.has("receipt.waiting") and not d.has("receipt.reference")
        kit.sender.references[kit.cases()[0].case_id] = "K7M-4QP"
        d.call(app.tick)
        assert "K7M-4QP" in d.text_of("receipt.reference")
        assert d.text_of("receipt.official") == app.ui.text("receipt.official", "ar")
        d.screenshot("ar_09_receipt")
        d.tap("nav.done")
        d.screenshot("ar_10_rating")
        d.tap("rating.5")
        d.screenshot("ar_11_end")

    run_app(app, steps, ARTIFACTS)
    assert translator.asked == [(THEFT_AR["description"], "ar", "nl")]
    [case] = kit.cases()
    assert case.language == "ar" and case.case_type == "theft"
    # the payload holds what was typed in logical order, never the shaped glyphs drawn on screen
    assert case.answers["description"] == THEFT_AR["description"]
    assert [item["item_kind"] for item in case.answers["stolen_items"]] == ["phone", "wallet"]
    assert case.answers["stolen_items"][0]["item_brand"] == "Samsung"
    assert case.answers["first_name"] == "Anna"
    translation = case.translations["description"]
    assert translation.dutch == "Mijn telefoon is gestolen in de bibliotheek" and translation.low_confidence
    assert_nothing_personal(log_lines, THEFT_AR)


def test_a_persian_report_is_official_only_after_an_id_check_and_the_receipt_offers_the_call(
    make_app, kiosk_settings
) -> None:
    kit = make_kit(kiosk_settings, translator=KnownTranslator(lambda text: "Mijn telefoon is gestolen"))
    app = make_app(kiosk_settings, kit.services)

    def steps(d: Driver) -> None:
        walk_intake(d, "fa", "report", "theft", THEFT_AR)
        kit.sender.references[kit.cases()[0].case_id] = "K7M-4QP"
        d.call(app.tick)
        assert d.text_of("receipt.official") == app.ui.text("receipt.official", "fa")
        d.screenshot("fa_09_receipt_official")
        d.tap("nav.talk_to_officer")  # "talk to an officer now": the call is about this report
        assert d.screen() == "call"
        d.call(app.touches.back)
        assert d.screen() == "receipt" and "K7M-4QP" in d.text_of("receipt.reference")

    run_app(app, steps, ARTIFACTS)
    assert len(kit.cases()) == 1
