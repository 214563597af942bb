"""A form step: one question or a small group, progress, per-field errors, and the on-screen keyboard."""

from __future__ import annotations

from functools import partial
from typing import Any

from kivy.clock import Clock

from domain.validation import FieldError
from kiosk.keyboard import keyboard_for_field
from kiosk.screens import KioskScreen
from kiosk.session.flow import FlowState
from kiosk.ui.fields import FieldEditor, FormContext, TextBox, make_editor


class FormScreen(KioskScreen):
    _built_for: tuple[Any, ...] | None = None

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.editors: dict[str, FieldEditor] = {}
        self.active_box: TextBox | None = None

    def render(self, state: FlowState) -> None:
        built_for = (state.case_type, state.step_id, state.language)
        if built_for != self._built_for:
            self._build(state)
            self._built_for = built_for
        self._show_errors(state.errors)

    def leave(self) -> None:
        self.close_keyboard()
        self.ids.fields.clear_widgets()
        self.editors.clear()
        self._built_for = None

    # ----- building -------------------------------------------------------------------------------------
    def _build(self, state: FlowState) -> None:
        app = self.app
        self.close_keyboard()
        self.editors.clear()
        box = self.ids.fields
        box.clear_widgets()
        step = self.flow.current_step()
        self.ids.title.key = step.title_key
        self.ids.progress.params = {"current": state.step_index + 1, "total": state.step_count}
        self.ids.progress_bar.value = (state.step_index + 1) / max(1, state.step_count)
        context = FormContext(language=state.language or "nl", today=app.wall_clock().date(),
                              open_keyboard=self.open_keyboard, register=self.editors.__setitem__)
        for spec in step.fields:
            editor = make_editor(spec, spec.id, self.flow.answer_of(spec.id), context,
                                 partial(self.touches.answer, spec.id))
            box.add_widget(editor)
        self.ids.scroll.scroll_y = 1

    # ----- errors ---------------------------------------------------------------------------------------
    def _show_errors(self, errors: dict[str, FieldError]) -> None:
        shown: dict[str, FieldError] = {}
        for path, error in errors.items():
            owner = self._owner_of(path)
            if owner is not None:
                shown.setdefault(owner, error)
        for path, editor in self.editors.items():
            if editor.get_parent_window() is not None:
                editor.show_error(shown.get(path))
        self.ids.error_summary.opacity = 1 if errors else 0
        self.ids.error_summary.key = "form.has_errors" if errors else ""
        first = next((self.editors[p] for p in self.editors if p in shown), None)
        if first is not None and first.get_parent_window() is not None:
            Clock.schedule_once(lambda _dt: self.ids.scroll.scroll_to(first, animate=False))

    def _owner_of(self, path: str) -> str | None:
        """The editor whose path is the longest prefix of an error's path."""
        candidates = [p for p in self.editors if path == p or path.startswith(p + ".")]
        return max(candidates, key=len) if candidates else None

    # ----- keyboard -------------------------------------------------------------------------------------
    def open_keyboard(self, box: TextBox) -> None:
        app = self.app
        model = keyboard_for_field(app.keyboards, app.lang, box.field_type, text=box.value_text,
                                   max_length=int(box.max_length), address_part=box.address_part or None,
                                   latin=box.latin)
        if model is None:
            return
        if self.active_box is not None:
            self.active_box.active = False
        self.active_box = box
        box.active = True
        self.ids.keyboard.attach(model, app.lang, box.set_text, self._keyboard_done)
        Clock.schedule_once(lambda _dt: self.ids.scroll.scroll_to(box, padding=20, animate=False))

    def close_keyboard(self) -> None:
        if self.active_box is not None:
            self.active_box.active = False
        self.active_box = None
        self.ids.keyboard.detach()

    def _keyboard_done(self) -> None:
        """Enter on a one-line box: on to the next box of this step, or close the keyboard after the last."""
        boxes = [w for w in self.ids.fields.walk(restrict=True) if isinstance(w, TextBox)]
        current = self.active_box
        following = boxes[boxes.index(current) + 1:] if current in boxes else []
        if following:
            self.open_keyboard(following[0])
        else:
            self.close_keyboard()
