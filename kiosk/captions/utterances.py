"""Where one spoken turn ends: speech probabilities per short window in, whole utterances out.

A voice-activity detector scores every 32 ms window of 16 kHz audio (0: silence or noise, 1: speech). An
utterance starts at the first window above `start_threshold`, goes on through short pauses, and ends after
`end_silence_s` of windows below `end_threshold` (hysteresis, so a word's soft tail does not cut it). What is
shorter than `min_speech_s` of speech is dropped (a cough, a door); what runs past `max_utterance_s` is cut
there so a caption never waits for a monologue to end. Pure Python over lists of samples: no audio library.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

SAMPLE_RATE = 16_000
WINDOW = 512  # samples per detector window: 32 ms


@dataclass(frozen=True)
class Endpointing:
    start_threshold: float = 0.5
    end_threshold: float = 0.35
    end_silence_s: float = 0.6
    min_speech_s: float = 0.25
    max_utterance_s: float = 12.0
    pad_s: float = 0.2  # audio kept before the first and after the last speech window


@dataclass(frozen=True)
class Utterance:
    windows: tuple[Sequence[float], ...]  # 16 kHz mono, -1..1, WINDOW samples each, in order
    start_s: float  # since the stream began
    end_s: float  # where the speech ended (before the trailing silence that closed it)
    speech_windows: int

    @property
    def duration_s(self) -> float:
        return len(self.windows) * WINDOW / SAMPLE_RATE


class UtteranceDetector:
    """Feed windows in order with `push`; it returns an Utterance when one is complete."""

    def __init__(self, endpointing: Endpointing | None = None) -> None:
        self.settings = endpointing or Endpointing()
        window_s = WINDOW / SAMPLE_RATE
        self._pad = round(self.settings.pad_s / window_s)
        self._end_windows = max(1, round(self.settings.end_silence_s / window_s))
        self._min_windows = max(1, round(self.settings.min_speech_s / window_s))
        self._max_windows = max(1, round(self.settings.max_utterance_s / window_s))
        self._before: list[Sequence[float]] = []  # the last few quiet windows, kept as padding
        self._current: list[Sequence[float]] = []
        self._speech = 0
        self._quiet = 0
        self._index = 0  # windows seen
        self._start = 0

    @property
    def in_speech(self) -> bool:
        return bool(self._current)

    def push(self, window: Sequence[float], probability: float) -> Utterance | None:
        self._index += 1
        settings = self.settings
        if not self._current:
            if probability >= settings.start_threshold:
                self._start = self._index - 1 - len(self._before)
                self._current = [*self._before, window]
                self._before, self._speech, self._quiet = [], 1, 0
            else:
                self._before = [*self._before, window][-self._pad :] if self._pad else []
            return None
        self._current.append(window)
        if probability >= settings.end_threshold:
            self._speech += 1
            self._quiet = 0
        else:
            self._quiet += 1
        if self._quiet >= self._end_windows or len(self._current) >= self._max_windows:
            return self._close()
        return None

    def flush(self) -> Utterance | None:
        """The stream ended (hang-up, captions turned off): what was being spoken, if it counts."""
        return self._close() if self._current else None

    def _close(self) -> Utterance | None:
        kept = len(self._current) - max(0, self._quiet - self._pad)
        windows, speech = self._current[:kept], self._speech
        self._current, self._speech, self._quiet, self._before = [], 0, 0, []
        if speech < self._min_windows:
            return None
        window_s = WINDOW / SAMPLE_RATE
        start_s = self._start * window_s
        return Utterance(tuple(windows), start_s, start_s + len(windows) * window_s, speech)
