"""Talk to an officer: ask for a video call, wait with the queue place and expected wait, then video, mute,
end and a chat the kiosk translates both ways. When nobody answers in time (Settings.call_no_answer_seconds)
or no officer is online, the resident is offered a call-back (leave an intake) or the number 0900-8844.
When the officer sends the resident's statement to sign, it takes the chat's place (kiosk/screens/signing.py).

The call runs on its own thread (kiosk.call.service); its views hop to the main thread through the Clock.
While a call is live the session's inactivity timer is held off: talking is not touching the screen.
"""

from __future__ import annotations

import math
from typing import Any

from kivy.clock import Clock, ClockEvent
from kivy.properties import BooleanProperty, NumericProperty, StringProperty

from domain.call import EndReason
from domain.chat import Caption, Sender
from domain.forms import FieldType
from domain.statement import Statement
from kiosk.call.chat import ChatLine
from kiosk.call.intake import intake_summary
from kiosk.call.service import CallHandle
from kiosk.call.view import CallPhase, CallView
from kiosk.keyboard import keyboard_for_field
from kiosk.screens import KioskScreen
from kiosk.screens.signing import SigningPanel
from kiosk.session.flow import FlowState
from kiosk.ui.widgets import KButton, KLabel, Spacer

KEEP_SESSION_SECONDS = 5.0
CHAT_MAX_CHARS = 500
ENDED_WELL = {EndReason.KIOSK_HANGUP, EndReason.OFFICER_HANGUP, EndReason.KIOSK_CANCELLED, EndReason.NO_ANSWER}
STATUS_KEYS = {
    CallPhase.REQUESTING: "call.connecting",
    CallPhase.WAITING: "call.waiting",
    CallPhase.CONNECTING: "call.connecting",
    CallPhase.RECONNECTING: "call.connecting",
    CallPhase.CONNECTED: "call.connected",
}
SIGN_NOTES = {"signed": "sign.sent", "refused": "sign.refused"}  # CallView.statement_answer -> what the screen says
PHOTO_NOTES = {"taken": "call.photo_taken", "saved": "call.photo_saved", "discarded": "call.photo_discarded"}


