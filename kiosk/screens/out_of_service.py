"""Out of service: not provisioned, or the backend lost for long. Residents get 112 and 0900-8844; the
technician gets a status line (no personal data: states and counts only)."""

from __future__ import annotations

from kivy.properties import StringProperty

from kiosk.screens import KioskScreen
from kiosk.session.flow import FlowState


class OutOfServiceScreen(KioskScreen):
    status_line = StringProperty("")

    def render(self, state: FlowState) -> None:
        app = self.app
        parts = [app.ui.text("status.not_provisioned", "nl") if not app.settings.provisioned else ""]
        status = app.status
        if status is not None:
            if app.offline:
                minutes = int(app.offline_seconds() // 60)
                parts.append(app.ui.text("status.backend_unreachable", "nl", minutes=minutes))
            if status.pending_cases:
                parts.append(app.ui.text("status.pending", "nl", count=status.pending_cases))
        parts.append(app.out_of_service_reason or "")
        self.status_line = " · ".join(part for part in parts if part)
