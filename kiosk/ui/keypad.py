"""The on-screen keyboard: draws a kiosk.keyboard layout and feeds touches to its KeyboardInput model.

Rows are drawn left to right as the layout files write them (an Arabic keyboard's top row starts with ض on the
left, as on a physical keyboard); only the text the keys type runs right to left.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kivy.metrics import dp
from kivy.properties import BooleanProperty, ObjectProperty
from kivy.uix.boxlayout import BoxLayout

from domain.languages import LANGUAGES
from kiosk.keyboard import Key, KeyboardInput, KeyKind
from kiosk.ui.widgets import KButton

NUMBER_PAD_COLUMNS = 3
# A language written in each script, to pick the font a key's letter is drawn in.
_SCRIPT_LANGUAGE = {lang.script: lang.code for lang in reversed(LANGUAGES)}


def key_tag(key: Key) -> str:
    if key.kind is KeyKind.CHAR:
        return f"key.{key.value}"
    if key.kind is KeyKind.PAGE:
        return f"key.page.{key.value}"
    return f"key.{key.kind.value}"


class OnScreenKeyboard(BoxLayout):
    """Shown under the form while a typed field is active; hidden (zero height) otherwise."""

    model = ObjectProperty(None, allownone=True)
    shown = BooleanProperty(False)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(orientation="vertical", **kwargs)
        self._on_text: Callable[[str], None] = lambda _t: None
        self._on_done: Callable[[], None] = lambda: None
        self.language = "nl"

    def attach(self, model: KeyboardInput, language: str, on_text: Callable[[str], None],
               on_done: Callable[[], None]) -> None:
        self.model, self.language = model, language
        self._on_text, self._on_done = on_text, on_done
        self.shown = True
        self.render()

    def detach(self) -> None:
        self.model = None
        self.shown = False
        self.clear_widgets()

    def render(self) -> None:
        self.clear_widgets()
        model = self.model
        if model is None:
            return
        rows = model.rows()
        # A number pad (three keys a row) stays in the middle, under the thumb, instead of stretching wide.
        narrow = max(len(row) for row in rows) <= NUMBER_PAD_COLUMNS
        side = self.width * 0.25 if narrow else dp(8)
        self.padding = [side, dp(6), side, dp(6)]
        for row in rows:
            line = BoxLayout(spacing="6dp")
            for key in row:
                line.add_widget(self._key_button(model, key))
            self.add_widget(line)

    def type(self, text: str) -> None:
        """What typing `text` key by key gives (length limit, shift), in one step, as the field hears a key."""
        model = self.model
        if model is None:
            return
        model.type(text)
        self._on_text(model.text)
        self.render()

    def press(self, key: Key) -> None:
        model = self.model
        if model is None:
            return
        before = (model.layout.name, model.page, model.shift, model.caps_lock)
        text = model.press(key)
        self._on_text(text)
        if model.submitted:
            model.submitted = False
            self._on_done()
            return
        if before != (model.layout.name, model.page, model.shift, model.caps_lock):
            self.render()

    def _key_button(self, model: KeyboardInput, key: Key) -> KButton:
        caption = model.caption(key)
        if key.kind in (KeyKind.CHAR, KeyKind.PAGE, KeyKind.SWITCH) and caption:
            script = model.layout.script if key.kind is KeyKind.CHAR else _script_of(caption, model)
            button = KButton(source=caption, lang=_SCRIPT_LANGUAGE.get(script, "nl"), base_size=24)
        else:
            button = KButton(key=key.label_key or "", lang=self.language, base_size=18)
        button.tag = key_tag(key)
        button.align = "center"
        button.role = "primary" if key.kind is KeyKind.ENTER else "secondary"
        button.selected = key.kind is KeyKind.SHIFT and (model.shift or model.caps_lock)
        button.speakable = False
        button.size_hint_x = key.width
        button.auto_height = False  # every key of a row exactly as tall, whatever its script's line height
        button.size_hint_y = 1
        button.bind(on_release=lambda _b: self.press(key))
        return button


def _script_of(caption: str, model: KeyboardInput) -> str:
    """The script of a page or switch key's caption: Arabic letters, or Latin/digits."""
    first = caption[:1]
    if "\u0600" <= first <= "\u06ff":
        return "persian" if model.language == "fa" else "arabic"
    if "\u0400" <= first <= "\u04ff":
        return "cyrillic"
    return "latin"
