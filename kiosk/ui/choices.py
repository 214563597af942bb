"""A grid of large buttons of which the resident picks one: choices, days, months, years, hours."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from kivy.properties import NumericProperty
from kivy.uix.gridlayout import GridLayout

from kiosk.ui.widgets import KButton


@dataclass(frozen=True)
class Option:
    value: Any
    tag: str
    key: str = ""  # catalog key of the caption, or
    text: str = ""  # a caption that needs no translation (digits)


class ChoiceGrid(GridLayout):
    """Buttons in `cols` columns; `on_pick(value)` is called when one is touched. Rows grow with the text."""

    min_col_width = NumericProperty(0)

    def __init__(self, options: Sequence[Option], on_pick: Callable[[Any], None], *, language: str,
                 selected: Any = None, cols: int = 2, base_size: float = 20, rtl: bool = False,
                 **kwargs: Any) -> None:
        # Right-to-left readers scan a grid from the right: the first option goes top right.
        super().__init__(cols=cols, size_hint_y=None, height=0, orientation="rl-tb" if rtl else "lr-tb", **kwargs)
        self.bind(minimum_height=self.setter("height"))
        self._on_pick = on_pick
        self._buttons: dict[Any, KButton] = {}
        for option in options:
            button = KButton(key=option.key, source=option.text, lang=language if option.key else "nl",
                             tag=option.tag, role="choice", base_size=base_size, align="center")
            button.selected = option.value == selected
            button.bind(on_release=lambda _b, value=option.value: self.pick(value))
            self._buttons[option.value] = button
            self.add_widget(button)

    def pick(self, value: Any) -> None:
        self.select(value)
        self._on_pick(value)

    def select(self, value: Any) -> None:
        for option_value, button in self._buttons.items():
            button.selected = option_value == value
