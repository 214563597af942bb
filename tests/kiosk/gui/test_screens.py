"""Pictures of the screens an intake does not pass through, in Dutch and Arabic: emergency, non-urgent, call,
validation errors, the stop question, the inactivity warning, keyboard and pickers open, large text with high
contrast, offline, out of service. Each test also checks what the picture must show."""

from __future__ import annotations

from typing import Any

import pytest

from kiosk.ports import SenderState
from tests.kiosk.gui.conftest import ARTIFACTS, FakeClock
from tests.kiosk.gui.driver import Driver, run_app
from tests.kiosk.gui.support import make_kit

pytestmark = [pytest.mark.gui, pytest.mark.timeout(600)]
LANGUAGES = ["nl", "ar"]


def go(d: Driver, *steps: tuple[Any, ...]) -> None:
    """Set up a state through the app's Touches directly, each step a (touch, *args) tuple (the intake tests cover
    getting there by touch)."""
    for touch, *args in steps:
        d.call(lambda touch=touch, args=args: getattr(d.app.touches, touch)(*args))
    d.frames(3)


@pytest.mark.parametrize("language", LANGUAGES)
def test_triage_outcomes_and_stop_question(make_app, kiosk_settings, language: str) -> None:
    kit = make_kit(kiosk_settings)
    app = make_app(kiosk_settings, kit.services)

    def steps(d: Driver) -> None:
        go(d, ("start",), ("choose_language", language))
        for choice, screen in (("emergency", "emergency"), ("non_urgent", "non_urgent"), ("call", "call")):
            d.tap(f"triage.{choice}")
            assert d.screen() == screen
            d.screenshot(f"{language}_20_{screen}")
            if screen == "call":  # the call screen's buttons follow the call (kiosk/call/, tested there)
                go(d, ("back",))
            else:
                d.tap("nav.back")
            assert d.screen() == "triage"
        d.tap("tool.stop")
        assert d.has("stop.confirm") and d.has("stop.cancel")
        d.screenshot(f"{language}_21_stop_question")
        d.tap("stop.cancel")
        assert d.screen() == "triage" and not d.has("stop.confirm")
        d.tap("tool.stop")
        d.tap("stop.confirm")
        assert d.screen() == "attract"

    run_app(app, steps, ARTIFACTS)


@pytest.mark.parametrize("language", LANGUAGES)
def test_errors_show_next_to_their_fields_in_the_residents_language(make_app, kiosk_settings, language) -> None:
    kit = make_kit(kiosk_settings)
    app = make_app(kiosk_settings, kit.services)

    def steps(d: Driver) -> None:
        go(d, ("start",), ("choose_language", language), ("choose_triage", "report"), ("choose_service", "bike_theft"))
        d.tap("input.frame_number")
        d.type_text("X1")
        d.screenshot(f"{language}_22_form_keyboard")
        d.tap("keyboard.hide")
        d.tap("nav.next")
        assert d.call(lambda: app.flow.state.step_id) == "bike"
        errors = d.call(lambda: dict(app.flow.state.errors))
        assert errors["bike_brand"].code == "required" and errors["frame_number"].code == "invalid_frame_number"
        assert d.text_of("error.bike_brand") == app.ui.text("error.required", language)
        assert d.text_of("error.frame_number") == app.ui.text("error.invalid_frame_number", language)
        assert d.has("form.error_summary")
        d.screenshot(f"{language}_23_form_errors")
        assert d.text_of("error.bike_type") == app.ui.text("error.required", language)
        d.tap("choice.bike_type.city")
        assert not d.has("error.bike_type")  # answering clears that field's error at once

    run_app(app, steps, ARTIFACTS)


