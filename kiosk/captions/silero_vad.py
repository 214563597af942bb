"""Voice activity with Silero VAD: the ONNX model that ships inside the faster-whisper wheel (no download),
run by onnxruntime on one thread.

The model keeps state from window to window. faster-whisper's wrapper starts fresh on every call, so each
call here also scores the last half second before the new windows, and only the new windows' scores are kept:
every window is judged with the context that came before it.
"""

from __future__ import annotations

import numpy as np

from kiosk.captions.utterances import WINDOW

CONTEXT_WINDOWS = 16  # 0.5 s of audio scored again before the new windows


class SileroVad:
    def __init__(self) -> None:
        from faster_whisper.vad import get_vad_model

        self._model = get_vad_model()
        self._history = np.zeros(0, np.float32)

    def probabilities(self, samples: np.ndarray) -> list[float]:
        """One speech probability per WINDOW samples of 16 kHz mono float audio (len(samples) % WINDOW == 0)."""
        if len(samples) % WINDOW:
            raise ValueError("give whole windows")
        if not len(samples):
            return []
        audio = np.concatenate([self._history, samples.astype(np.float32, copy=False)])
        scores = np.asarray(self._model(audio)).ravel()
        self._history = audio[-CONTEXT_WINDOWS * WINDOW :]
        return [float(score) for score in scores[-(len(samples) // WINDOW) :]]

    def reset(self) -> None:
        self._history = np.zeros(0, np.float32)
