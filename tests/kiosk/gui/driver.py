"""Drive a real KioskApp from a test: the app runs on the main thread (Kivy needs it), the test's steps run
on a second thread and hand each action to the main thread, waiting for it, and for conditions (a keyboard
open, a widget shown, a touch released), never for a number of frames or seconds. The window draws only while
a picture is taken (`_DrawGate`).

Touches are real motion events posted through Kivy's event loop to the Window (kivy.tests UnitTestTouch),
so they reach widgets the way a finger does: a button hidden under an overlay does not get the touch.
"""

from __future__ import annotations

import os
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
STEP_TIMEOUT = 30.0
POLL_INTERVAL = 1 / 60
# Screenshots for people to look at are written only on demand (`./scripts/test --screenshots`, or this variable
# set to 1): each costs several software-GL frames. Tests that assert on pixels take `picture()`, always.
SCREENSHOTS_ENV = "POLITIELOKET_SCREENSHOTS"


def screenshots_wanted() -> bool:
    return os.environ.get(SCREENSHOTS_ENV) == "1"


class _DrawGate:
    """Whether the window draws its frames: only while a picture is taken.

    Software GL under Xvfb costs most of a GUI test's time, and pixels matter only to a test that looks at a
    picture. Everything else a test checks (which widgets show, their text, size, position, focus, what a touch
    reaches) is decided before drawing: Kivy lays out and renders text to textures when properties change, and
    the draw pass only rasterises the canvas. A handler bound to `on_draw`/`on_flip` that returns True stops
    Kivy's own one, so a frame with drawing off rasterises and swaps nothing."""

    drawing = False
    installed = False

    @classmethod
    def install(cls) -> None:
        if cls.installed:
            return
        from kivy.core.window import Window

        Window.fbind("on_draw", cls._skip)
        Window.fbind("on_flip", cls._skip)
        cls.installed = True

    @classmethod
    def _skip(cls, *_args: Any) -> bool:
        return not cls.drawing


