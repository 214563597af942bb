"""The latest remote video frame, handed from the call's thread to whoever draws it (Kivy's main thread).

Only the newest frame matters: a slow screen skips frames instead of queueing them.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass


@dataclass(frozen=True)
class RgbFrame:
    width: int
    height: int
    pixels: bytes  # rgb24, top row first
    number: int  # counts up from 1 for every frame received in the call


class LatestFrame:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._frame: RgbFrame | None = None
        self._count = 0

    def put(self, width: int, height: int, pixels: bytes) -> None:
        with self._lock:
            self._count += 1
            self._frame = RgbFrame(width, height, pixels, self._count)

    def newer_than(self, number: int) -> RgbFrame | None:
        """The latest frame if it is newer than frame `number`, else None (nothing new to draw)."""
        with self._lock:
            frame = self._frame
        return frame if frame is not None and frame.number > number else None

    @property
    def count(self) -> int:
        return self._count

    def clear(self) -> None:
        with self._lock:
            self._frame = None
