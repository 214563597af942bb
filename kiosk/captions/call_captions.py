"""The captions of one call: the resident's microphone and the officer's incoming voice, each into its own
CaptionStream, switched on and off together by either side.

    captions = CallCaptions(engines, language, on_heard)
    captions.hear(Sender.RESIDENT, local_track)     # on the call loop, once per track
    captions.hear(Sender.OFFICER, remote_track)
    captions.set_on(False)                          # nothing more is listened to, until switched on again
    await captions.close()

Turn-taking: aiortc has no echo cancellation, and the kiosk's microphone hears the officer's voice from its
own speaker. While the officer's audio is loud, and briefly after, the resident's microphone is not
listened to, so the officer's words never come back as the resident's.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable

import numpy as np
from aiortc.mediastreams import MediaStreamTrack

from domain.chat import Sender
from domain.languages import DUTCH
from kiosk.captions.aiortc_audio import hear
from kiosk.captions.captioner import CaptionEngines, CaptionStream, Heard

OFFICER_AUDIBLE_RMS = 0.01  # about -40 dBFS: the officer's voice is playing
OFFICER_HOLD_S = 0.5  # and its echo may still be in the room


class CallCaptions:
    def __init__(self, engines: CaptionEngines, language: str, on_heard: Callable[[Heard], None]) -> None:
        self.on = True
        self._streams = {
            Sender.RESIDENT: CaptionStream(Sender.RESIDENT, language, DUTCH, engines, on_heard),
            Sender.OFFICER: CaptionStream(Sender.OFFICER, DUTCH, language, engines, on_heard),
        }
        self._tasks: dict[Sender, asyncio.Task[None]] = {}
        self._officer_heard_at = -OFFICER_HOLD_S

    def hear(self, speaker: Sender, track: MediaStreamTrack) -> None:
        """Listen to `track` as `speaker`; a new track (a reconnect) replaces the old one."""
        old = self._tasks.pop(speaker, None)
        if old is not None:
            old.cancel()
        if speaker is Sender.OFFICER:
            work = hear(track, self._officer_audio, lambda: self.on)
        else:
            work = hear(track, self._streams[Sender.RESIDENT].feed, self._resident_turn)
        self._tasks[speaker] = asyncio.ensure_future(work)

    def _officer_audio(self, samples: np.ndarray) -> None:
        if len(samples) and float(np.sqrt(np.mean(np.square(samples)))) > OFFICER_AUDIBLE_RMS:
            self._officer_heard_at = time.monotonic()
        self._streams[Sender.OFFICER].feed(samples)

    def _resident_turn(self) -> bool:
        return self.on and time.monotonic() - self._officer_heard_at > OFFICER_HOLD_S

    def set_on(self, on: bool) -> None:
        self.on = on

    async def close(self) -> None:
        for task in self._tasks.values():
            task.cancel()
        for task in self._tasks.values():
            with contextlib.suppress(asyncio.CancelledError):
                await task
        loop = asyncio.get_running_loop()
        await asyncio.gather(*(loop.run_in_executor(None, stream.close) for stream in self._streams.values()))