class Driver:
    def __init__(self, app: Any, artifacts: Path) -> None:
        self.app = app
        self.artifacts = artifacts
        self.last_touch = "nothing yet"  # what the last tap touched, for a failure to say

    # ----- main-thread plumbing ------------------------------------------------------------------------
    def call(self, fn: Callable[[], T], after: float = 0) -> T:
        """Run `fn` on the main thread at the next frame (or the first one `after` seconds from now) and return
        its result (or raise its error)."""
        from kivy.clock import Clock

        done = threading.Event()
        box: dict[str, Any] = {}

        def run(_dt: float) -> None:
            try:
                box["value"] = fn()
            except BaseException as error:  # handed back to the test thread
                box["error"] = error
            done.set()

        Clock.schedule_once(run, after)
        if not done.wait(STEP_TIMEOUT + after):
            raise TimeoutError("the app did not run a step in time")
        if "error" in box:
            raise box["error"]
        return box["value"]  # type: ignore[no-any-return]

    def frames(self, count: int = 3) -> None:
        for _ in range(count):
            self.call(lambda: None)

    # ----- finding widgets ------------------------------------------------------------------------------
    def screen(self) -> str:
        return self.call(lambda: self.app.root.ids.screens.current)

    def find_all(self, tag: str) -> list[Any]:
        return self.call(lambda: self._find_now(tag))

    def _find_now(self, tag: str) -> list[Any]:
        return [w for w in self._visible_widgets() if getattr(w, "tag", None) == tag]

    def shown_now(self, tag: str) -> list[Any]:
        """The visible widgets tagged `tag`, for a condition given to `wait_for` (runs on the main thread)."""
        return self._find_now(tag)

    def find(self, tag: str) -> Any:
        found = self.find_all(tag)
        if not found:
            raise LookupError(f"no visible widget tagged {tag!r} on screen {self.screen()!r}")
        return found[0]

    def has(self, tag: str) -> bool:
        return bool(self.find_all(tag))

    def appears(self, tag: str) -> bool:
        """Whether a widget tagged so shows up (a keyboard opening, a screen building): waits on the condition."""
        return self.wait_for(lambda: bool(self._find_now(tag)))

    def wait_for(self, condition: Callable[[], bool], timeout: float = STEP_TIMEOUT) -> bool:
        """Run `condition` on the main thread once a frame until it holds; False if it never did in `timeout`.

        The timeout only bounds a failure: a passing test waits exactly as long as the app needs, however
        loaded the machine is, instead of a number of frames that a slow machine may not be enough for.
        """
        deadline = time.monotonic() + timeout
        if self.call(condition):
            return True
        # Then once per 60 Hz frame, as a person's eye would: polling back to back would keep the main thread
        # busy and starve the app's worker threads (translation, sender) that the condition waits for.
        while not self.call(condition, after=POLL_INTERVAL):
            if time.monotonic() > deadline:
                return False
        return True

    def keyboard(self) -> Any:
        """The on-screen keyboard of the current screen, once a field opened it."""
        widget = self.call(lambda: self.app.current_screen().ids.keyboard)
        opened = self.wait_for(lambda: widget.model is not None)
        assert opened, f"no keyboard is open after the touch on {self.last_touch}"
        return widget

    def _visible_widgets(self) -> list[Any]:
        root = self.app.root
        roots = [root.ids.top_bar, root.ids.offline_banner, root.ids.screens.current_screen]
        roots += [o for o in (root.ids.idle_overlay, root.ids.stop_overlay) if o.shown]
        return [w for r in roots for w in _shown(r)]

    def text_of(self, tag: str) -> str:
        widget = self.find(tag)
        return self.call(lambda: widget.source)

    # ----- touching -------------------------------------------------------------------------------------
    def tap(self, tag: str, settle: int = 2) -> None:
        """Touch the centre of the visible widget tagged `tag`, scrolling it into view first."""

        def prepare() -> tuple[Any, bool | None]:
            found = self._find_now(tag)
            if not found:
                raise LookupError(f"no visible widget tagged {tag!r} on screen {self.app.root.ids.screens.current!r}")
            return found[0], scroll_into_view(found[0])

        widget, scrolled = self.call(prepare)
        finger: Any = None

        def touch() -> bool:
            # A step that was just built may still be laying itself out and move the widget after it was
            # scrolled to: the check and the touch happen in one main-thread step, and a widget out of reach is
            # scrolled to again and touched on a later frame, as a person would look again before touching.
            nonlocal finger
            if scrolled is not None and not _reachable(widget):
                scroll_into_view(widget)
                return False
            x, y = widget.to_window(*widget.center)
            self.last_touch = f"{tag!r} at ({x:.0f}, {y:.0f}), widget {_window_rect(widget)}, scrolled: {scrolled}"
            finger = self._touch(x, y)
            return True

        where = lambda: _window_rect(widget)  # noqa: E731
        assert self.wait_for(touch), f"{tag!r} never came into view: widget {self.call(where)}"
        if scrolled is not None:
            # A ScrollView cannot tell a tap from the start of a swipe at once: it hands the release to the
            # button 0.2 s later (kivy.uix.scrollview), as it does for a finger, and lets go of the touch then.
            # Waiting for that, not for 0.2 s: on a loaded machine a timer of the test's own may fire first, and
            # the next step would type into the field that was open before.
            released = self.wait_for(lambda: not finger.grab_list)
            assert released, f"the ScrollView never released the touch on {self.last_touch}"
        self.frames(settle)

    def tap_at(self, x: float, y: float) -> None:
        self.call(lambda: self._touch(x, y))
        self.frames(2)

    def drag(self, x: float, y: float, dy: float, moves: int = 5) -> None:
        """A finger put down at (x, y), moved by dy in a few steps and lifted: a scroll, as a resident reads."""
        from kivy.tests.common import UnitTestTouch

        def finger() -> None:
            touch = UnitTestTouch(x, y)
            touch.touch_down()
            for step in range(1, moves + 1):
                touch.touch_move(x, y + dy * step / moves)
            touch.touch_up()

        self.call(finger)
        self.frames(2)

    def stroke(self, points: list[tuple[float, float]]) -> None:
        """A finger put down on the first point (window coordinates), moved through the others and lifted there:
        a line drawn, as on a signature pad. Each move is its own motion event, as a finger's are."""
        from kivy.tests.common import UnitTestTouch

        (x, y), *rest = points
        touch = self.call(lambda: UnitTestTouch(x, y))
        self.call(touch.touch_down)
        for px, py in rest:
            self.call(lambda px=px, py=py: touch.touch_move(px, py))
        self.call(touch.touch_up)
        self.frames(2)

    @staticmethod
    def _touch(x: float, y: float) -> Any:
        from kivy.tests.common import UnitTestTouch

        touch = UnitTestTouch(x, y)
        touch.touch_down()
        touch.touch_up()
        return touch

    def type_text(self, text: str) -> None:
        """Type on the on-screen keyboard, key by key, switching pages and shift as a person would.

        For the tests about the keyboard; a test about something else uses `enter_text`."""
        for ch in text:
            self._type_char(ch)

    def enter_text(self, text: str) -> None:
        """Give the field whose keyboard is open `text` through the keyboard's own model, in one step.

        The field was tapped as a person taps it (focus, keyboard opening); the model then does what typing
        `text` key by key does (length limit, shift), and the screen hears it as it hears a key press."""
        keyboard = self.keyboard()
        self.call(lambda: keyboard.type(text))
        self.frames(1)

    def _type_char(self, ch: str) -> None:
        keyboard = self.keyboard()
        model = self.call(lambda: keyboard.model)
        if ch in " \n":
            self.tap("key.space" if ch == " " else "key.enter", settle=1)
            return
        if _page_with(model.layout, ch) is None and self.has("key.switch"):
            self.tap("key.switch", settle=1)  # a Latin letter in an Arabic text: the other alphabet
        found = _page_with(model.layout, ch)
        if found is None:
            raise LookupError(f"character {ch!r} is on no page of keyboard {model.layout.name!r}")
        page, base = found
        if page != model.page:
            if page not in _page_links(model.layout, model.page):
                self.tap(f"key.page.{model.layout.first_page}")
            self.tap(f"key.page.{page}")
        want_upper = base != ch
        while (model.shift or model.caps_lock) != want_upper:
            self.tap("key.shift")
        self.tap(f"key.{base}", settle=1)

    # ----- pictures -------------------------------------------------------------------------------------
    def screenshot(self, name: str) -> Path | None:
        """A picture for a person to look at, in test-artifacts/screens/, when screenshots are wanted."""
        return self.picture(name) if screenshots_wanted() else None

    def picture(self, name: str) -> Path:
        """The window as drawn now, as a PNG, for a test that looks at its pixels."""
        from kivy.core.window import Window

        _DrawGate.drawing = True
        try:
            self.call(Window.canvas.ask_update)
            self.frames(8)
            self.artifacts.mkdir(parents=True, exist_ok=True)
            target = self.artifacts / f"{name}.png"
            written = self.call(lambda: Window.screenshot(str(self.artifacts / f"{name}_.png")))
        finally:
            _DrawGate.drawing = False
        Path(written).replace(target)
        return target


