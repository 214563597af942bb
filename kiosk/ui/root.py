"""The frame around every screen: top bar (112, read aloud, text size, contrast, stop), offline banner,
the screens, and the overlays (inactivity warning, stop confirmation) that sit above them."""

from __future__ import annotations

from typing import Any

from kivy.app import App
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.floatlayout import FloatLayout


class Overlay(FloatLayout):
    """A dimmed layer with a card; while shown it takes every touch so nothing behind it reacts."""

    shown = BooleanProperty(False)

    def on_touch_down(self, touch: Any) -> bool:
        if not self.shown:
            return False
        super().on_touch_down(touch)
        return True

    def on_touch_move(self, touch: Any) -> bool:
        return bool(self.shown and (super().on_touch_move(touch) or True))

    def on_touch_up(self, touch: Any) -> bool:
        return bool(self.shown and (super().on_touch_up(touch) or True))


class IdleOverlay(Overlay):
    seconds = NumericProperty(0)
    text_key = StringProperty("idle.text")  # "idle.text_sent" once the case is saved: no answers are lost then


class StopOverlay(Overlay):
    pass


class KioskRoot(FloatLayout):
    """Every touch, scroll or drag anywhere is the resident's activity, also one no button reacts to (reading the
    review while scrolling it). While the inactivity warning shows, only its own buttons answer it: a touch behind
    the dimmed layer neither changes an answer nor quietly dismisses the warning."""

    def on_touch_down(self, touch: Any) -> bool:
        self._activity()
        return bool(super().on_touch_down(touch))

    def on_touch_move(self, touch: Any) -> bool:
        self._activity()
        return bool(super().on_touch_move(touch))

    def _activity(self) -> None:
        if not self.ids.idle_overlay.shown:
            App.get_running_app().note_activity()
