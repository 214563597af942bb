"""KioskApp: the Kivy touchscreen over the session flow.

A touch calls the flow through `app.touches` (kiosk/session/touches.py, one typed method per flow method); the
FlowState that comes back is rendered on the screen it names.
A Clock tick each second drives the inactivity warning and wipe, the offline banner, references that arrive
for the receipt on screen, and the out-of-service screen. Translations finish on a worker thread and hop to
the main thread through Clock before anything touches the flow or a widget.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.properties import BooleanProperty, ObjectProperty, StringProperty

from domain.forms import CaseKind
from domain.languages import DUTCH
from domain.payload import Translation
from kiosk.keyboard import Keyboards
from kiosk.ports import SenderState, SenderStatus
from kiosk.screens import KioskScreen, load_kv_files
from kiosk.screens.registry import screen_classes
from kiosk.session.flow import FlowState, Screen, SessionFlow
from kiosk.session.touches import Touches
from kiosk.settings import Settings
from kiosk.text import Fonts, is_rtl
from kiosk.ui.root import KioskRoot
from kiosk.ui.strings import UiText
from kiosk.ui.theme import Theme
from kiosk.wiring import KioskServices

log = logging.getLogger(__name__)

END_SCREEN = "end"
OUT_OF_SERVICE_SCREEN = "out_of_service"
END_SCREEN_SECONDS = 8.0
ESCAPE_KEYS = {27}  # Escape; Android's back key has the same code



def idle_text_key(state: FlowState) -> str:
    """What the idle warning may truthfully say: answers would be wiped, or what was saved stays saved."""
    if state.receipt is None:
        return "idle.text"
    return "idle.text_sent_callback" if state.receipt.kind is CaseKind.CALLBACK else "idle.text_sent"

class KioskApp(App):
    lang = StringProperty(DUTCH)
    rtl = BooleanProperty(False)
    offline = BooleanProperty(False)
    in_session = BooleanProperty(False)
    speaking = BooleanProperty(False)
    theme = ObjectProperty(None)
    title = "Politieloket"

    def __init__(self, settings: Settings, services: KioskServices, *,
                 clock: Callable[[], float] = time.monotonic,
                 wall_clock: Callable[[], datetime] = lambda: datetime.now(UTC), **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.settings = settings
        self.services = services
        self.clock = clock
        self.wall_clock = wall_clock
        self.theme = Theme()
        self.ui = UiText(settings.locale_dir, Fonts.load(settings.assets_dir / "fonts"))
        self.keyboards = Keyboards.load(settings.assets_dir / "keyboards")
        self.flow = SessionFlow(
            services.forms, services.outbox, services.events, clock,
            idle_warning_seconds=settings.idle_warning_seconds, idle_extend_seconds=settings.idle_extend_seconds,
            wall_clock=wall_clock,
        )
        self.touches = Touches(self.flow, self)
        self.use_kivy_settings = False
        self.status: SenderStatus | None = None
        self.out_of_service_reason: str | None = services.problem
        self._offline_since: float | None = None
        self._end_until: float | None = None
        self._end_language = DUTCH
        self._translating: set[str] = set()
        self._session_serial = 0
        self._shown: str | None = None
        self._last_shown: tuple[Any, ...] | None = None

    # ----- Kivy life cycle ------------------------------------------------------------------------------
    def build(self) -> KioskRoot:
        load_kv_files()
        root = KioskRoot()
        for name, screen_class in screen_classes().items():
            root.ids.screens.add_widget(screen_class(name=name))
        Window.bind(on_keyboard=self._on_keyboard)
        return root

    def on_start(self) -> None:
        self.services.start()
        Clock.schedule_interval(self.tick, 1.0)
        self.tick()

    def on_stop(self) -> None:
        Clock.unschedule(self.tick)
        Window.unbind(on_keyboard=self._on_keyboard)
        self.flow.cancel()
        self.services.stop()

    def open_settings(self, *largs: Any) -> bool:
        return False  # F1 must not open Kivy's settings panel on a public kiosk

    def _on_keyboard(self, _window: Any, key: int, *_: Any) -> bool:
        return key in ESCAPE_KEYS  # swallowed: Escape must not close the kiosk

    # ----- what screens call ----------------------------------------------------------------------------
    def screen(self, name: str) -> KioskScreen:
        screen: KioskScreen = self.root.ids.screens.get_screen(name)
        return screen

    def current_screen(self) -> KioskScreen:
        screen: KioskScreen = self.root.ids.screens.current_screen
        return screen

    def read_aloud(self) -> None:
        speaker = self.services.speaker
        if speaker is None:
            return
        if self.speaking:
            speaker.stop()
            self.speaking = False
            return
        screen = self.current_screen()
        text, language = screen.spoken(), screen.spoken_language()
        overlay = self.root.ids.idle_overlay
        if overlay.shown:
            text = "\n".join([self.ui.text("idle.title", self.lang),
                              self.ui.text(overlay.text_key, self.lang, seconds=int(overlay.seconds))])
            language = self.lang
        if text:
            speaker.speak(text, language)
            self.speaking = True

    def toggle_large_text(self) -> None:
        self.theme.large_text = not self.theme.large_text
        self.note_activity()

    def toggle_contrast(self) -> None:
        self.theme.high_contrast = not self.theme.high_contrast
        self.note_activity()

    def ask_stop(self) -> None:
        """"Stoppen": before the case is saved it asks first (everything typed is wiped, nothing is sent); after,
        there is nothing to lose, so the session ends at once with the thank-you screen."""
        if self.flow.case_saved:
            self.touches.finish()
            return
        self.root.ids.stop_overlay.shown = True
        self.note_activity()

    def close_stop(self) -> None:
        self.root.ids.stop_overlay.shown = False
        self.note_activity()

    def confirm_stop(self) -> None:
        self.root.ids.stop_overlay.shown = False
        self.touches.cancel()

    # ----- what Touches call besides render (kiosk.session.touches.Stage) -------------------------------
    def language_chosen(self, language: str) -> None:
        """The resident chose a language: the services may get ready for it (the translator loads that pair)."""
        self.services.language_chosen(language)

    def submit_failed(self) -> None:
        """The outbox could not store the case: the consent screen says so and keeps the answers."""
        self.screen(Screen.CONSENT.value).show_failure()

    # ----- rendering ------------------------------------------------------------------------------------
    def render(self, state: FlowState) -> None:
        name = self._screen_name(state)
        language = self._end_language if name == END_SCREEN else (state.language or DUTCH)
        if language != self.lang:
            self.lang, self.rtl = language, is_rtl(language)
        was_in_session = self.in_session
        self.in_session = state.screen not in (Screen.ATTRACT, Screen.END) and name != OUT_OF_SERVICE_SCREEN
        if was_in_session and not self.in_session:
            self._session_ended()
        self._show(name, state)
        self._show_idle(state)
        if state.screen is Screen.REVIEW:
            self._translate_pending()

    def _screen_name(self, state: FlowState) -> str:
        if state.screen is Screen.ATTRACT:
            if self._end_until is not None and self.clock() < self._end_until:
                return END_SCREEN
            if self.out_of_service_reason is not None:
                return OUT_OF_SERVICE_SCREEN
        return state.screen.value

    def _show(self, name: str, state: FlowState) -> None:
        manager = self.root.ids.screens
        # The clock renders every second: a screen redraws only when what it shows changed (a rebuilt
        # review would jump back to the top under the resident's finger).
        shown = (name, state, self.offline, self.out_of_service_reason)
        if self._shown != name:
            if self._shown is not None:
                self.screen(self._shown).leave()
            log.info("screen %s", name)
            self._shown = name
            manager.current = name
        elif shown == self._last_shown:
            return
        self._last_shown = shown
        self.screen(name).render(state)

    def _show_idle(self, state: FlowState) -> None:
        overlay = self.root.ids.idle_overlay
        overlay.shown = state.idle_warning
        if state.idle_warning:
            overlay.seconds = round(self.flow.seconds_left())
            overlay.text_key = idle_text_key(self.flow.state)
            self.root.ids.stop_overlay.shown = False

    def show_end(self) -> None:
        """The session ended by rating or finishing: the thank-you screen stays up a few seconds."""
        self._end_language = self.lang
        self._end_until = self.clock() + END_SCREEN_SECONDS

    def end_now(self) -> None:
        """The resident touched the thank-you screen: back to the attract screen at once."""
        self._end_until = None
        self.render(self.flow.state)

    def _session_ended(self) -> None:
        self._session_serial += 1
        self._translating.clear()
        self.theme.reset()
        self.services.session_ended()
        self.root.ids.stop_overlay.shown = False
        if self.services.speaker is not None:
            self.services.speaker.stop()

    def note_activity(self) -> None:
        """The resident touched, scrolled or dragged somewhere (KioskRoot calls this for every touch): the
        inactivity timer starts again."""
        if self.in_session:
            self.flow.extend()
            self._show_idle(self.flow.state)

    # ----- the clock ------------------------------------------------------------------------------------
    def tick(self, *_: Any) -> None:
        self._poll_sender()
        self.speaking = bool(self.services.speaker and self.services.speaker.is_speaking())
        state = self.flow.tick()
        if self._end_until is not None and self.clock() >= self._end_until:
            self._end_until = None
        self.render(state)

    def _poll_sender(self) -> None:
        if self.services.sender_status is None:
            return
        status = self.services.sender_status()
        self.status = status
        self.offline = status.state is SenderState.OFFLINE
        now = self.clock()
        if self.offline:
            self._offline_since = self._offline_since if self._offline_since is not None else now
        else:
            self._offline_since = None
        receipt = self.flow.state.receipt
        if receipt is not None and receipt.reference is None:
            for case_id, reference in status.references:
                if str(case_id) == receipt.case_id:
                    self.flow.delivered(receipt.case_id, reference, mailed=case_id in status.mailed)
        self.out_of_service_reason = self.services.problem or self._offline_too_long(now)

    def offline_seconds(self) -> float:
        return 0.0 if self._offline_since is None else self.clock() - self._offline_since

    def _offline_too_long(self, now: float) -> str | None:
        if self._offline_since is None or now - self._offline_since < self.settings.out_of_service_after_seconds:
            return None
        hours = (now - self._offline_since) / 3600
        error = self.status.last_error if self.status else None
        return f"backend unreachable for {hours:.1f} h" + (f": {error}" if error else "")

    # ----- translation ----------------------------------------------------------------------------------
    def translation_state(self, field_id: str) -> str:
        """"pending", "done" or "unavailable", for the review screen."""
        if field_id in self.flow.translations():
            return "done"
        if field_id in self._translating:
            return "pending"
        return "unavailable"

    def _translate_pending(self) -> None:
        translator = self.services.translator
        if translator is None:
            return
        serial = self._session_serial
        source = self.flow.state.language or DUTCH
        for field_id, text in self.flow.texts_to_translate().items():
            if field_id in self._translating:
                continue
            self._translating.add(field_id)

            def done(translation: Translation, field_id: str = field_id) -> None:
                Clock.schedule_once(lambda _dt: self._translated(serial, field_id, translation))

            translator.translate_async(text, source, DUTCH, done)

    def _translated(self, serial: int, field_id: str, translation: Translation) -> None:
        if serial != self._session_serial:
            return  # that resident has gone; their text must not reach the next one
        self._translating.discard(field_id)
        self.flow.set_translation(field_id, translation)
        if self.flow.state.screen is Screen.REVIEW:
            self.screen(Screen.REVIEW.value).render(self.flow.state)