def _reachable(widget: Any) -> bool:
    """Whether the widget's centre lies inside the visible part of its ScrollView (and the window)."""
    from kivy.core.window import Window
    from kivy.uix.scrollview import ScrollView

    x, y = widget.to_window(*widget.center)
    if not (0 <= x < Window.width and 0 <= y < Window.height):
        return False
    parent = widget.parent
    while parent is not None and not isinstance(parent, ScrollView) and parent.parent is not parent:
        parent = parent.parent
    if not isinstance(parent, ScrollView):
        return True
    left, bottom = parent.to_window(parent.x, parent.y)
    return left <= x < left + parent.width and bottom <= y < bottom + parent.height


def _window_rect(widget: Any) -> str:
    x, y = widget.to_window(widget.x, widget.y)
    return f"({x:.0f}, {y:.0f}) {widget.width:.0f}x{widget.height:.0f}"


def scroll_into_view(widget: Any) -> bool | None:
    """Scroll the ScrollView holding `widget` so all of it shows: True when it had to move, False when it did
    not, None when the widget is not in a ScrollView."""
    from kivy.uix.scrollview import ScrollView

    parent = widget.parent
    while parent is not None and not isinstance(parent, ScrollView) and parent.parent is not parent:
        parent = parent.parent
    if not isinstance(parent, ScrollView):
        return None
    before = (parent.scroll_x, parent.scroll_y)
    parent.scroll_to(widget, padding=10, animate=False)
    return before != (parent.scroll_x, parent.scroll_y)


def run_app(app: Any, steps: Callable[[Driver], None], artifacts: Path, timeout: float = 900.0) -> None:
    """Run the app on this (main) thread and `steps` on another; re-raise what the steps raised."""
    from kivy.clock import Clock

    failure: list[BaseException] = []
    driver = Driver(app, artifacts)
    _DrawGate.install()

    def scenario() -> None:
        try:
            driver.frames(5)
            steps(driver)
        except BaseException as error:
            error.add_note(traceback.format_exc())
            failure.append(error)
        finally:
            Clock.schedule_once(lambda _dt: app.stop(), 0)

    def start(_dt: float) -> None:
        threading.Thread(target=scenario, name="gui-test-steps", daemon=True).start()

    def watchdog(_dt: float) -> None:
        failure.append(TimeoutError(f"the GUI scenario took longer than {timeout} s"))
        app.stop()

    Clock.schedule_once(start, 0)
    Clock.schedule_once(watchdog, timeout)
    try:
        app.run()
    finally:
        Clock.unschedule(watchdog)
    if failure:
        raise failure[0]


def _chars(layout: Any, page: str) -> set[str]:
    from kiosk.keyboard import KeyKind

    return {key.value for row in layout.page(page).rows for key in row if key.kind is KeyKind.CHAR}


def _page_links(layout: Any, page: str) -> set[str]:
    from kiosk.keyboard import KeyKind

    return {key.value for row in layout.page(page).rows for key in row if key.kind is KeyKind.PAGE}


def _page_with(layout: Any, ch: str) -> tuple[str, str] | None:
    """The page that types `ch`, and the key to press (the lower-case key plus shift for a capital)."""
    for page in layout.pages:
        if ch in _chars(layout, page):
            return page, ch
    for page in layout.pages:
        if ch.lower() in _chars(layout, page):
            return page, ch.lower()
    return None


def _shown(widget: Any) -> list[Any]:
    """The widget and its descendants a person can see and touch: a transparent or disabled parent hides all."""
    if widget.opacity <= 0 or widget.disabled:
        return []
    return [widget, *(w for child in reversed(widget.children) for w in _shown(child))]
