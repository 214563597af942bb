"""SignaturePad: a surface the resident signs on with a finger (or a mouse), drawn as lines as they go.

Every touch that starts on the pad is one stroke; its points are kept in 0..1 of the pad, x from the left and y
from the TOP (Kivy counts y from the bottom), which is what domain.statement.check_strokes takes. Kept that way,
the signature is redrawn to scale when the pad changes size (larger text). A signature, not a drawing: past
MAX_STROKES strokes or MAX_POINTS points the pad takes no more ink.
"""

from __future__ import annotations

import math
from typing import Any

from kivy.graphics import Color, Ellipse, InstructionGroup, Line
from kivy.metrics import dp
from kivy.properties import BooleanProperty, ColorProperty, NumericProperty, StringProperty
from kivy.uix.widget import Widget

from domain.statement import MAX_POINTS, MAX_STROKES, Stroke

MIN_STEP_DP = 2.0  # a finger's jitter below this is not a new point


class SignaturePad(Widget):
    tag = StringProperty("")
    ink = ColorProperty([0, 0, 0, 1])
    ink_width = NumericProperty(dp(2.5))
    has_ink = BooleanProperty(False)

    def __init__(self, **kwargs: Any) -> None:
        self._strokes: list[list[tuple[float, float]]] = []
        self._ink = InstructionGroup()
        self._lines: dict[int, Line] = {}  # stroke index -> its line, extended as the finger moves
        self._wiped = 0  # how often the pad was cleared: a finger put down before draws no more
        super().__init__(**kwargs)
        self.canvas.add(self._ink)
        for name in ("pos", "size", "ink", "ink_width"):
            self.fbind(name, self._redraw)

    # ----- what the screen asks -----------------------------------------------------------------------
    def strokes(self) -> tuple[Stroke, ...]:
        return tuple(tuple(stroke) for stroke in self._strokes)

    def clear(self) -> None:
        """Wipe the pad ("Opnieuw"); a finger still down draws no more."""
        self._strokes = []
        self._wiped += 1
        self.has_ink = False
        self._redraw()

    # ----- touches ------------------------------------------------------------------------------------
    def on_touch_down(self, touch: Any) -> bool:
        if self.disabled or not self.collide_point(*touch.pos) or touch.is_mouse_scrolling:
            return bool(super().on_touch_down(touch))
        touch.grab(self)
        if len(self._strokes) < MAX_STROKES and self._points() < MAX_POINTS:
            touch.ud[self._STROKE] = (self._wiped, len(self._strokes))
            self._strokes.append([self._normalised(*touch.pos)])
            self.has_ink = True
            self._redraw()
        return True

    def on_touch_move(self, touch: Any) -> bool:
        if touch.grab_current is not self:
            return bool(super().on_touch_move(touch))
        self._add_point(touch)
        return True

    def on_touch_up(self, touch: Any) -> bool:
        if touch.grab_current is not self:
            return bool(super().on_touch_up(touch))
        touch.ungrab(self)
        self._add_point(touch)
        return True

    # ----- inside -------------------------------------------------------------------------------------
    _STROKE = "signature_pad.stroke"  # the touch's own stroke: (clearings before it, its index)

    def _add_point(self, touch: Any) -> None:
        wiped, index = touch.ud.get(self._STROKE, (-1, 0))
        if wiped != self._wiped or self._points() >= MAX_POINTS:
            return
        stroke = self._strokes[index]
        point = self._normalised(*touch.pos)
        (last_x, last_y), (x, y) = self._on_pad(*stroke[-1]), self._on_pad(*point)
        if math.hypot(x - last_x, y - last_y) < dp(MIN_STEP_DP):
            return
        stroke.append(point)
        line = self._lines.get(index)
        if line is None:  # was a dot
            self._redraw()
        else:
            line.points = [*line.points, x, y]

    def _points(self) -> int:
        return sum(len(stroke) for stroke in self._strokes)

    def _normalised(self, x: float, y: float) -> tuple[float, float]:
        """A touch (in the coordinates Kivy hands the pad) as 0..1 of the pad, y from the top; a finger that
        slides off the pad stays on its edge."""
        width, height = max(self.width, 1.0), max(self.height, 1.0)
        nx = min(1.0, max(0.0, (x - self.x) / width))
        ny = min(1.0, max(0.0, 1.0 - (y - self.y) / height))
        return round(nx, 4), round(ny, 4)

    def _on_pad(self, nx: float, ny: float) -> tuple[float, float]:
        return self.x + nx * self.width, self.y + (1.0 - ny) * self.height

    def _redraw(self, *_: Any) -> None:
        group = self._ink
        group.clear()
        self._lines = {}
        group.add(Color(*self.ink))
        for index, stroke in enumerate(self._strokes):
            points = [coordinate for point in stroke for coordinate in self._on_pad(*point)]
            if len(stroke) == 1:  # a dot: a touch that did not move
                x, y = points
                r = self.ink_width
                group.add(Ellipse(pos=(x - r, y - r), size=(2 * r, 2 * r)))
            else:
                self._lines[index] = Line(points=points, width=self.ink_width, cap="round", joint="round")
                group.add(self._lines[index])