class CallScreen(KioskScreen):
    phase = StringProperty("idle")  # "idle" before the resident starts, else a CallPhase value
    status_key = StringProperty("call.intro")
    position = NumericProperty(0)
    wait_minutes = NumericProperty(0)
    alternatives = BooleanProperty(False)  # the call-back and 0900-8844 choices are shown
    failed = BooleanProperty(False)
    muted = BooleanProperty(False)
    chat_text = StringProperty("")
    caption_text = StringProperty("")  # the officer's last spoken turn, in the resident's language
    caption_lang = StringProperty("nl")
    caption_translated = BooleanProperty(False)  # else the officer's Dutch as heard: no model for this language
    caption_note = StringProperty("")
    captions_key = StringProperty("")  # "listening", "switched off by the officer", or nothing
    captions_available = BooleanProperty(False)
    captions_on = BooleanProperty(True)
    transcript_kept = BooleanProperty(False)  # the officer keeps the text of this conversation
    photo_key = StringProperty("")  # the officer took, kept or threw away a photo of the identity document
    signing = BooleanProperty(False)  # a statement to sign takes the chat's place; the video shrinks
    sign_note = StringProperty("")  # what became of the statement: signed and sent, or not signed

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.handle: CallHandle | None = None
        self._keep: ClockEvent | None = None
        self._shown_lines: tuple[ChatLine, ...] = ()
        self._shown_captions: tuple[Caption, ...] = ()
        self._panel = SigningPanel()
        # held here: `ids` are weak, and the chat column is out of the tree while the panel takes its place
        self._chat_column = self.ids.chat_column.__self__
        self._answered_statement = ""  # the id of the statement this screen saw sealed: never shown again

    # ----- the flow and the app -----------------------------------------------------------------------
    def render(self, state: FlowState) -> None:
        if self.handle is None:
            self._reset()

    def leave(self) -> None:
        """Another screen takes over (done, stop, idle wipe): the call ends and nothing typed stays."""
        if self.handle is not None and self.phase != CallPhase.ENDED.value:
            self.handle.hang_up()
        self.handle = None
        self._reset()

    # ----- touches ------------------------------------------------------------------------------------
    def start_call(self) -> None:
        app = self.app
        calls = app.services.calls
        if calls is None or not calls.available:
            self.phase, self.status_key, self.alternatives, self.failed = "ended", "call.no_answer", True, True
            return
        flow = self.flow
        schema = flow.schema if flow.state.case_type else None
        receipt = flow.state.receipt  # a report or call-back filed in this session: a kept transcript belongs to it
        intake = intake_summary(app.lang, schema, flow.answers(), flow.translations(), app.ui, filed=receipt)
        self.handle = calls.start(app.lang, flow.state.case_type, flow.session_id, intake, self._view_arrived,
                                  linked_case=receipt.case_id if receipt is not None else None)  # fmt: skip
        self.ids.video.attach(self.handle.frames)
        self.ids.own_picture.attach(self.handle.own)
        self._show(self.handle.view)
        self._keep = Clock.schedule_interval(self._keep_session, KEEP_SESSION_SECONDS)

    def end_call(self) -> None:
        if self.handle is not None:
            self.handle.hang_up()

    def toggle_captions(self) -> None:
        if self.handle is not None:
            self.handle.set_captions(not self.captions_on)

    def toggle_mute(self) -> None:
        if self.handle is not None:
            self.muted = not self.muted
            self.handle.set_muted(self.muted)

    def call_back(self) -> None:
        """Leave the queue for the call-back form (or the report being filled in, whose contact step asks the
        phone number)."""
        if self.handle is not None and self.phase != CallPhase.ENDED.value:
            self.handle.leave_for_alternative()
        self.touches.request_callback()

    def try_again(self) -> None:
        self.leave()
        self.start_call()

    def open_keyboard(self) -> None:
        app = self.app
        model = keyboard_for_field(app.keyboards, app.lang, FieldType.TEXT, text=self.chat_text,
                                   max_length=CHAT_MAX_CHARS)  # fmt: skip
        if model is not None:
            self.ids.keyboard.attach(model, app.lang, self._typed, self.send_chat)

    def send_chat(self) -> None:
        text = self.chat_text.strip()
        if text and self.handle is not None:
            self.handle.say(text)
        self.chat_text = ""
        self.ids.keyboard.detach()

    # ----- the call's views ---------------------------------------------------------------------------
    def _view_arrived(self, view: CallView) -> None:
        """On the call's thread: hop to the main thread."""
        Clock.schedule_once(lambda _dt: self._show(view) if self.handle is not None else None)

    def _show(self, view: CallView) -> None:
        if self.handle is None or view.call_id != self.handle.call_id:
            return  # a view of a call this screen has let go
        self.phase = view.phase.value
        if view.phase is CallPhase.ENDED:
            self._ended(view)
        else:
            self.status_key = STATUS_KEYS[view.phase]
        # Waiting says only what is true now: with no officer online, or none answering in time, that nobody can
        # answer, and the call-back and 0900-8844 at once; a place and a wait only while someone can answer.
        nobody = view.phase is CallPhase.WAITING and (view.no_answer or view.officers_online == 0)
        if nobody:
            self.status_key = "call.no_answer"
        self.position = 0 if nobody else view.position or 0
        wait = None if nobody else view.expected_wait_s
        self.wait_minutes = 0 if wait is None else max(1, math.ceil(wait / 60))
        self.alternatives = nobody or (self.failed and view.phase is CallPhase.ENDED)
        self._show_captions(view)
        self._show_statement(view)
        if view.chat != self._shown_lines or view.captions != self._shown_captions:
            self._show_chat(view.chat, view.captions)

    def _ended(self, view: CallView) -> None:
        self.failed = view.end_reason not in ENDED_WELL
        self.status_key = "call.failed" if self.failed else "call.ended"
        self.ids.keyboard.detach()
        self.ids.video.detach()
        self.ids.own_picture.detach()
        self._stop_keeping()

    def _show_captions(self, view: CallView) -> None:
        self.captions_available, self.captions_on = view.captions_available, view.captions_on
        self.transcript_kept = view.transcript_kept
        self.photo_key = PHOTO_NOTES.get(view.document_photo, "")
        if view.listening:
            self.captions_key = "call.listening"
        elif view.captions_available and not view.captions_on and view.captions_switched_by is Sender.OFFICER:
            self.captions_key = "call.captions_stopped"
        else:
            self.captions_key = ""
        spoken = [c for c in view.captions if c.speaker == Sender.OFFICER] if view.listening else []
        last = spoken[-1] if spoken else None
        self.caption_text = "" if last is None else last.translated or last.original
        self.caption_translated = last is not None and last.translated is not None and last.machine_translated
        self.caption_lang = last.target_language if last is not None and self.caption_translated else "nl"
        # the note under it: machine-translated, or untranslated for want of a model; nothing for Dutch
        same = last is None or last.source_language == last.target_language
        translated = "call.caption_note" if self.caption_translated else "call.caption_untranslated"
        self.caption_note = "" if same else translated

    def _show_statement(self, view: CallView) -> None:
        """The statement to sign while the resident has not answered it and the call goes on; then what came of
        it (the officer's console hears it from the call)."""
        statement = view.statement
        if statement is not None and view.statement_answer in SIGN_NOTES:
            self.sign_note = SIGN_NOTES[view.statement_answer]
            self._answered_statement = statement.statement_id
        if (statement is None or view.statement_answer or view.phase is CallPhase.ENDED or self.handle is None
                or statement.statement_id == self._answered_statement):
            self._close_signing()
        elif statement != self._panel.statement:
            self._open_signing(statement)

    def _open_signing(self, statement: Statement) -> None:
        assert self.handle is not None
        body, panel = self.ids.body, self._panel
        if panel.parent is None:
            body.remove_widget(self._chat_column)  # out of the tree: not read aloud, not touchable
            body.add_widget(panel)
        self.ids.keyboard.detach()
        self.sign_note = ""
        panel.open(statement, self.app.lang, self.handle.sign_statement, self._signed)
        self.signing = True

    def _signed(self, answer: str) -> None:
        """Sealed and on its way to the officer: the panel closes, the chat comes back with a note."""
        if self._panel.statement is not None:
            self._answered_statement = self._panel.statement.statement_id
        self.sign_note = SIGN_NOTES[answer]
        self._close_signing()

    def _close_signing(self) -> None:
        body, panel = self.ids.body, self._panel
        if panel.parent is None and panel.statement is None:
            return  # not open: every view of the call comes by here
        if panel.parent is not None:
            body.remove_widget(panel)
            body.add_widget(self._chat_column)
        panel.close()
        self.signing = False

    def spoken(self) -> str:
        return self._panel.spoken() if self.signing else super().spoken()

    def _show_chat(self, lines: tuple[ChatLine, ...], captions: tuple[Caption, ...] = ()) -> None:
        """Typed lines, then what was said (the resident's own turns as the kiosk understood them)."""
        box = self.ids.chat
        box.clear_widgets()
        resident = self.app.lang
        for line in lines:
            officer = line.sender is Sender.OFFICER
            box.add_widget(KLabel(
                source=line.text + (" …" if line.pending else ""),
                lang=resident if not officer or line.translated else "nl",
                bold=officer, align="start" if officer else "end", base_size=22,
                speakable=officer,  # the officer's words may be read aloud; the resident's own never are
            ))  # fmt: skip
        for caption in captions:
            officer = caption.speaker == Sender.OFFICER
            translated = officer and caption.translated is not None
            box.add_widget(KLabel(
                source=caption.translated if translated else caption.original,
                lang=caption.target_language if translated else caption.source_language,
                bold=officer, align="start" if officer else "end", base_size=22, speakable=officer,
            ))  # fmt: skip
        self._shown_lines, self._shown_captions = lines, captions
        Clock.schedule_once(self._scroll_to_newest)

    def _scroll_to_newest(self, _dt: float) -> None:
        scroll = self.ids.chat_scroll
        scroll.scroll_y = 0 if scroll.children and scroll.children[0].height > scroll.height else 1

    # ----- buttons ------------------------------------------------------------------------------------
    def on_phase(self, *_args: Any) -> None:
        self._show_buttons()

    def on_muted(self, *_args: Any) -> None:
        self._show_buttons()

    def on_failed(self, *_args: Any) -> None:
        self._show_buttons()


    def _show_buttons(self) -> None:
        """Only the buttons that make sense now, so each is wide enough for its words in every language."""
        nav = self.ids.nav
        nav.clear_widgets()
        phase = self.phase
        if phase == "idle":
            nav.add_widget(self._button("nav.back", "secondary", "back", self.touches.back))
            nav.add_widget(Spacer())
            nav.add_widget(self._button("call.start", "primary", "phone", self.start_call))
        elif phase == "ended":
            if self.failed and self.status_key == "call.failed":
                nav.add_widget(self._button("call.try_again", "secondary", "", self.try_again))
            nav.add_widget(Spacer())
            nav.add_widget(self._button("nav.done", "primary", "", self.touches.to_rating))
        else:
            if phase in (CallPhase.CONNECTED.value, CallPhase.RECONNECTING.value):
                key = "call.unmute" if self.muted else "call.mute"
                nav.add_widget(self._button(key, "secondary", "", self.toggle_mute, tag="call.mute"))

            nav.add_widget(Spacer())
            nav.add_widget(self._button("call.end", "danger", "cross", self.end_call))
        # the space between takes what the buttons leave, so that each button keeps its third of the bar
        taken = sum(w.size_hint_x for w in nav.children if isinstance(w, KButton))
        for spacer in (w for w in nav.children if isinstance(w, Spacer)):
            spacer.size_hint_x = max(0.0, 1 - taken)

    def _button(self, key: str, role: str, icon: str, action: Any, tag: str | None = None) -> KButton:
        button = KButton(key=key, tag=tag or key, lang=self.app.lang, role=role, icon=icon, size_hint_x=0.34)
        button.bind(on_release=lambda _button: action())
        return button

    # ----- inside -------------------------------------------------------------------------------------
    def _typed(self, text: str) -> None:
        self.chat_text = text

    def _keep_session(self, _dt: float) -> None:
        if self.handle is not None and self.phase != CallPhase.ENDED.value:
            self.flow.extend()

    def _stop_keeping(self) -> None:
        if self._keep is not None:
            self._keep.cancel()
            self._keep = None

    def _reset(self) -> None:
        self._stop_keeping()
        self._show_buttons()
        self.phase, self.status_key = "idle", "call.intro"
        self.position, self.wait_minutes = 0, 0
        self.alternatives, self.failed, self.muted, self.chat_text = False, False, False, ""
        self.caption_text, self.captions_key, self.captions_available, self.captions_on = "", "", False, True
        self.transcript_kept, self.photo_key = False, ""
        self._close_signing()
        self.sign_note, self._answered_statement = "", ""
        self.ids.video.detach()
        self.ids.own_picture.detach()
        self.ids.keyboard.detach()
        self.ids.chat.clear_widgets()
        self._shown_lines, self._shown_captions = (), ()
