"""One editor per form field type: the question, its input (keyboard box, buttons or pickers) and its error.

Editors hold the raw answer and hand every change to `on_value`; the form screen passes it to the flow, which
validates when the resident moves on. Errors come back keyed by path ("home_address", "stolen_items.0.item_kind")
and are shown under the editor registered for the longest matching path.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

from kivy.properties import BooleanProperty, NumericProperty, StringProperty

from domain.forms import Field, FieldType
from domain.validation import FieldError
from kiosk.text import is_rtl
from kiosk.ui.choices import ChoiceGrid, Option
from kiosk.ui.pickers import DatePicker, WindowPicker
from kiosk.ui.widgets import Column, ErrorLabel, KButton, KLabel, MutedLabel, TickBox, ui

ADDRESS_PARTS = ("street", "number", "postcode", "city")
# Typed values the police read in Latin letters and digits: shown left to right whatever the language.
_LATIN_TYPES = {FieldType.PHONE, FieldType.EMAIL, FieldType.IBAN, FieldType.FRAME_NUMBER, FieldType.URL,
                FieldType.POSTCODE, FieldType.AMOUNT}


@dataclass
class FormContext:
    language: str
    today: date
    open_keyboard: Callable[[TextBox], None]
    register: Callable[[str, FieldEditor], None]

    @property
    def rtl(self) -> bool:
        return is_rtl(self.language)


class TextBox(KButton):
    """Shows what was typed; touching it opens the on-screen keyboard for this box."""

    field_type = StringProperty(FieldType.TEXT.value)
    address_part = StringProperty("")
    latin = BooleanProperty(False)  # opens the Latin keyboard first (Field.latin)
    max_length = NumericProperty(200)
    value_text = StringProperty("")
    active = BooleanProperty(False)
    multiline = BooleanProperty(False)

    def __init__(self, on_text: Callable[[str], None], **kwargs: Any) -> None:
        self._on_text = on_text
        super().__init__(**kwargs)
        self.role = "plain"
        self.speakable = False  # never read typed personal data aloud in a public hall
        for name in ("value_text", "active"):
            self.fbind(name, self._show)
        self._show()

    def set_text(self, text: str) -> None:
        self.value_text = text
        self._on_text(text)

    def _show(self, *_: Any) -> None:
        caret = "|" if self.active else ""
        prefix = "€ " if self.field_type == FieldType.AMOUNT.value else ""
        self.source = prefix + self.value_text + caret


class FieldEditor(Column):
    """Question, optional hint, the input, and the error in the resident's language."""

    tag = StringProperty("")
    has_error = BooleanProperty(False)
    show_label = True

    def __init__(self, spec: Field, path: str, value: Any, ctx: FormContext, on_value: Callable[[Any], object],
                 **kwargs: Any) -> None:
        super().__init__(spacing="8dp", **kwargs)
        self.spec, self.path, self.ctx, self.value = spec, path, ctx, value
        self.tag = f"field.{path}"
        self._on_value = on_value
        if self.show_label:
            self.add_widget(KLabel(key=spec.label_key, lang=ctx.language, bold=True, base_size=22, tag=f"label.{path}"))
        if not spec.required and spec.type not in (FieldType.BOOLEAN, FieldType.CONSENT):
            self.add_widget(MutedLabel(key="form.optional", lang=ctx.language, base_size=16))
        if ui().has(spec.hint_key, ctx.language):
            self.add_widget(KLabel(key=spec.hint_key, lang=ctx.language, base_size=18))
        if spec.latin:
            self.add_widget(KLabel(key="form.as_on_id", lang=ctx.language, base_size=18, tag=f"as_on_id.{path}"))
        self.build_input()
        self.error = ErrorLabel(lang=ctx.language, bold=True, base_size=18, opacity=0, tag=f"error.{path}")
        self.add_widget(self.error)
        ctx.register(path, self)

    def build_input(self) -> None:
        raise NotImplementedError

    def commit(self, value: Any) -> None:
        self.value = value
        self._on_value(value)

    def show_error(self, error: FieldError | None) -> None:
        self.has_error = error is not None
        if error is None:
            self.error.key, self.error.source, self.error.opacity = "", "", 0
            return
        self.error.params = _error_params(error, self.ctx.language)
        self.error.key = error.message_key
        self.error.opacity = 1


def _error_params(error: FieldError, language: str) -> dict[str, Any]:
    params = dict(error.params)
    if "missing" in params:  # address parts: name them in the resident's language
        params["missing"] = ", ".join(ui().text(f"address.{part}", language) for part in params["missing"])
    return params


class TextEditor(FieldEditor):
    def build_input(self) -> None:
        kind = self.spec.type
        self.box = TextBox(self.commit, field_type=kind.value, max_length=self.spec.max_length, latin=self.spec.latin,
                           value_text=str(self.value or ""), lang="nl" if kind in _LATIN_TYPES else self.ctx.language,
                           multiline=kind is FieldType.LONG_TEXT, tag=f"input.{self.path}")
        if kind is FieldType.LONG_TEXT:
            self.box.min_height = self.box.min_height * 2.5
        self.box.bind(on_release=lambda _b: self.ctx.open_keyboard(self.box))
        self.add_widget(self.box)


