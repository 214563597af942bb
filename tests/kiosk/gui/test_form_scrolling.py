"""The form scrolls for the resident, never against them (what a resident saw before: typing into one field made the
form jump to another field's error, and the question scrolled away under the keyboard): with the keyboard open, the
question and the box being typed in show above it; errors are scrolled to only when "Volgende" refuses."""

from __future__ import annotations

import pytest

from tests.kiosk.gui.conftest import ARTIFACTS
from tests.kiosk.gui.driver import Driver, run_app
from tests.kiosk.gui.support import make_kit
from tests.kiosk.gui.test_screens import go
from tools.samples import ANSWERS

pytestmark = [pytest.mark.gui, pytest.mark.timeout(600)]
LANGUAGES = ["nl", "ar"]


def shown_whole(d: Driver, tag: str) -> bool:
    """Whether the widget tagged `tag` lies wholly inside the visible part of the form's ScrollView."""

    def check() -> bool:
        [widget] = d.shown_now(tag)
        scroll = d.app.current_screen().ids.scroll
        _, low = scroll.to_window(scroll.x, scroll.y)
        high = low + scroll.height
        _, bottom = widget.to_window(widget.x, widget.y)
        return low - 1 <= bottom and bottom + widget.height <= high + 1

    return d.call(check)


def typing_keeps(d: Driver, field: str, text: str) -> None:
    """Touch the box, type, and see the question and the box the whole time."""
    d.tap(f"input.{field}")
    assert d.appears("keyboard.hide")
    d.frames(3)
    assert shown_whole(d, f"label.{field}") and shown_whole(d, f"input.{field}"), field
    d.enter_text(text)
    d.frames(3)
    assert shown_whole(d, f"label.{field}") and shown_whole(d, f"input.{field}"), field


@pytest.mark.parametrize("language", LANGUAGES)
def test_typing_after_an_error_stays_in_the_field_being_typed(make_app, kiosk_settings, language: str) -> None:
    kit = make_kit(kiosk_settings)
    app = make_app(kiosk_settings, kit.services)

    def steps(d: Driver) -> None:
        go(d, ("start",), ("choose_language", language), ("choose_triage", "report"), ("choose_service", "bike_theft"))
        d.tap("nav.next")  # nothing filled in: errors, and the form shows the first one
        assert d.has("error.bike_brand") and shown_whole(d, "label.bike_brand")
        # each first key clears that field's error: the form used to jump to the next field with an error then
        typing_keeps(d, "bike_brand", "Gazelle")
        typing_keeps(d, "frame_number", "GZ 1234567")  # further down
        typing_keeps(d, "bike_model", "Orange")  # and back up
        d.screenshot(f"{language}_50_typing_after_errors")
        d.tap("keyboard.hide")
        d.tap("nav.next")  # the choices are still open: now the form does go to the first of those
        assert not d.has("error.bike_brand") and d.has("error.bike_type") and shown_whole(d, "label.bike_type")

    run_app(app, steps, ARTIFACTS)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_question_stays_above_the_keyboard_on_every_step(make_app, kiosk_settings, language: str) -> None:
    kit = make_kit(kiosk_settings)
    app = make_app(kiosk_settings, kit.services)
    answers = ANSWERS["bike_theft"]

    def steps(d: Driver) -> None:
        go(d, ("start",), ("choose_language", language), ("choose_triage", "report"), ("choose_service", "bike_theft"))
        typing_keeps(d, "bike_brand", "Gazelle")

        def next_step() -> None:
            for spec in app.flow.current_step().fields:
                app.touches.answer(spec.id, answers[spec.id])
            app.touches.next()

        d.call(next_step)
        d.frames(3)
        typing_keeps(d, "where_details", "by the bicycle shed")  # below the picker and the address
        d.screenshot(f"{language}_51_keyboard_low_on_a_long_step")
        d.tap("keyboard.hide")
        d.call(next_step)
        d.frames(3)
        assert d.call(lambda: app.flow.state.step_id) == "story"
        typing_keeps(d, "description", "My bike was taken.")
        d.screenshot(f"{language}_52_keyboard_on_the_story")
        d.tap("keyboard.hide")
        assert d.has("label.description") and d.has("input.description")

    run_app(app, steps, ARTIFACTS)
