"""SigningPanel: the statement an officer sent during a call, for the resident to read and sign or refuse.

It takes the place of the chat on the call screen (kiosk/screens/call.py): the statement on one side, each answer
in the resident's language with the Dutch the police files under it (machine translation marked), then what the
officer added (machine-translated into the resident's language, the Dutch under it); on the other the declaration,
right above the signature pad as on paper, and the two answers. Refusing asks once more. What the resident chose goes
to the call (`CallHandle.sign_statement`, on the call's thread); its answer comes back here on the main thread:
sealed (the screen closes the panel and says so) or not (the panel says it did not work and stays).
"""

from __future__ import annotations

import concurrent.futures
import logging
from collections.abc import Callable
from typing import Any

from kivy.app import App
from kivy.clock import Clock
from kivy.properties import BooleanProperty, StringProperty

from domain.languages import DUTCH
from domain.statement import Addition, Statement, StatementLine, Stroke
from kiosk.ui.signature_pad import SignaturePad
from kiosk.ui.widgets import Column, KButton, KLabel, MachineLabel, MutedLabel, Row, WarningLabel

__all__ = ["PadButton", "SignaturePad", "SigningPanel"]  # named by signing.kv

log = logging.getLogger(__name__)
Send = Callable[[tuple[Stroke, ...] | None], concurrent.futures.Future[bool]]
Answered = Callable[[str], None]  # "signed" or "refused", once sealed


def question_and_answer(label: str, value: str) -> str:
    """"Merk: Gazelle", and "Wat is er gebeurd? Mijn fiets ..." (no colon after a question mark)."""
    return f"{label} {value}" if label.rstrip().endswith(("?", ":", "؟")) else f"{label}: {value}"


class PadButton(KButton):
    """A button lying over the pad ("Opnieuw"): while hidden, a touch under it reaches the pad (a hidden, and so
    disabled, Kivy widget would swallow it)."""

    def on_touch_down(self, touch: Any) -> bool:
        return False if self.hidden else bool(super().on_touch_down(touch))


