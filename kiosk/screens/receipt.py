"""Receipt: the reference (as text and QR code), what happens next, "saved, will be sent" while offline,
and a printed copy when a CUPS printer is configured."""

from __future__ import annotations

from kivy.clock import Clock
from kivy.properties import BooleanProperty, StringProperty

from domain.forms import CaseKind
from kiosk.screens import KioskScreen
from kiosk.session.flow import FlowState
from kiosk.session.states import Receipt
from kiosk.ui.pickers import KIOSK_TIMEZONE
from kiosk.ui.qr import qr_texture


class ReceiptScreen(KioskScreen):
    reference = StringProperty("")
    official = BooleanProperty(False)  # an aangifte: it becomes official once an officer has seen the ID document
    print_state = StringProperty("")  # "", "printing", "printed", "print_failed"

    def render(self, state: FlowState) -> None:
        receipt = state.receipt
        if receipt is None:
            return
        self.official = receipt.kind is CaseKind.AANGIFTE  # then its card says what comes next (receipt.kv)
        self.ids.next_steps.key = "" if self.official else f"receipt.next.{receipt.kind.value}"
        self._show_summary(receipt)
        if receipt.reference and receipt.reference != self.reference:
            self.reference = receipt.reference
            self.ids.qr.texture = qr_texture(receipt.reference)
        self.ids.mailed.key = "receipt.mail" if receipt.reference and receipt.mailed else ""
        waiting = "receipt.offline" if self.app.offline else "receipt.waiting"
        self.ids.waiting.key = "" if receipt.reference else waiting

    def _show_summary(self, receipt: Receipt) -> None:
        """What was reported (kind and service), when it was filled in (kiosk time) and where, on the screen only:
        paper left behind in the hall carries no answers."""
        ui, language = self.app.ui, self.app.lang
        what, when, where = self.ids.what, self.ids.when, self.ids.where
        what.params = {"kind": ui.text(f"kind.{receipt.kind.value}", language),
                       "service": ui.text(f"service.{receipt.case_type}", language)}
        what.key = "receipt.what"
        moment = (receipt.filled_in_at or self.app.wall_clock()).astimezone(KIOSK_TIMEZONE)
        when.params = {"date": moment.strftime("%d-%m-%Y"), "time": moment.strftime("%H:%M")}
        when.key = "receipt.when"
        where.params = {"place": receipt.place or ""}
        where.key = "receipt.where" if receipt.place else ""

    def leave(self) -> None:
        self.reference = ""
        self.official = False
        self.print_state = ""
        self.ids.qr.texture = None

    def print_receipt(self) -> None:
        app = self.app
        printer = app.services.printer
        receipt: Receipt | None = self.flow.state.receipt
        if printer is None or receipt is None or self.print_state == "printing":
            return
        self.print_state = "printing"
        printer.print_text(self._paper_text(receipt), lambda ok: Clock.schedule_once(lambda _dt: self._printed(ok)))

    def _printed(self, ok: bool) -> None:
        if self.print_state == "printing":
            self.print_state = "printed" if ok else "print_failed"

    def _paper_text(self, receipt: Receipt) -> str:
        """Reference and next steps only: paper left behind in the hall must not carry the resident's answers.
        Printed in Dutch and, if different, the resident's language (printers rarely shape Arabic: Dutch first)."""
        app = self.app
        lines: list[str] = [app.ui.text("app.name", "nl"), ""]
        for language in dict.fromkeys(["nl", app.lang]):
            if receipt.reference:
                lines.append(app.ui.text("receipt.reference", language, reference=receipt.reference))
            else:
                lines.append(app.ui.text("receipt.offline", language))
            lines.append(app.ui.text(f"receipt.next.{receipt.kind.value}", language))
            if receipt.kind is CaseKind.AANGIFTE:
                lines.append(app.ui.text("receipt.official", language))
            lines.append("")
        return "\n".join(lines)

