"""Speech to text with faster-whisper (Whisper on CTranslate2), from a model directory on this kiosk only.

faster-whisper fetches a model or its tokenizer from the Hugging Face hub when it is given a model size
instead of a path, or a directory without tokenizer.json. Neither can happen here: the directory is checked
for every file faster-whisper reads before it is opened, and the hub is switched off for the process.
"""

from __future__ import annotations

import os
import threading
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REQUIRED_FILES = ("model.bin", "config.json", "vocabulary.json", "tokenizer.json", "preprocessor_config.json")
NO_SPEECH_THRESHOLD = 0.6  # Whisper's own: above it, the decoder believes nobody spoke
LOW_LOGPROB = -1.0  # Whisper's fallback threshold: below it, the words are a guess
HIGH_COMPRESSION = 2.4  # Whisper's: above it, the text repeats itself (a known hallucination)
# At most this many tokens per utterance: speech runs about 3 tokens a second, and a decoder caught in a loop
# (another known hallucination) would otherwise write up to 448 tokens and hold the caption for seconds.
BASE_TOKENS, TOKENS_PER_SECOND = 12, 6


class SpeechModelMissing(RuntimeError):
    """The Whisper model directory is absent or incomplete."""


@dataclass(frozen=True)
class Transcript:
    text: str  # "" when the model heard no speech
    language: str
    no_speech_probability: float
    average_logprob: float
    compression_ratio: float

    @property
    def low_confidence(self) -> bool:
        return self.average_logprob < LOW_LOGPROB or self.compression_ratio > HIGH_COMPRESSION


def check_model_dir(model_dir: Path) -> None:
    missing = [name for name in REQUIRED_FILES if not (model_dir / name).is_file()]
    if missing:
        raise SpeechModelMissing(f"{model_dir.name}: missing {', '.join(missing)}")


class WhisperTranscriber:
    """One loaded model; `transcribe` may be called from one worker thread at a time."""

    def __init__(self, model_dir: Path, threads: int = 2, compute_type: str = "int8") -> None:
        check_model_dir(model_dir)
        os.environ["HF_HUB_OFFLINE"] = "1"  # belt and braces: a path never reaches the hub, but nothing may
        from faster_whisper import WhisperModel

        self.model_dir = model_dir
        # int8 on the kiosk's CPU: about half the memory and time of float32, as faster-whisper advises for CPUs
        self._model = WhisperModel(str(model_dir), device="cpu", compute_type=compute_type, cpu_threads=threads)
        self._lock = threading.Lock()

    def transcribe(self, samples: np.ndarray, language: str) -> Transcript:
        """Greedy, one window, no timestamps, no conditioning on earlier text: one utterance at a time."""
        limit = min(224, BASE_TOKENS + round(TOKENS_PER_SECOND * len(samples) / 16_000))
        with self._lock:
            segments, _info = self._model.transcribe(
                samples.astype(np.float32, copy=False),
                language=language,
                beam_size=1,
                temperature=0.0,
                without_timestamps=True,
                condition_on_previous_text=False,
                vad_filter=False,  # the kiosk's own VAD cut this utterance
                no_speech_threshold=NO_SPEECH_THRESHOLD,
                max_new_tokens=limit,
            )
            heard = list(segments)
        if not heard:
            return Transcript("", language, 1.0, 0.0, 0.0)
        text = " ".join(segment.text.strip() for segment in heard).strip()
        no_speech = max(segment.no_speech_prob for segment in heard)
        logprob = min(segment.avg_logprob for segment in heard)
        if no_speech > NO_SPEECH_THRESHOLD:
            text = ""  # stricter than Whisper, which keeps such text when its log-probability is high
        return Transcript(text, language, no_speech, logprob, compression_ratio(text))


def compression_ratio(text: str) -> float:
    data = text.encode("utf-8")
    return len(data) / len(zlib.compress(data)) if data else 0.0
