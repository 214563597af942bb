"""Labels and buttons that speak the resident's language: catalog text, the right font, Arabic shaped and wrapped.

Kivy's SDL2 text provider neither shapes Arabic nor knows right-to-left, so a right-to-left label breaks its
text into lines in logical order first (measured with its own font) and only then shapes each line; Kivy then
receives lines that already fit and does no wrapping of its own.
"""

from __future__ import annotations

from typing import Any

from kivy.app import App
from kivy.clock import Clock
from kivy.core.text import Label as CoreLabel
from kivy.properties import (
    BooleanProperty,
    DictProperty,
    ListProperty,
    NumericProperty,
    OptionProperty,
    StringProperty,
)
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label

from kiosk.text import is_rtl, shape


def ui() -> Any:
    """The running app's UiText; widgets are only ever built inside the KioskApp."""
    return App.get_running_app().ui


class KLabel(Label):
    key = StringProperty("")  # catalog key; when empty, `source` is shown as is
    params = DictProperty({})
    source = StringProperty("")  # logical text (what read-aloud speaks)
    lang = StringProperty("nl")  # language the text is in (decides font and direction)
    bold = BooleanProperty(False)
    align = OptionProperty("start", options=["start", "center", "end"])
    base_size = NumericProperty(20)  # sp before the large-text scale
    auto_height = BooleanProperty(True)
    min_height = NumericProperty(0)
    speakable = BooleanProperty(True)
    text_lang = StringProperty("nl")  # language of the text actually shown (a catalog gap falls back)

    def __init__(self, **kwargs: Any) -> None:
        self._refresh_trigger = Clock.create_trigger(self.refresh, -1)
        kwargs.setdefault("markup", True)
        super().__init__(**kwargs)
        for name in ("key", "params", "source", "lang", "bold", "align", "width", "font_size", "padding"):
            self.fbind(name, self._refresh_trigger)
        self.fbind("source", self._fit_height)
        self.fbind("texture_size", self._fit_height)
        self.fbind("min_height", self._fit_height)
        self.fbind("auto_height", self._fit_height)
        self._refresh_trigger()
        self._fit_height()

    def spoken(self) -> str:
        return self.source if self.speakable and self.opacity > 0 else ""

    def refresh(self, *_: Any) -> None:
        texts = ui()
        if self.key:
            self.text_lang = texts.language_of_text(self.key, self.lang)
            self.source = texts.text(self.key, self.lang, **self.params)
        else:
            self.text_lang = self.lang
        self.font_name = texts.font(self.text_lang, self.bold)
        rtl = is_rtl(self.text_lang)
        self.halign = {"start": "right" if rtl else "left", "end": "left" if rtl else "right"}.get(
            self.align, "center"
        )
        # Kivy takes the padding off text_size itself; the wrap width for right-to-left lines is what is left.
        self.text_size = (self.width, None)
        self.text = self._display(self.source, rtl, max(1.0, self.width - self._padding_x() * 2))

    def _display(self, text: str, rtl: bool, width: float) -> str:
        fonts = ui().fonts
        if not rtl:
            return fonts.markup(text, self.text_lang, self.bold)
        lines = _wrap_logical(text, self._measure, width, self.text_lang)
        return "\n".join(fonts.markup(line, self.text_lang, self.bold) for line in lines)

    def _measure(self, shaped: str) -> float:
        core = CoreLabel(font_name=self.font_name, font_size=self.font_size)
        return float(core.get_extents(shaped)[0])

    def _padding_x(self) -> float:
        return float(self.padding[0])

    def _fit_height(self, *_: Any) -> None:
        if self.auto_height:  # the texture already includes the padding; an empty label takes no room
            self.height = max(self.min_height, self.texture_size[1] if self.source else 0)


def _wrap_logical(text: str, measure: Any, width: float, language: str) -> list[str]:
    """Lines in logical order, each fitting `width` once shaped; a word longer than a line stands alone."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current: list[str] = []
        for word in paragraph.split(" "):
            candidate = " ".join([*current, word])
            if current and measure(shape(candidate, language)) > width:
                lines.append(" ".join(current))
                current = [word]
            else:
                current.append(word)
        lines.append(" ".join(current))
    return lines


class ErrorLabel(KLabel):
    """A validation message under its field, in the error colour."""

    tag = StringProperty("")


class KButton(ButtonBehavior, KLabel):
    """A touch target with a catalog label. `tag` names it for tests and usage; it never holds answers."""

    tag = StringProperty("")
    role = OptionProperty("secondary", options=["primary", "secondary", "danger", "choice", "plain"])
    selected = BooleanProperty(False)
    icon = StringProperty("")
    reserve_icon = BooleanProperty(False)  # keep the icon's room even while no icon shows (tick boxes)
    icon_room = NumericProperty(0)
    hidden = BooleanProperty(False)  # not shown and not touchable

    def on_hidden(self, *_: Any) -> None:
        self.disabled = self.hidden


class TickBox(KButton):
    """A statement with a tick box at its start; `selected` is ticked."""


class MutedLabel(KLabel):
    pass


class Row(BoxLayout):
    """A horizontal row that mirrors its children for right-to-left languages (next on the left, back on the
    right), so the reading direction and the direction of travel agree."""

    rtl = BooleanProperty(False)
    _mirrored = BooleanProperty(False)

    def on_rtl(self, *_: Any) -> None:
        if self.rtl != self._mirrored:
            children = list(self.children)
            self.clear_widgets()
            for child in children:  # children are stored last-added first: re-adding reverses the order
                self.add_widget(child)
            self._mirrored = self.rtl

    def set_children(self, widgets: list[Any]) -> None:
        """Replace the children, given in reading order for left-to-right languages."""
        self.clear_widgets()
        for widget in reversed(widgets) if self.rtl else widgets:
            self.add_widget(widget)
        self._mirrored = self.rtl


class Column(BoxLayout):
    """A vertical box exactly as tall as its children (starts at 0, not Kivy's default 100)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("orientation", "vertical")
        kwargs.setdefault("size_hint_y", None)
        kwargs.setdefault("height", 0)
        super().__init__(**kwargs)
        self.bind(minimum_height=self.setter("height"))


class Spacer(Label):
    pass


class Card(BoxLayout):
    """A surface with a border that groups one question or one answer."""

    tag = StringProperty("")
    error_key = StringProperty("")
    error_params = DictProperty({})
    highlight = ListProperty([0, 0, 0, 0])

    def on_touch_down(self, touch: Any) -> bool:
        # A card that is not shown (opacity 0, folded to no height) takes no touch. Kivy lets a disabled widget
        # swallow every touch on its rectangle, and the children of a folded card still lie over what is shown.
        if self.opacity == 0:
            return False
        return bool(super().on_touch_down(touch))


class WarningLabel(KLabel):
    """A doubt the resident and the officer should see: a low-confidence or missing translation (drawn in the
    theme's warning colour, kiosk/screens/review.kv)."""


class MachineLabel(KLabel):
    """Marks text a computer translated (drawn in the theme's machine colour, kiosk/screens/review.kv)."""