@pytest.mark.parametrize("language", LANGUAGES)
def test_pickers_open_in_place(make_app, kiosk_settings, language: str) -> None:
    kit = make_kit(kiosk_settings)
    app = make_app(kiosk_settings, kit.services)

    def steps(d: Driver) -> None:
        go(d, ("start",), ("choose_language", language), ("choose_triage", "report"), ("choose_service", "theft"))
        d.tap("nav.next")  # items step left empty: an error, then fill it
        d.tap("choice.stolen_items.0.item_kind.phone")
        d.tap("nav.next")
        assert d.call(lambda: app.flow.state.step_id) == "when_where"
        d.tap("window.when.start.date.day")
        d.screenshot(f"{language}_24_date_picker")
        d.tap("window.when.start.date.day.20")
        d.tap("window.when.start.date.month.11")
        d.tap("window.when.start.date.year.2026")
        d.tap("window.when.start.time")
        d.screenshot(f"{language}_25_time_picker")
        d.tap("window.when.start.hour.8")
        d.tap("window.when.start.minute.30")
        when = d.call(lambda: app.flow.answer_of("when"))
        assert when == {"start": "2026-11-20T08:30:00+01:00", "end": "2026-11-20T08:30:00+01:00"}

    run_app(app, steps, ARTIFACTS)


@pytest.mark.parametrize("language", LANGUAGES)
def test_large_text_and_high_contrast_then_reset_for_the_next_resident(make_app, kiosk_settings, language) -> None:
    kit = make_kit(kiosk_settings)
    app = make_app(kiosk_settings, kit.services)

    def steps(d: Driver) -> None:
        go(d, ("start",), ("choose_language", language), ("choose_triage", "report"))
        title = d.find("service.bike_theft")
        normal = d.call(lambda: title.font_size)
        d.tap("tool.large_text")
        d.tap("tool.contrast")
        assert d.call(lambda: title.font_size) > normal * 1.3
        assert d.call(lambda: tuple(app.theme.background)) == (0, 0, 0, 1)
        d.screenshot(f"{language}_26_large_text_high_contrast")
        d.tap("tool.stop")
        d.tap("stop.confirm")
        assert d.call(lambda: (app.theme.large_text, app.theme.high_contrast)) == (False, False)

    run_app(app, steps, ARTIFACTS)


@pytest.mark.parametrize("language", LANGUAGES)
def test_offline_banner_and_saved_receipt(make_app, kiosk_settings, language: str) -> None:
    kit = make_kit(kiosk_settings)
    kit.sender.state = SenderState.OFFLINE
    app = make_app(kiosk_settings, kit.services)

    def steps(d: Driver) -> None:
        go(d, ("start",), ("choose_language", language), ("choose_triage", "tip"), ("choose_service", "nuisance_tip"))
        d.call(app.tick)
        assert d.text_of("offline.banner") == app.ui.text("offline.banner", language)
        d.screenshot(f"{language}_27_offline_banner")
        d.call(lambda: _fill_tip(app))
        go(d, ("confirm_review",))
        d.tap("consent.consent_truthful")
        d.tap("submit")
        assert d.screen() == "receipt"
        d.call(app.tick)
        assert d.text_of("receipt.waiting") == app.ui.text("receipt.offline", language)
        d.screenshot(f"{language}_28_receipt_offline")
        kit.sender.state = SenderState.IDLE
        d.call(app.tick)
        assert not d.has("offline.banner")

    run_app(app, steps, ARTIFACTS)
    assert len(kit.cases()) == 1


def _fill_tip(app: Any) -> None:
    flow = app.flow
    flow.answer("nuisance_kind", "noise")
    flow.answer("when", {"start": "2026-11-20T22:00:00+01:00"})
    flow.answer("where", {"city": "Emmen"})
    app.touches.next()
    app.touches.answer("description", "Harde muziek")
    app.touches.next()
    app.touches.next()  # optional contact step left empty


