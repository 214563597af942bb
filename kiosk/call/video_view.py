"""RemoteVideo: the officer's video on the kiosk screen.

One Texture is created per frame size and reused: each new frame is blitted into it (a texture per frame
leaks GPU memory). Frames come from the call's thread through a LatestFrame; every frame of Kivy's loop looks
for a new one on the main thread (a second 30 Hz timer would beat against the sender's and drop every other
frame), so a slow screen drops frames rather than queueing them.
"""

from __future__ import annotations

from typing import Any

from kivy.clock import Clock, ClockEvent
from kivy.graphics import Color, Rectangle
from kivy.graphics.texture import Texture
from kivy.properties import NumericProperty
from kivy.uix.widget import Widget

from kiosk.call.frames import LatestFrame


class RemoteVideo(Widget):
    drawn = NumericProperty(0)  # frames drawn since attach(); the screen shows "connecting" while 0

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.texture: Texture | None = None
        self._frames: LatestFrame | None = None
        self._shown = 0
        self._event: ClockEvent | None = None
        with self.canvas:
            Color(0.07, 0.07, 0.07)
            self._backdrop = Rectangle(pos=self.pos, size=self.size)
            Color(1, 1, 1)
            self._picture = Rectangle(pos=self.pos, size=(0, 0))
        self.bind(pos=self._fit, size=self._fit)

    def attach(self, frames: LatestFrame) -> None:
        self.detach()
        self._frames, self._shown, self.drawn = frames, 0, 0
        self._event = Clock.schedule_interval(self._draw, 0)

    def detach(self) -> None:
        if self._event is not None:
            self._event.cancel()
            self._event = None
        self._frames = None
        self._picture.size = (0, 0)

    def _draw(self, _dt: float) -> None:
        frame = self._frames.newer_than(self._shown) if self._frames else None
        if frame is None:
            return
        if self.texture is None or self.texture.size != (frame.width, frame.height):
            self.texture = Texture.create(size=(frame.width, frame.height), colorfmt="rgb")
            self.texture.flip_vertical()  # frames come top row first, OpenGL draws bottom row first
            self._picture.texture = self.texture
        self.texture.blit_buffer(frame.pixels, colorfmt="rgb", bufferfmt="ubyte")
        self._shown = frame.number
        if self.drawn == 0:
            self._fit()
        self.drawn += 1
        self.canvas.ask_update()

    def _fit(self, *_args: Any) -> None:
        """Letterbox: the whole picture, as large as fits, centred."""
        self._backdrop.pos, self._backdrop.size = self.pos, self.size
        if self.texture is None or self._frames is None:
            return
        width, height = self.texture.size
        scale = min(self.width / width, self.height / height)
        size = (width * scale, height * scale)
        self._picture.size = size
        self._picture.pos = (self.x + (self.width - size[0]) / 2, self.y + (self.height - size[1]) / 2)