class ChoiceEditor(FieldEditor):
    def build_input(self) -> None:
        options = [Option(c, f"choice.{self.path}.{c}", key=self.spec.choice_key(c)) for c in self.spec.choices]
        cols = 3 if len(options) > 6 else 2
        self.add_widget(ChoiceGrid(options, self.commit, language=self.ctx.language, selected=self.value,
                                   cols=cols, rtl=self.ctx.rtl, spacing="8dp"))


class BooleanEditor(FieldEditor):
    def build_input(self) -> None:
        options = [Option(True, f"choice.{self.path}.yes", key="nav.yes"),
                   Option(False, f"choice.{self.path}.no", key="nav.no")]
        self.add_widget(ChoiceGrid(options, self.commit, language=self.ctx.language, selected=self.value,
                                   cols=2, rtl=self.ctx.rtl, spacing="8dp"))


class ConsentEditor(FieldEditor):
    """A single box to tick that carries the statement the resident agrees to."""

    show_label = False

    def build_input(self) -> None:
        self.box = TickBox(key=self.spec.label_key, lang=self.ctx.language, tag=f"consent.{self.path}")
        self.box.selected = bool(self.value)
        self.box.bind(on_release=lambda _b: self._toggle())
        self.add_widget(self.box)

    def _toggle(self) -> None:
        self.box.selected = not self.box.selected
        self.commit(self.box.selected)


class DateEditor(FieldEditor):
    def build_input(self) -> None:
        # A date of birth spans a lifetime (decades first); the date of an event is recent (today, yesterday).
        recent = not self.spec.personal
        self.add_widget(DatePicker(f"date.{self.path}", self.ctx.language, self.ctx.rtl, self.ctx.today,
                                   self.value, self.commit, recent=recent))


class WindowEditor(FieldEditor):
    def build_input(self) -> None:
        self.add_widget(WindowPicker(f"window.{self.path}", self.ctx.language, self.ctx.rtl, self.ctx.today,
                                     self.value, self.commit))


class AddressEditor(FieldEditor):
    def build_input(self) -> None:
        self.parts: dict[str, str] = dict(self.value or {})
        for part in ADDRESS_PARTS:
            self.add_widget(KLabel(key=f"address.{part}", lang=self.ctx.language, base_size=18))
            box = TextBox(partial(self._set_part, part), field_type=FieldType.ADDRESS.value,
                          address_part=part, max_length=120, value_text=self.parts.get(part, ""), lang="nl",
                          tag=f"input.{self.path}.{part}")
            box.bind(on_release=lambda b: self.ctx.open_keyboard(b))
            self.add_widget(box)

    def _set_part(self, part: str, text: str) -> None:
        self.parts[part] = text
        self.commit({key: value for key, value in self.parts.items() if value})


class ItemsEditor(FieldEditor):
    """A list of things (stolen items): each one a small group of sub-questions; add and remove buttons."""

    def build_input(self) -> None:
        self.items: list[dict[str, Any]] = [dict(item) for item in (self.value or [{}])]
        self.list = Column(spacing="12dp")
        self.add_widget(self.list)
        self.add_button = KButton(key="nav.add_item", lang=self.ctx.language, tag=f"items.{self.path}.add", icon="plus")
        self.add_button.bind(on_release=lambda _b: self._add())
        self.add_widget(self.add_button)
        self._render()

    def _render(self) -> None:
        self.list.clear_widgets()
        for index, item in enumerate(self.items):
            group = Column(spacing="8dp")
            group.add_widget(KLabel(key="form.item_number", params={"number": index + 1}, lang=self.ctx.language,
                                    bold=True))
            for sub in self.spec.fields:
                group.add_widget(make_editor(sub, f"{self.path}.{index}.{sub.id}", item.get(sub.id), self.ctx,
                                             partial(self._set, index, sub.id)))
            if len(self.items) > 1:
                remove = KButton(key="nav.remove_item", lang=self.ctx.language, tag=f"items.{self.path}.{index}.remove",
                                 icon="cross")
                remove.bind(on_release=lambda _b, i=index: self._remove(i))
                group.add_widget(remove)
            self.list.add_widget(group)
        self.add_button.disabled = len(self.items) >= self.spec.max_items

    def _set(self, index: int, key: str, value: Any) -> None:
        self.items[index][key] = value
        self.commit([dict(item) for item in self.items])

    def _add(self) -> None:
        self.items.append({})
        self._render()

    def _remove(self, index: int) -> None:
        del self.items[index]
        self._render()
        self.commit([dict(item) for item in self.items])


_EDITORS: dict[FieldType, type[FieldEditor]] = {
    FieldType.CHOICE: ChoiceEditor,
    FieldType.BOOLEAN: BooleanEditor,
    FieldType.CONSENT: ConsentEditor,
    FieldType.DATE: DateEditor,
    FieldType.DATETIME_WINDOW: WindowEditor,
    FieldType.ADDRESS: AddressEditor,
    FieldType.ITEMS: ItemsEditor,
}


def make_editor(spec: Field, path: str, value: Any, ctx: FormContext, on_value: Callable[[Any], object]) -> FieldEditor:
    return _EDITORS.get(spec.type, TextEditor)(spec, path, value, ctx, on_value)
