"""Speech audio for the captioning tests and the benchmark: espeak-ng says a sentence, PyAV resamples it.

No recordings are shipped and nothing is downloaded: espeak-ng (a Debian package) synthesises the voice in
the language asked for, so the voice-activity detector and Whisper's feature extractor get real speech.
"""

from __future__ import annotations

import io
import subprocess
import wave
from pathlib import Path

import av
import numpy as np

RATE = 16_000


def espeak_wav(language: str, text: str) -> bytes:
    """A WAV file (22.05 kHz mono) of espeak-ng saying `text`; the text goes on standard input."""
    done = subprocess.run(["espeak-ng", "-v", language, "--stdout"], input=text.encode("utf-8"),
                          capture_output=True, check=True, timeout=60)  # fmt: skip
    return done.stdout


def resampled(wav: bytes, rate: int = RATE) -> np.ndarray:
    """Mono float32 samples at `rate` from a WAV file's bytes."""
    resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
    chunks = []
    with av.open(io.BytesIO(wav), mode="r") as container:
        for frame in container.decode(audio=0):
            chunks += [out.to_ndarray().ravel() for out in resampler.resample(frame)]
    chunks += [out.to_ndarray().ravel() for out in resampler.resample(None)]
    return np.concatenate(chunks).astype(np.float32)


def speech(language: str, text: str, rate: int = RATE) -> np.ndarray:
    return resampled(espeak_wav(language, text), rate)


def silence(seconds: float, rate: int = RATE) -> np.ndarray:
    return np.zeros(round(seconds * rate), np.float32)


def noise(seconds: float, level: float = 0.1, seed: int = 3, rate: int = RATE) -> np.ndarray:
    return np.random.default_rng(seed).normal(0, level, round(seconds * rate)).clip(-1, 1).astype(np.float32)


def write_wav(path: Path, samples: np.ndarray, rate: int) -> Path:
    """16-bit mono WAV, e.g. for Chromium's --use-file-for-fake-audio-capture or aiortc's MediaPlayer."""
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes((np.clip(samples, -1, 1) * 32767).astype(np.int16).tobytes())
    return path
