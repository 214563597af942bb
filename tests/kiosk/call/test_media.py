"""Generated call media (what a kiosk without camera or microphone sends) and muting, with real PyAV frames."""

from __future__ import annotations

import asyncio

import numpy as np
import pytest
from av import AudioFrame, VideoFrame

from kiosk.call.media import ColourBarsVideo, MediaDevices, MutableAudio, ToneAudio, open_local_media

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def test_the_test_pattern_is_640x480_and_moves() -> None:
    track = ColourBarsVideo()
    first, second = await track.recv(), await track.recv()
    assert isinstance(first, VideoFrame) and isinstance(second, VideoFrame)
    assert (first.width, first.height, first.format.name) == (640, 480, "yuv420p")
    assert first.pts is not None and second.pts is not None and second.pts > first.pts
    assert not np.array_equal(first.to_ndarray(), second.to_ndarray())


async def test_the_tone_is_audible_and_muting_makes_it_silent() -> None:
    microphone = MutableAudio(ToneAudio())
    loud = await microphone.recv()
    microphone.muted = True
    quiet = await microphone.recv()
    assert isinstance(loud, AudioFrame) and isinstance(quiet, AudioFrame)
    assert (loud.sample_rate, loud.samples, loud.format.name) == (48_000, 960, "s16")
    assert np.abs(loud.to_ndarray()).max() > 100
    assert np.abs(quiet.to_ndarray()).max() == 0
    assert loud.pts is not None
    assert (quiet.samples, quiet.pts) == (loud.samples, loud.pts + loud.samples)


async def test_a_kiosk_without_devices_sends_a_pattern_and_silence() -> None:
    media = open_local_media(MediaDevices(camera="/nonexistent/video9", microphone=""))
    try:
        assert media.described == "test pattern, silence"
        frame = await asyncio.wait_for(media.audio.recv(), 5)
        assert isinstance(frame, AudioFrame) and np.abs(frame.to_ndarray()).max() == 0
    finally:
        media.stop()


async def test_test_media_can_be_forced() -> None:
    media = open_local_media(MediaDevices(test_media=True, video_size="320x240"))
    try:
        assert media.described == "test pattern, tone"
        frame = await media.video.recv()
        assert isinstance(frame, VideoFrame) and (frame.width, frame.height) == (320, 240)
    finally:
        media.stop()