class SigningPanel(Row):
    lang = StringProperty("nl")  # the resident's language: the panel's own texts
    message_key = StringProperty("")  # under the pad: one moment, the refusal question, or that it failed
    busy = BooleanProperty(False)  # the answer is being sealed: nothing to touch until it is
    confirming = BooleanProperty(False)  # "Niet ondertekenen" was touched once: asked whether they are sure

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.statement: Statement | None = None
        self._send: Send | None = None
        self._answered: Answered | None = None
        self._asked = 0  # which sending an answer belongs to: one that comes after the panel moved on is dropped
        self.ids.pad.bind(has_ink=lambda *_: self._show_buttons())

    # ----- what the call screen asks ------------------------------------------------------------------
    def open(self, statement: Statement, language: str, send: Send, answered: Answered) -> None:
        """Show `statement` with an empty pad (a statement sent again replaces the one shown)."""
        self.statement, self._send, self._answered = statement, send, answered
        self.lang = language
        self._asked += 1
        self.busy, self.confirming, self.message_key = False, False, ""
        self.ids.pad.clear()
        self._show_statement(statement, language)
        self.ids.statement_scroll.scroll_y = 1
        self._show_buttons()

    def close(self) -> None:
        """Nothing of the statement or the signature stays in the widgets."""
        self.statement, self._send, self._answered = None, None, None
        self._asked += 1
        self.busy, self.confirming, self.message_key = False, False, ""
        self.ids.pad.clear()
        self.ids.lines.clear_widgets()
        self.ids.declaration.source = ""

    def spoken(self) -> str:
        """What read-aloud says: the title, the statement and declaration, then the pad and its buttons; only
        text in the resident's language (the Dutch beside it is for the police)."""
        labels = [w for side in (self.ids.statement_side, self.ids.pad_side) for w in side.walk(restrict=True)
                  if isinstance(w, KLabel) and w.spoken() and w.text_lang == self.lang]  # fmt: skip
        return "\n".join([App.get_running_app().ui.text("sign.title", self.lang), *(w.spoken() for w in labels)])

    # ----- touches ------------------------------------------------------------------------------------
    def sign(self) -> None:
        strokes = self.ids.pad.strokes()
        if strokes:
            self._ask(strokes)

    def refuse(self) -> None:
        self.confirming, self.message_key = True, "sign.refuse_confirm"
        self._show_buttons()

    def keep_signing(self) -> None:
        self.confirming, self.message_key = False, ""
        self._show_buttons()

    def confirm_refusal(self) -> None:
        self.confirming = False
        self._ask(None)

    def clear(self) -> None:
        self.ids.pad.clear()
        if self.message_key == "sign.failed":
            self.message_key = ""

    # ----- inside -------------------------------------------------------------------------------------
    def _ask(self, strokes: tuple[Stroke, ...] | None) -> None:
        if self._send is None or self.busy:
            return
        self.busy, self.message_key = True, "common.loading"
        self._show_buttons()
        asked = self._asked
        answer = "signed" if strokes is not None else "refused"
        try:
            future = self._send(strokes)
        except Exception:  # the call is gone (its loop stopped): said like any answer that was not sealed
            log.exception("the answer to the statement could not be handed to the call")
            future = concurrent.futures.Future()
            future.set_result(False)
        future.add_done_callback(lambda done: Clock.schedule_once(lambda _dt: self._sealed(asked, answer, done)))

    def _sealed(self, asked: int, answer: str, done: concurrent.futures.Future[bool]) -> None:
        if asked != self._asked:
            return  # the panel was closed or shows another statement by now
        sealed = not done.cancelled() and done.exception() is None and done.result()
        self.busy = False
        if sealed and self._answered is not None:
            self._answered(answer)
            return
        self.message_key = "sign.failed"
        self._show_buttons()

    def _show_statement(self, statement: Statement, language: str) -> None:
        box = self.ids.lines
        box.clear_widgets()
        for number, line in enumerate(statement.lines):
            box.add_widget(self._line(line, language, number))
        if statement.additions:
            box.add_widget(KLabel(key="sign.additions", lang=language, base_size=20, bold=True, tag="sign.additions"))
        for number, addition in enumerate(statement.additions):
            box.add_widget(self._addition(addition, language, number))
        # A declaration the backend had no translation for comes in Dutch: shown as Dutch, not as Arabic.
        translated = statement.declaration != statement.declaration_nl
        self.ids.declaration.lang = language if translated else DUTCH
        self.ids.declaration.source = statement.declaration

    def _line(self, line: StatementLine, language: str, number: int) -> Column:
        """The question and answer in the resident's language, the Dutch the police files under it. A text the
        same in both is Dutch or a name (a label the catalog lacks, a brand): shown once, left to right."""
        group = Column(spacing="2dp")
        dutch_label, dutch_value = line.label == line.label_nl, line.value == line.value_nl
        group.add_widget(MutedLabel(source=line.label, lang=DUTCH if dutch_label else language, base_size=18,
                                    tag=f"sign.label.{number}"))  # fmt: skip
        group.add_widget(KLabel(source=line.value, lang=DUTCH if dutch_value else language, base_size=20,
                                bold=True, tag=f"sign.value.{number}"))  # fmt: skip
        if language == DUTCH or (dutch_label and dutch_value):
            return group
        dutch = Column(spacing="2dp", padding=("20dp", "6dp", "20dp", "0dp"))
        dutch.add_widget(MutedLabel(key="sign.dutch", lang=language, base_size=16, speakable=False))
        dutch.add_widget(KLabel(source=question_and_answer(line.label_nl, line.value_nl), lang=DUTCH, base_size=18,
                                tag=f"sign.dutch.{number}"))  # fmt: skip
        if line.machine_translated:
            dutch.add_widget(MachineLabel(key="sign.machine", lang=language, speakable=False,
                                          tag=f"sign.machine.{number}"))  # fmt: skip
        group.add_widget(dutch)
        return group

    def _addition(self, addition: Addition, language: str, number: int) -> Column:
        """What the officer added, in the resident's language (a machine translation, marked) with the Dutch the
        police files under it; without one, a note saying so over the Dutch (read aloud: the note, not the Dutch)."""
        group = Column(spacing="2dp")
        translated = bool(addition.text)
        if not translated and language != DUTCH:  # the note first, on their side: the Dutch it speaks of follows
            group.add_widget(WarningLabel(key="call.caption_untranslated", lang=language, base_size=16,
                                          tag=f"sign.addition_untranslated.{number}"))  # fmt: skip
        group.add_widget(KLabel(source=addition.text if translated else addition.text_nl,
                                lang=language if translated else DUTCH, base_size=20, tag=f"sign.addition.{number}"))
        if not translated:
            return group
        if addition.machine_translated:
            group.add_widget(MachineLabel(key="sign.machine", lang=language, speakable=False,
                                          tag=f"sign.addition_machine.{number}"))  # fmt: skip
        dutch = Column(spacing="2dp", padding=("20dp", "6dp", "20dp", "0dp"))
        dutch.add_widget(MutedLabel(key="sign.dutch", lang=language, base_size=16, speakable=False))
        dutch.add_widget(KLabel(source=addition.text_nl, lang=DUTCH, base_size=18, tag=f"sign.addition_dutch.{number}"))
        group.add_widget(dutch)
        return group

    def _show_buttons(self) -> None:
        """Sign and refuse; after one touch on refuse, only whether they are sure. Under each other, each as wide
        as the pad, so that the words fit in every language."""
        box = self.ids.buttons
        box.clear_widgets()
        if self.confirming:
            buttons = [self._button("sign.refuse_yes", "danger", "", self.confirm_refusal),
                       self._button("sign.refuse_no", "secondary", "back", self.keep_signing)]  # fmt: skip
        else:
            sign = self._button("sign.sign", "primary", "check", self.sign)
            sign.disabled = self.busy or not self.ids.pad.has_ink
            refuse = self._button("sign.refuse", "secondary", "", self.refuse)
            refuse.disabled = self.busy
            buttons = [sign, refuse]
        for button in buttons:
            box.add_widget(button)

    def _button(self, key: str, role: str, icon: str, action: Callable[[], None]) -> KButton:
        button = KButton(key=key, tag=key, lang=self.lang, role=role, icon=icon)
        button.bind(on_release=lambda _button: action())
        return button
