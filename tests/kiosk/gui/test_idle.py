"""The inactivity warning with its extend button, and the wipe: nothing the resident typed survives it, not in
the flow, not in the outbox, not in any widget."""

from __future__ import annotations

from typing import Any

import pytest

from tests.kiosk.gui.conftest import ARTIFACTS, FakeClock
from tests.kiosk.gui.driver import Driver, run_app
from tests.kiosk.gui.support import make_kit

pytestmark = [pytest.mark.gui, pytest.mark.timeout(600)]
TYPED = "Samsung"


def widget_texts(app: Any) -> str:
    """Every text held by any widget of any screen and overlay (shown or not)."""
    from kivy.core.window import Window

    parts = []
    for widget in Window.children[0].walk():
        parts += [str(getattr(widget, name, "")) for name in ("text", "source", "value_text")]
    for screen in app.root.ids.screens.screens:
        for widget in screen.walk():
            parts += [str(getattr(widget, name, "")) for name in ("text", "source", "value_text")]
    return "\n".join(parts)


def test_warning_extends_then_wipes_everything(make_app, kiosk_settings) -> None:
    clock = FakeClock()
    kit = make_kit(kiosk_settings)
    app = make_app(kiosk_settings, kit.services, clock=clock)
    warn, extend = kiosk_settings.idle_warning_seconds, kiosk_settings.idle_extend_seconds

    def steps(d: Driver) -> None:
        d.tap("attract.start")
        d.tap("language.nl")
        d.tap("triage.report")
        d.tap("service.theft")
        d.tap("choice.stolen_items.0.item_kind.phone")
        d.tap("input.stolen_items.0.item_brand")
        d.type_text(TYPED)
        assert TYPED in d.call(lambda: widget_texts(app))

        clock.now += warn - 1
        d.call(app.tick)
        assert not d.has("idle.extend")
        clock.now += 1
        d.call(app.tick)
        assert d.has("idle.extend")
        assert d.text_of("idle.seconds") == app.ui.text("idle.text", "nl", seconds=int(extend))
        clock.now += extend - 10
        d.call(app.tick)
        assert d.text_of("idle.seconds") == app.ui.text("idle.text", "nl", seconds=10)
        d.tap("choice.stolen_items.0.item_kind.wallet")  # the overlay takes the touch: nothing behind changes
        assert d.call(lambda: app.flow.answer_of("stolen_items"))[0]["item_kind"] == "phone"
        d.tap("idle.extend")
        assert not d.has("idle.extend")
        assert d.call(lambda: app.flow.answer_of("stolen_items"))[0]["item_brand"] == TYPED

        clock.now += warn
        d.call(app.tick)
        assert d.has("idle.extend")
        clock.now += extend
        d.call(app.tick)
        d.frames(3)
        assert d.screen() == "attract"
        assert not d.has("idle.extend")
        assert d.call(lambda: app.flow.state.language) is None
        assert TYPED not in d.call(lambda: widget_texts(app))

    run_app(app, steps, ARTIFACTS)
    assert kit.cases() == []
