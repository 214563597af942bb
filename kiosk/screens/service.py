"""Service choice: the case types the triage leads to, each with a one-line description."""

from __future__ import annotations

from kiosk.screens import KioskScreen
from kiosk.session.flow import FlowState
from kiosk.ui.widgets import KButton, MutedLabel


class ServiceScreen(KioskScreen):
    _built_for: tuple[str, tuple[str, ...]] | None = None

    def render(self, state: FlowState) -> None:
        app = self.app
        services = self.flow.services()
        kinds = {schema.kind.value for schema in services}
        self.ids.kind_text.key = f"kind.{next(iter(kinds))}.text" if len(kinds) == 1 else ""
        built_for = (app.lang, tuple(schema.case_type for schema in services))
        if built_for == self._built_for:
            return
        self._built_for = built_for
        box = self.ids.services
        box.clear_widgets()
        for schema in services:
            button = KButton(key=schema.title_key, lang=app.lang, tag=f"service.{schema.case_type}", role="primary",
                             icon="next", base_size=26, bold=True)
            button.bind(on_release=lambda _b, case_type=schema.case_type: self.touches.choose_service(case_type))
            box.add_widget(button)
            box.add_widget(MutedLabel(key=schema.description_key, lang=app.lang, base_size=18,
                                      padding=("12dp", "0dp")))

    def leave(self) -> None:
        self._built_for = None
        self.ids.services.clear_widgets()
