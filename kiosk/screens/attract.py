"""Attract: a greeting that cycles through every language; a touch anywhere starts a session."""

from __future__ import annotations

from typing import Any

from kivy.app import App
from kivy.clock import Clock
from kivy.properties import StringProperty
from kivy.uix.boxlayout import BoxLayout

from domain.languages import DUTCH, language
from kiosk.screens import KioskScreen
from kiosk.ui.widgets import KLabel

CYCLE_SECONDS = 3.0


class AttractScreen(KioskScreen):
    cycle_lang = StringProperty(DUTCH)

    def on_enter(self, *_: Any) -> None:
        self.cycle_lang = DUTCH
        Clock.schedule_interval(self.next_language, CYCLE_SECONDS)

    def on_leave(self, *_: Any) -> None:
        Clock.unschedule(self.next_language)

    def next_language(self, *_: Any) -> None:
        languages = self.app.settings.languages
        index = languages.index(self.cycle_lang) if self.cycle_lang in languages else -1
        self.cycle_lang = languages[(index + 1) % len(languages)]

    def on_touch_down(self, touch: Any) -> bool:
        if self.collide_point(*touch.pos):
            touch.grab(self)
            touch.ud["attract_lang"] = self.cycle_lang  # what the card said when pressed, should it change meanwhile
            return True
        return False

    def on_touch_up(self, touch: Any) -> bool:
        """A touch on the red 112 card opens the 112 screen in the language it shows; anywhere else starts."""
        if touch.grab_current is self:
            touch.ungrab(self)
            if self.ids.emergency_card.collide_point(*touch.pos):
                self.touches.emergency(touch.ud.get("attract_lang", self.cycle_lang))
            elif self.collide_point(*touch.pos):
                self.touches.start()
            return True
        return False

    def spoken_language(self) -> str:
        return self.cycle_lang

    def spoken(self) -> str:
        return "\n".join(self.app.ui.text(key, self.cycle_lang)
                         for key in ("attract.title", "attract.tap_to_start", "emergency.banner"))


class LanguageStrip(BoxLayout):
    """Every offered language by its own name, so a passer-by sees that theirs is there."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(size_hint_y=None, spacing="16dp", **kwargs)
        for code in App.get_running_app().settings.languages:
            self.add_widget(KLabel(source=language(code).native_name, lang=code, base_size=18, align="center",
                                   auto_height=False, speakable=False))
