"""The kiosk's camera, microphone and speaker for calls, through PyAV: V4L2 and ALSA when the kiosk has them,
a generated test pattern and tone (or silence) when it does not, so a call still connects and shows why.
"""

from __future__ import annotations

import asyncio
import fractions
import glob
import logging
import math
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from aiortc.contrib.media import MediaBlackhole, MediaPlayer, MediaRecorder, MediaRelay
from aiortc.mediastreams import AudioStreamTrack, MediaStreamError, MediaStreamTrack, VideoStreamTrack
from av import AudioFrame, VideoFrame

from kiosk.call.frames import LatestFrame

log = logging.getLogger(__name__)

AUDIO_RATE = 48_000
AUDIO_PTIME = 0.020
SAMPLES_PER_FRAME = int(AUDIO_RATE * AUDIO_PTIME)


class ColourBarsVideo(VideoStreamTrack):
    """Moving colour bars drawn straight into YUV 4:2:0 planes: cheap enough for a small kiosk at 30 fps."""

    def __init__(self, width: int = 640, height: int = 480) -> None:
        super().__init__()
        self.width, self.height = width, height
        bars = np.repeat(np.linspace(40, 220, 8, dtype=np.uint8), math.ceil(width / 8))[:width]
        self._luma = np.tile(bars, (height, 1))
        self._u = np.full((height // 2, width // 2), 90, np.uint8)
        self._v = np.full((height // 2, width // 2), 170, np.uint8)
        self._count = 0

    async def recv(self) -> VideoFrame:
        pts, time_base = await self.next_timestamp()
        shift = (self._count * 8) % self.width
        self._count += 1
        luma = np.roll(self._luma, shift, axis=1)
        luma[: self.height // 8, : self.width // 8] = 255 if self._count % 30 < 15 else 16  # a blinking corner
        planes = np.concatenate([luma, self._u.reshape(-1, self.width), self._v.reshape(-1, self.width)])
        frame = VideoFrame.from_ndarray(planes, format="yuv420p")
        frame.pts, frame.time_base = pts, time_base
        return frame


class ToneAudio(AudioStreamTrack):
    """A quiet 440 Hz tone (or silence), paced in real time like a microphone."""

    def __init__(self, amplitude: float = 0.05) -> None:
        super().__init__()
        self._amplitude = amplitude
        self._sent = 0
        self._began: float | None = None

    async def recv(self) -> AudioFrame:
        if self._began is None:
            self._began = time.monotonic()
        wait = self._began + self._sent / AUDIO_RATE - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        t = (np.arange(SAMPLES_PER_FRAME) + self._sent) / AUDIO_RATE
        samples = (np.sin(2 * np.pi * 440 * t) * self._amplitude * 32767).astype(np.int16)
        frame = AudioFrame.from_ndarray(samples.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = AUDIO_RATE
        frame.pts = self._sent
        frame.time_base = fractions.Fraction(1, AUDIO_RATE)
        self._sent += SAMPLES_PER_FRAME
        return frame


class MutableAudio(MediaStreamTrack):
    """Passes the microphone through, or silence of the same shape while the resident has muted it."""

    kind = "audio"

    def __init__(self, source: MediaStreamTrack) -> None:
        super().__init__()
        self._source = source
        self.muted = False

    async def recv(self) -> AudioFrame:
        frame = await self._source.recv()
        assert isinstance(frame, AudioFrame)
        if not self.muted:
            return frame
        silent = AudioFrame(format=frame.format.name, layout=frame.layout.name, samples=frame.samples)
        for plane in silent.planes:
            plane.update(bytes(plane.buffer_size))
        silent.sample_rate, silent.pts, silent.time_base = frame.sample_rate, frame.pts, frame.time_base
        return silent

    def stop(self) -> None:
        super().stop()
        self._source.stop()


@dataclass(frozen=True)
class MediaDevices:
    """Where the kiosk's camera and sound are; empty strings mean "none: use generated media"."""

    camera: str = "/dev/video0"
    microphone: str = "default"  # an ALSA device
    speaker: str = "default"
    video_size: str = "640x480"
    framerate: int = 30
    test_media: bool = False  # always use the test pattern and tone (demo, tests, benchmark)


@dataclass
class LocalMedia:
    """The camera and microphone for one call. Each peer connection gets its own relayed copies: aiortc stops
    a sender's track when the connection closes, and a reconnect must not lose the camera."""

    video: MediaStreamTrack
    audio: MutableAudio
    described: str  # "camera /dev/video0, ALSA default" or "test pattern, tone": for the technician's log
    relay: MediaRelay = field(default_factory=MediaRelay)

    def tracks_for_peer(self) -> tuple[MediaStreamTrack, MediaStreamTrack]:
        return self.relay.subscribe(self.video, buffered=False), self.relay.subscribe(self.audio, buffered=False)

    def stop(self) -> None:
        self.video.stop()
        self.audio.stop()


OWN_PICTURE_EVERY = 3  # of the camera's frames, for the resident's own small picture: 10 per second is enough


async def show_own_picture(media: LocalMedia, frames: LatestFrame) -> None:
    """The kiosk's own camera into `frames` until the track ends or the call is over (cancelled)."""
    track = media.relay.subscribe(media.video, buffered=False)
    count = 0
    try:
        while True:
            frame = await track.recv()
            count += 1
            if isinstance(frame, VideoFrame) and count % OWN_PICTURE_EVERY == 1:
                frames.put(frame.width, frame.height, frame.to_ndarray(format="rgb24").tobytes())
    except MediaStreamError:
        return
    finally:
        track.stop()


def resident_audio(media: LocalMedia) -> MediaStreamTrack:
    """The microphone as the officer hears it (silent while muted), for the captions."""
    return media.relay.subscribe(media.audio, buffered=False)


def open_local_media(devices: MediaDevices) -> LocalMedia:
    video, video_name = _camera(devices)
    audio, audio_name = _microphone(devices)
    media = LocalMedia(video, MutableAudio(audio), f"{video_name}, {audio_name}")
    log.info("call media: %s", media.described)
    return media


def _camera(devices: MediaDevices) -> tuple[MediaStreamTrack, str]:
    if not devices.test_media and devices.camera and Path(devices.camera).exists():
        options = {"video_size": devices.video_size, "framerate": str(devices.framerate)}
        try:
            player = MediaPlayer(devices.camera, format="v4l2", options=options)
            if player.video is not None:
                return player.video, f"camera {devices.camera}"
        except Exception as error:  # a busy or broken camera must not stop the call
            log.warning("camera %s unusable (%s): sending a test pattern", devices.camera, type(error).__name__)
    width, height = (int(part) for part in devices.video_size.split("x"))
    return ColourBarsVideo(width, height), "test pattern"


def _has_alsa(direction: str) -> bool:
    """`c` for capture, `p` for playback devices."""
    return bool(glob.glob(f"/dev/snd/pcmC*D*{direction}"))


def _microphone(devices: MediaDevices) -> tuple[MediaStreamTrack, str]:
    if devices.microphone.endswith(".wav") and Path(devices.microphone).is_file():
        # a recording played in a loop as the microphone: for a technician's check and the captions tests
        player = MediaPlayer(devices.microphone, loop=True)
        if player.audio is not None:
            return player.audio, f"recording {Path(devices.microphone).name}"
    if not devices.test_media and devices.microphone and _has_alsa("c"):
        try:
            player = MediaPlayer(devices.microphone, format="alsa", options={"channels": "1"})
            if player.audio is not None:
                return player.audio, f"ALSA {devices.microphone}"
        except Exception as error:
            log.warning("microphone %s unusable (%s)", devices.microphone, type(error).__name__)
    if devices.test_media:
        return ToneAudio(), "tone"
    return ToneAudio(amplitude=0.0), "silence"


def open_speaker(devices: MediaDevices) -> MediaRecorder | MediaBlackhole:
    """Where the officer's voice goes: ALSA playback, or nowhere on a kiosk without sound."""
    if not devices.test_media and devices.speaker and _has_alsa("p"):
        try:
            return MediaRecorder(devices.speaker, format="alsa")
        except Exception as error:
            log.warning("speaker %s unusable (%s)", devices.speaker, type(error).__name__)
    return MediaBlackhole()
