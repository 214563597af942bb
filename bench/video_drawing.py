"""The call screen's video drawing, under Xvfb: RemoteVideo fed 640x480 frames at 30 fps from a thread, beside the
frames fed as the baseline. Part of `python -m bench.call` (its --part draw), which starts it under xvfb-run."""

from __future__ import annotations

import os
import threading
import time


def run_draw_bench(seconds: float) -> None:
    os.environ.update(KIVY_NO_ARGS="1", KIVY_NO_CONFIG="1", KIVY_NO_FILELOG="1", KIVY_NO_CONSOLELOG="1")
    from kivy.config import Config

    Config.set("graphics", "width", "800")
    Config.set("graphics", "height", "600")
    import numpy as np
    from kivy.app import App
    from kivy.clock import Clock

    from kiosk.call.frames import LatestFrame
    from kiosk.call.video_view import RemoteVideo

    frames = LatestFrame()
    pictures = [np.full((480, 640, 3), shade, np.uint8).tobytes() for shade in range(0, 250, 10)]
    stop = threading.Event()

    def feed() -> None:
        number = 0
        while not stop.wait(1 / 30):
            frames.put(640, 480, pictures[number % len(pictures)])
            number += 1

    class DrawBench(App):
        def build(self) -> RemoteVideo:
            self.video = RemoteVideo()
            return self.video

        def on_start(self) -> None:
            self.video.attach(frames)
            threading.Thread(target=feed, daemon=True).start()
            Clock.schedule_once(self._measure, 1.0)

        def _measure(self, _dt: float) -> None:
            self.mark = (self.video.drawn, frames.count, time.perf_counter())
            Clock.schedule_once(self._done, seconds)

        def _done(self, _dt: float) -> None:
            drawn, fed, started = self.mark
            elapsed = time.perf_counter() - started
            self.drawn_fps = (self.video.drawn - drawn) / elapsed
            self.fed_fps = (frames.count - fed) / elapsed
            stop.set()
            self.stop()

    app = DrawBench()
    app.run()
    print(f"Kivy drawing under Xvfb (software GL), {seconds:.0f} s")
    print(
        f"  RemoteVideo 640x480       {app.drawn_fps:6.1f} fps drawn   target >= 25 fps"
        f"   (one texture reused: {app.video.texture is not None})"
    )
    print(f"    baseline: frames fed    {app.fed_fps:6.1f} fps (what the call thread handed over)")
