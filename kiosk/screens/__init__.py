"""The touchscreen's screens: one Screen class per flow screen, each with its own .kv file in this folder.

Screens are thin: a touch calls a typed flow method on `touches` (`self.touches.back()`; `app.touches.back()` in a
.kv rule), the app renders the FlowState that comes back by calling `render(state)` on the screen the state names.
What a screen shows it reads from `flow`. `spoken()` is what the read-aloud button says.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from kivy.app import App
from kivy.lang import Builder
from kivy.uix.screenmanager import Screen

from kiosk.ui import icons, keypad, root  # noqa: F401  (widget classes the .kv rules name)
from kiosk.ui.widgets import KLabel

if TYPE_CHECKING:
    from kiosk.session.flow import FlowState, SessionFlow
    from kiosk.session.touches import Touches

KV_DIR = Path(__file__).resolve().parent
# Shared widget rules first, then the root layout, then one file per screen.
_SHARED_KV = ("_widgets.kv", "_root.kv")


def load_kv_files() -> None:
    """Load every .kv file once per process (a second App in the same process must not double the rules)."""
    files = [KV_DIR / name for name in _SHARED_KV]
    files += sorted(p for p in KV_DIR.glob("*.kv") if p.name not in _SHARED_KV)
    for path in files:
        if str(path) not in Builder.files:
            Builder.load_file(str(path))


def touches() -> Touches:
    """The running app's Touches, for a widget that is not a screen."""
    touches: Touches = App.get_running_app().touches
    return touches


class KioskScreen(Screen):
    def render(self, state: FlowState) -> None:
        """Show `state`; the default screen has nothing that depends on it beyond the app's language."""

    def leave(self) -> None:
        """Called when another screen takes over: drop anything the resident typed from the widgets."""

    def spoken_language(self) -> str:
        language: str = self.app.lang
        return language

    def spoken(self) -> str:
        """All speakable text in the screen's language, top to bottom and in reading order along a row."""
        language = self.spoken_language()
        labels = [w for w in self.walk(restrict=True)
                  if isinstance(w, KLabel) and w.spoken() and w.text_lang == language]
        direction = -1 if self.app.rtl else 1
        labels.sort(key=lambda w: (-round(w.to_window(w.x, w.top)[1]), direction * w.to_window(w.x, w.y)[0]))
        return "\n".join(w.spoken() for w in labels)

    @property
    def app(self) -> Any:
        return App.get_running_app()

    @property
    def touches(self) -> Touches:
        """The flow methods a touch may call; each shows the state it leads to."""
        return touches()

    @property
    def flow(self) -> SessionFlow:
        """The session flow, to read what to show (a touch goes through `touches`)."""
        flow: SessionFlow = self.app.flow
        return flow
