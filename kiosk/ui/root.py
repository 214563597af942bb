"""The frame around every screen: top bar (112, read aloud, text size, contrast, stop), offline banner,
the screens, and the overlays (inactivity warning, stop confirmation) that sit above them."""

from __future__ import annotations

from typing import Any

from kivy.properties import BooleanProperty, NumericProperty
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


class StopOverlay(Overlay):
    pass


class KioskRoot(FloatLayout):
    pass
