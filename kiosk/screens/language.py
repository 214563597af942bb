"""Language choice: every offered language by its own name and in its own script; no flags."""

from __future__ import annotations

from typing import Any

from kivy.app import App
from kivy.uix.gridlayout import GridLayout

from domain.languages import language
from kiosk.screens import KioskScreen, touches
from kiosk.ui.widgets import KButton


class LanguageScreen(KioskScreen):
    pass


class LanguageGrid(GridLayout):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(cols=2, size_hint_y=None, height=0, spacing="16dp", **kwargs)
        self.bind(minimum_height=self.setter("height"))
        app = App.get_running_app()
        for code in app.settings.languages:
            button = KButton(source=language(code).native_name, lang=code, tag=f"language.{code}", base_size=26,
                             align="center", role="choice", bold=True)
            button.bind(on_release=lambda _b, code=code: touches().choose_language(code))
            self.add_widget(button)
