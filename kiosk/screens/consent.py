"""Consent: the statements to agree to before sending, what the police do with the data, and Send."""

from __future__ import annotations

from functools import partial
from typing import Any

from domain.forms import CaseKind
from kiosk.screens import KioskScreen
from kiosk.session.flow import FlowState
from kiosk.ui.fields import FieldEditor, FormContext, make_editor


class ConsentScreen(KioskScreen):
    _built_for: tuple[Any, ...] | None = None

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.editors: dict[str, FieldEditor] = {}

    def render(self, state: FlowState) -> None:
        app = self.app
        built_for = (state.case_type, state.step_id, state.language)
        if built_for != self._built_for:
            self._built_for = built_for
            final = self.flow.schema.kind is CaseKind.AANGIFTE
            self.ids.final.key = "consent.aangifte_final" if final else ""
            self.ids.final.opacity = 1 if final else 0
            self.editors.clear()
            box = self.ids.fields
            box.clear_widgets()
            context = FormContext(language=state.language or "nl", today=app.wall_clock().date(),
                                  open_keyboard=lambda _box: None, register=self.editors.__setitem__)
            for spec in self.flow.current_step().fields:
                box.add_widget(make_editor(spec, spec.id, self.flow.answer_of(spec.id), context,
                                           partial(self.touches.answer, spec.id)))
        for path, editor in self.editors.items():
            editor.show_error(state.errors.get(path))

    def show_failure(self) -> None:
        self.ids.failure.key = "common.error"
        self.ids.failure.opacity = 1

    def leave(self) -> None:
        self.ids.failure.key = ""
        self.ids.failure.opacity = 0
        self.ids.fields.clear_widgets()
        self.editors.clear()
        self._built_for = None