@pytest.mark.parametrize("language", LANGUAGES)
def test_inactivity_warning_shows_seconds_in_the_residents_language(make_app, kiosk_settings, language) -> None:
    clock = FakeClock()
    kit = make_kit(kiosk_settings)
    app = make_app(kiosk_settings, kit.services, clock=clock)

    def steps(d: Driver) -> None:
        go(d, ("start",), ("choose_language", language), ("choose_triage", "report"))
        clock.now += kiosk_settings.idle_warning_seconds + 5
        d.call(app.tick)
        seconds = int(kiosk_settings.idle_extend_seconds)
        assert d.text_of("idle.seconds") == app.ui.text("idle.text", language, seconds=seconds)
        d.screenshot(f"{language}_29_idle_warning")

    run_app(app, steps, ARTIFACTS)


def test_out_of_service_when_the_backend_is_lost_for_long(make_app, kiosk_settings) -> None:
    from dataclasses import replace

    clock = FakeClock()
    kit = make_kit(kiosk_settings)
    settings = replace(kiosk_settings, out_of_service_after_seconds=3600, backend_url="http://127.0.0.1:9",
                       kiosk_token="token", backend_public_key=kit.keys.public_b64)
    app = make_app(settings, kit.services, clock=clock)

    def steps(d: Driver) -> None:
        kit.sender.state = SenderState.OFFLINE
        d.call(app.tick)
        assert d.screen() == "attract"  # a short outage: the kiosk keeps taking reports offline
        clock.now += 3600
        d.call(app.tick)
        assert d.screen() == "out_of_service"
        status = d.text_of("out_of_service.status")
        assert "60" in status and "connection refused" in status
        assert app.ui.text("status.not_provisioned", "nl") not in status
        assert not d.has("offline.banner")  # it speaks of a report; nobody is making one here
        d.screenshot("nl_30_out_of_service_backend_lost")
        d.tap("out_of_service.title")
        assert d.screen() == "out_of_service"  # touching it starts nothing
        kit.sender.state = SenderState.IDLE
        d.call(app.tick)
        assert d.screen() == "attract"

    run_app(app, steps, ARTIFACTS)


def test_out_of_service_when_not_provisioned(make_app, kiosk_settings) -> None:
    from kiosk.wiring import open_services

    services = open_services(kiosk_settings)
    assert services.problem is not None
    app = make_app(kiosk_settings, services)

    def steps(d: Driver) -> None:
        assert d.screen() == "out_of_service"
        assert "112" in d.text_of("out_of_service.emergency")
        assert "0900-8844" in d.text_of("out_of_service.non_urgent")
        assert app.ui.text("status.not_provisioned", "nl") in d.text_of("out_of_service.status")
        d.screenshot("nl_31_out_of_service_not_provisioned")

    run_app(app, steps, ARTIFACTS)


@pytest.mark.parametrize("language", [*LANGUAGES, "fa", "pl"])
def test_talk_to_an_officer_from_the_form_and_come_back(make_app, kiosk_settings, language: str) -> None:
    kit = make_kit(kiosk_settings)
    app = make_app(kiosk_settings, kit.services)

    def steps(d: Driver) -> None:
        go(d, ("start",), ("choose_language", language), ("choose_triage", "report"), ("choose_service", "vandalism"))
        d.tap("choice.damaged_object.car")
        d.tap("input.object_details")
        assert not d.has("nav.talk_to_officer")  # the keyboard takes that place while it is open
        d.tap("keyboard.hide")
        d.screenshot(f"{language}_30_form_with_call_button")
        call_button, next_button = d.find("nav.talk_to_officer"), d.find("nav.next")
        heights = d.call(lambda: (call_button.height, next_button.height))
        assert heights[0] <= heights[1], "the call button's text does not fit the navigation bar"
        d.tap("nav.talk_to_officer")
        assert d.screen() == "call"
        assert d.call(lambda: app.flow.answers()["damaged_object"]) == "car"
        go(d, ("back",))
        assert d.screen() == "form" and d.call(lambda: app.flow.state.step_id) == "damage"

    run_app(app, steps, ARTIFACTS)
