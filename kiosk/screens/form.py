"""A form step: one question or a small group, progress, per-field errors, and the on-screen keyboard.

The form scrolls for the resident, never against them: to the first error only when answers were just refused
("Volgende"), and, while the keyboard is open, so that the field's question and the box being typed in both show
above it (kiosk/ui/in_view.py), also when the keyboard's arrival shrinks the visible part.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from kivy.clock import Clock

from domain.validation import FieldError
from kiosk.keyboard import keyboard_for_field
from kiosk.screens import KioskScreen
from kiosk.session.flow import FlowState
from kiosk.ui.fields import FieldEditor, FormContext, TextBox, make_editor
from kiosk.ui.in_view import Span, scroll_y_showing
from kiosk.ui.widgets import WarningLabel

IN_VIEW_PADDING = 16  # pixels kept free above the question and below the box


class FormScreen(KioskScreen):
    _built_for: tuple[Any, ...] | None = None

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.editors: dict[str, FieldEditor] = {}
        self.active_box: TextBox | None = None
        self._refusals_shown = 0

    def on_kv_post(self, base_widget: Any) -> None:
        # The keyboard opening (or closing) resizes the visible part: the typed-in field must stay in view.
        self.ids.scroll.bind(height=lambda *_: self._keep_active_in_view())

    def render(self, state: FlowState) -> None:
        built_for = (state.case_type, state.step_id, state.language)
        if built_for != self._built_for:
            self._build(state)
            self._built_for = built_for
        refused_now = state.refusals != self._refusals_shown
        self._refusals_shown = state.refusals
        self._show_errors(state.errors, scroll=refused_now)

    def leave(self) -> None:
        self.close_keyboard()
        self.ids.fields.clear_widgets()
        self.editors.clear()
        self._built_for = None
        self._refusals_shown = 0

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
        untranslatable = self._first_untranslatable_field(state.language or "nl")
        for spec in step.fields:
            if spec.id == untranslatable:
                box.add_widget(WarningLabel(key="translation.no_model_field", lang=context.language,
                                            tag="form.no_translation"))
            editor = make_editor(spec, spec.id, self.flow.answer_of(spec.id), context,
                                 partial(self.touches.answer, spec.id))
            box.add_widget(editor)
        self.ids.scroll.scroll_y = 1

    def _first_untranslatable_field(self, language: str) -> str | None:
        """The form's first free-text field the officer reads in Dutch, when this kiosk cannot translate the
        resident's language: there, before they write, they learn it (not on the review, after writing it all)."""
        translator = self.app.services.translator
        if language == "nl" or (translator is not None and translator.covers(language) is not False):
            return None
        fields = (f for step in self.flow.form_steps() for f in step.fields)
        return next((f.id for f in fields if f.translate), None)

    # ----- errors ---------------------------------------------------------------------------------------
    def _show_errors(self, errors: dict[str, FieldError], scroll: bool) -> None:
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
        if scroll and first is not None and first.get_parent_window() is not None:
            Clock.schedule_once(lambda _dt: self.ids.scroll.scroll_to(first, padding=IN_VIEW_PADDING, animate=False))

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
        Clock.schedule_once(lambda _dt: self._keep_active_in_view())

    def _keep_active_in_view(self) -> None:
        """Scroll so that the active box and the question above it (its editor's label and hint) show."""
        box = self.active_box
        if box is None or box.get_parent_window() is None:
            return
        editor = box.parent
        while editor is not None and not isinstance(editor, FieldEditor):
            editor = editor.parent
        scroll, content = self.ids.scroll, self.ids.fields

        def height_of(y: float) -> float:  # window y -> height above the content's bottom
            return y - content.to_window(content.x, content.y)[1]

        box_bottom, box_top = (height_of(box.to_window(box.x, y)[1]) for y in (box.y, box.top))
        top = height_of(editor.to_window(editor.x, editor.top)[1]) if editor is not None else box_top
        scroll.scroll_y = scroll_y_showing(Span(box_top, top), Span(box_bottom, box_top), content.height,
                                           scroll.height, scroll.scroll_y, IN_VIEW_PADDING)

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
