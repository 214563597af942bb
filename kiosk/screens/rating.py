"""Rating: five faces from very hard to very easy; skipping is fine."""

from __future__ import annotations

from typing import Any

from kivy.properties import NumericProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout

from kiosk.screens import KioskScreen, touches


class RatingScreen(KioskScreen):
    pass


class FaceButton(ButtonBehavior, BoxLayout):
    faces = NumericProperty(3)
    tag = StringProperty("")

    def on_release(self, *_: Any) -> None:
        touches().rate(int(self.faces))
