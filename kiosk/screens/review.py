"""Review: what the officer will read. Each step's answers with a change button; free text in the resident's
words and in Dutch, marked as machine translated, flagged when doubtful, plainly missing when no model."""

from __future__ import annotations

from domain.forms import Field, Step
from domain.languages import DUTCH
from domain.payload import Translation
from kiosk.screens import KioskScreen
from kiosk.session.flow import FlowState
from kiosk.ui.answers import format_answer
from kiosk.ui.widgets import Card, Column, KButton, KLabel, MachineLabel, MutedLabel, Row, WarningLabel


class ReviewScreen(KioskScreen):
    def render(self, state: FlowState) -> None:
        app = self.app
        language = state.language or DUTCH
        translator = app.services.translator
        unavailable = language != DUTCH and (translator is None or translator.covers(language) is False)
        self.ids.no_translation.opacity = 1 if unavailable else 0
        self.ids.no_translation.key = "translation.unavailable" if unavailable else ""
        box = self.ids.steps
        box.clear_widgets()
        for step in self.flow.form_steps():
            box.add_widget(self._step_card(step, language))

    def leave(self) -> None:
        self.ids.steps.clear_widgets()

    def _step_card(self, step: Step, language: str) -> Card:
        app = self.app
        card = Card(tag=f"review.{step.id}")
        header = Row(rtl=app.rtl, height=0)
        header.bind(minimum_height=header.setter("height"))
        title = KLabel(key=step.title_key, lang=language, bold=True, base_size=26, size_hint_x=0.7)
        edit = KButton(key="nav.edit", lang=language, tag=f"review.edit.{step.id}", size_hint_x=0.3, base_size=20)
        edit.bind(on_release=lambda _b, step_id=step.id: self.touches.edit(step_id))
        header.set_children([title, edit])
        card.add_widget(header)
        for spec in step.fields:
            card.add_widget(self._answer(spec, language))
        return card

    def _answer(self, spec: Field, language: str) -> Column:
        app = self.app
        value = self.flow.answer_of(spec.id)
        group = Column(spacing="4dp")
        group.add_widget(MutedLabel(key=spec.label_key, lang=language, base_size=18))
        translated = language != DUTCH and spec.translate and isinstance(value, str) and value.strip()
        if not translated:
            group.add_widget(KLabel(source=format_answer(spec, value, app.ui, language), lang=language,
                                    tag=f"review.answer.{spec.id}"))
            return group
        group.add_widget(MutedLabel(key="review.original", lang=language, base_size=16))
        group.add_widget(KLabel(source=str(value), lang=language, tag=f"review.answer.{spec.id}"))
        group.add_widget(self._translation(spec.id, language))
        return group

    def _translation(self, field_id: str, language: str) -> Column:
        app = self.app
        box = Column(spacing="4dp", padding=("16dp", "8dp"))
        state = app.translation_state(field_id)
        translation: Translation | None = self.flow.translations().get(field_id)
        if state == "pending":
            box.add_widget(MutedLabel(key="review.translating", lang=language, tag=f"review.translating.{field_id}"))
            return box
        if translation is None or not (translation.dutch or "").strip():
            box.add_widget(WarningLabel(key="review.translation_unavailable", lang=language,
                                        tag=f"review.unavailable.{field_id}"))
            return box
        box.add_widget(MutedLabel(key="review.dutch", lang=language, base_size=16))
        box.add_widget(KLabel(source=translation.dutch, lang=DUTCH, tag=f"review.dutch.{field_id}"))
        marker = "review.pivot" if translation.pivot else "review.machine_translation"
        box.add_widget(MachineLabel(key=marker, lang=language, tag=f"review.machine.{field_id}"))
        if translation.low_confidence:
            box.add_widget(WarningLabel(key="review.low_confidence", lang=language,
                                        tag=f"review.low_confidence.{field_id}"))
        return box
