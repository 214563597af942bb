"""Audio from an aiortc track to a caption stream: 48 kHz Opus frames in, 16 kHz mono float32 out (PyAV's
resampler), until the track ends or the task is cancelled."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import av
import numpy as np
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from kiosk.captions.utterances import SAMPLE_RATE


async def hear(track: MediaStreamTrack, feed: Callable[[np.ndarray], None], listening: Callable[[], bool]) -> None:
    """Reads every frame (a relay must be drained), passes the audio on only while `listening()`."""
    resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
    with contextlib.suppress(MediaStreamError):
        while True:
            frame = await track.recv()
            if not listening() or not isinstance(frame, av.AudioFrame):
                continue
            for out in resampler.resample(frame):
                feed(out.to_ndarray().ravel().astype(np.float32, copy=False))
