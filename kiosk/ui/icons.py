"""Simple line icons drawn with canvas instructions: the shipped Noto fonts have no arrows, ticks or speakers,
and drawn shapes stay sharp at every text size and in high contrast."""

from __future__ import annotations

from typing import Any

from kivy.clock import Clock
from kivy.graphics import Color, Ellipse, Line, Triangle
from kivy.metrics import dp
from kivy.properties import BooleanProperty, ColorProperty, NumericProperty, StringProperty
from kivy.uix.widget import Widget


class Icon(Widget):
    kind = StringProperty("")
    color = ColorProperty([0, 0, 0, 1])
    mirrored = BooleanProperty(False)  # arrows point the other way in right-to-left languages
    mood = NumericProperty(0)  # faces: -2 (very unhappy) .. 2 (very happy)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # Redraw once per frame after all changes: `center` may not be updated yet when `pos` reports a move.
        self._trigger_redraw = Clock.create_trigger(self._redraw, -1)
        for name in ("kind", "color", "mirrored", "mood", "pos", "size"):
            self.fbind(name, self._trigger_redraw)
        self._trigger_redraw()

    def _redraw(self, *_: Any) -> None:
        self.canvas.clear()
        side = min(self.width, self.height)
        if side <= 0 or not self.kind:
            return
        cx, cy = self.x + self.width / 2, self.y + self.height / 2
        r = side / 2
        width = max(dp(2), side / 14)
        draw = getattr(self, f"_draw_{self.kind}", None)
        if draw is None:
            return
        with self.canvas:
            Color(*self.color)
            draw(cx, cy, r, width)

    def _arrow(self, cx: float, cy: float, r: float, w: float, left: bool) -> None:
        side = -1 if left != self.mirrored else 1
        Line(points=[cx - side * r * 0.7, cy, cx + side * r * 0.6, cy], width=w, cap="round")
        Line(points=[cx + side * r * 0.1, cy + r * 0.5, cx + side * r * 0.65, cy, cx + side * r * 0.1, cy - r * 0.5],
             width=w, cap="round", joint="round")

    def _draw_back(self, cx: float, cy: float, r: float, w: float) -> None:
        self._arrow(cx, cy, r, w, left=True)

    def _draw_next(self, cx: float, cy: float, r: float, w: float) -> None:
        self._arrow(cx, cy, r, w, left=False)

    def _draw_up(self, cx: float, cy: float, r: float, w: float) -> None:
        Line(points=[cx - r * 0.6, cy - r * 0.3, cx, cy + r * 0.35, cx + r * 0.6, cy - r * 0.3], width=w,
             cap="round", joint="round")

    def _draw_down(self, cx: float, cy: float, r: float, w: float) -> None:
        Line(points=[cx - r * 0.6, cy + r * 0.3, cx, cy - r * 0.35, cx + r * 0.6, cy + r * 0.3], width=w,
             cap="round", joint="round")

    def _draw_check(self, cx: float, cy: float, r: float, w: float) -> None:
        Line(points=[cx - r * 0.6, cy, cx - r * 0.15, cy - r * 0.5, cx + r * 0.65, cy + r * 0.55],
             width=w * 1.3, cap="round", joint="round")

    def _draw_cross(self, cx: float, cy: float, r: float, w: float) -> None:
        d = r * 0.55
        Line(points=[cx - d, cy - d, cx + d, cy + d], width=w, cap="round")
        Line(points=[cx - d, cy + d, cx + d, cy - d], width=w, cap="round")

    def _draw_plus(self, cx: float, cy: float, r: float, w: float) -> None:
        d = r * 0.6
        Line(points=[cx - d, cy, cx + d, cy], width=w, cap="round")
        Line(points=[cx, cy - d, cx, cy + d], width=w, cap="round")

    def _draw_speaker(self, cx: float, cy: float, r: float, w: float) -> None:
        left = cx - r * 0.8
        Line(points=[left, cy - r * 0.25, left + r * 0.35, cy - r * 0.25, left + r * 0.8, cy - r * 0.6,
                     left + r * 0.8, cy + r * 0.6, left + r * 0.35, cy + r * 0.25, left, cy + r * 0.25],
             width=w * 0.8, close=True, joint="round")
        for radius in (r * 0.45, r * 0.8):
            Line(circle=(left + r * 0.8, cy, radius, 50, 130), width=w * 0.8, cap="round")

    def _draw_contrast(self, cx: float, cy: float, r: float, w: float) -> None:
        Line(circle=(cx, cy, r * 0.8), width=w * 0.8)
        Ellipse(pos=(cx - r * 0.8, cy - r * 0.8), size=(r * 1.6, r * 1.6), angle_start=180, angle_end=360)

    def _draw_text_size(self, cx: float, cy: float, r: float, w: float) -> None:
        for scale, x in ((0.55, cx - r * 0.45), (1.0, cx + r * 0.25)):
            h = r * scale
            Line(points=[x - h * 0.45, cy - h * 0.7, x, cy + h * 0.7, x + h * 0.45, cy - h * 0.7], width=w * 0.8,
                 joint="round")
            Line(points=[x - h * 0.25, cy - h * 0.1, x + h * 0.25, cy - h * 0.1], width=w * 0.8)

    def _draw_phone(self, cx: float, cy: float, r: float, w: float) -> None:
        Line(bezier=[cx - r * 0.55, cy + r * 0.7, cx - r * 0.9, cy + r * 0.2, cx - r * 0.2, cy - r * 0.9,
                     cx + r * 0.55, cy - r * 0.7], width=w * 1.6, cap="round")
        for x, y in ((cx - r * 0.5, cy + r * 0.65), (cx + r * 0.5, cy - r * 0.65)):
            Ellipse(pos=(x - r * 0.22, y - r * 0.22), size=(r * 0.44, r * 0.44))

    def _draw_stop(self, cx: float, cy: float, r: float, w: float) -> None:
        Line(circle=(cx, cy, r * 0.8), width=w * 0.8)
        self._draw_cross(cx, cy, r * 0.7, w * 0.8)

    def _draw_face(self, cx: float, cy: float, r: float, w: float) -> None:
        Line(circle=(cx, cy, r * 0.92), width=w * 0.7)
        for dx in (-0.33, 0.33):
            Ellipse(pos=(cx + dx * r - r * 0.09, cy + r * 0.22), size=(r * 0.18, r * 0.22))
        # The mouth: a parabola whose curvature follows the mood (frown for -2, wide smile for 2).
        bend = self.mood * 0.12 * r
        points: list[float] = []
        for step in range(13):
            t = step / 12 * 2 - 1
            points += [cx + t * r * 0.45, cy - r * 0.3 - bend * (1 - t * t)]
        Line(points=points, width=w * 0.8, cap="round", joint="round")

    def _draw_warning(self, cx: float, cy: float, r: float, w: float) -> None:
        Line(points=[cx, cy + r * 0.85, cx + r * 0.9, cy - r * 0.7, cx - r * 0.9, cy - r * 0.7], width=w * 0.8,
             close=True, joint="round")
        Line(points=[cx, cy + r * 0.35, cx, cy - r * 0.15], width=w * 0.9, cap="round")
        Ellipse(pos=(cx - r * 0.08, cy - r * 0.48), size=(r * 0.16, r * 0.16))

    def _draw_play(self, cx: float, cy: float, r: float, w: float) -> None:
        Triangle(points=[cx - r * 0.4, cy + r * 0.55, cx - r * 0.4, cy - r * 0.55, cx + r * 0.6, cy])

    def _draw_video(self, cx: float, cy: float, r: float, w: float) -> None:
        """A video camera: a body and its lens cone, for the buttons that start a video call."""
        Line(rounded_rectangle=(cx - r * 0.9, cy - r * 0.5, r * 1.15, r * 1.0, r * 0.15), width=w * 0.8)
        Triangle(points=[cx + r * 0.3, cy, cx + r * 0.9, cy + r * 0.45, cx + r * 0.9, cy - r * 0.45])

    def _draw_dot(self, cx: float, cy: float, r: float, w: float) -> None:
        Ellipse(pos=(cx - r * 0.3, cy - r * 0.3), size=(r * 0.6, r * 0.6))

