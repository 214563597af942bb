"""A public kiosk: Escape and F1 do nothing, read-aloud speaks the screen in the resident's language."""

from __future__ import annotations

import pytest

from tests.kiosk.gui.conftest import ARTIFACTS
from tests.kiosk.gui.driver import Driver, run_app
from tests.kiosk.gui.support import RecordingSpeaker, make_kit

pytestmark = [pytest.mark.gui, pytest.mark.timeout(300)]
ESCAPE, F1 = 27, 282


def test_escape_and_f1_neither_quit_nor_open_settings(make_app, kiosk_settings) -> None:
    kit = make_kit(kiosk_settings)
    app = make_app(kiosk_settings, kit.services)

    def steps(d: Driver) -> None:
        from kivy.base import EventLoop
        from kivy.core.window import Window

        d.tap("attract.start")
        for key in (ESCAPE, F1):
            d.call(lambda key=key: Window.dispatch("on_key_down", key, 0, None, []))
            d.call(lambda key=key: Window.dispatch("on_keyboard", key, 0, None, []))
            d.frames(3)
        assert EventLoop.status == "started"
        assert d.screen() == "language"
        assert d.call(lambda: app._app_settings) is None
        assert d.call(lambda: app.open_settings()) is False
        assert d.call(lambda: app.use_kivy_settings) is False

    run_app(app, steps, ARTIFACTS)


@pytest.mark.parametrize("language", ["nl", "ar"])
def test_read_aloud_speaks_the_screen_in_the_residents_language(make_app, kiosk_settings, language: str) -> None:
    speaker = RecordingSpeaker()
    kit = make_kit(kiosk_settings, speaker=speaker)
    app = make_app(kiosk_settings, kit.services)

    def steps(d: Driver) -> None:
        d.tap("attract.start")
        d.tap(f"language.{language}")
        d.tap("tool.read_aloud")
        [(text, spoken_language)] = speaker.said
        assert spoken_language == language
        title = app.ui.text("triage.title", language)
        emergency = app.ui.text("triage.emergency.title", language)
        assert text.index(title) < text.index(emergency)  # read top to bottom
        # speech gets the catalog's logical text, never the glyphs shaped for the screen
        assert not any(0xFB50 <= ord(ch) <= 0xFEFF for ch in text)

    run_app(app, steps, ARTIFACTS)
