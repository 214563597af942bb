"""One direction of live captions: a speaker's audio in, translated captions out.

    stream = CaptionStream(Sender.RESIDENT, "ar", "nl", engines, on_caption)
    stream.feed(samples)    # 16 kHz mono float32, any length, from the call's audio reader (never blocks)
    stream.close()          # the call ended: what was being said is finished, the worker stops

Everything heavy runs on the stream's own worker thread, in order: voice activity per 32 ms window, the end
of the utterance, Whisper on it, then translation. Silence and noise never reach Whisper (the detector finds
no speech), and what Whisper itself marks as no speech gives no caption: no caption rather than an invented
one. Each caption carries its timings (`CaptionTimings`) for the tests and the benchmark.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

import numpy as np

from domain.chat import Caption, Sender
from kiosk.captions.utterances import WINDOW, Endpointing, Utterance, UtteranceDetector
from kiosk.captions.whisper_transcriber import Transcript
from kiosk.translation.ports import TextTranslator
from kiosk.translation.result import TranslationResult, unchanged

log = logging.getLogger(__name__)


class VoiceActivity(Protocol):
    def probabilities(self, samples: np.ndarray) -> list[float]: ...

    def reset(self) -> None: ...


class Transcriber(Protocol):
    def transcribe(self, samples: np.ndarray, language: str) -> Transcript: ...


@dataclass(frozen=True)
class CaptionEngines:
    """What a call's captions run on; one transcriber (one loaded Whisper model) serves both directions."""

    transcriber: Transcriber
    translator: TextTranslator
    speech_model: str  # name and version, as the officer sees it
    new_vad: Callable[[], VoiceActivity]
    endpointing: Endpointing = field(default_factory=Endpointing)


@dataclass(frozen=True)
class CaptionTimings:
    speech_ended: float  # monotonic: when the last speech window arrived
    utterance_closed: float  # when the trailing silence closed it
    transcribed: float
    translated: float


@dataclass(frozen=True)
class Heard:
    caption: Caption
    timings: CaptionTimings


_CLOSE = object()


class CaptionStream:
    def __init__(
        self,
        speaker: Sender,
        language: str,
        target: str,
        engines: CaptionEngines,
        on_caption: Callable[[Heard], None],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.speaker, self.language, self.target = speaker, language, target
        self._engines = engines
        self._on_caption = on_caption
        self._clock = clock
        self._vad = engines.new_vad()
        self._detector = UtteranceDetector(engines.endpointing)
        self._pending = np.zeros(0, np.float32)
        self._last_speech = clock()
        self._inbox: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._worker = threading.Thread(target=self._work, name=f"captions-{speaker.value}", daemon=True)
        self._worker.start()
        self.utterances = 0  # closed utterances (speech found), captioned or not
        self.dropped = 0  # utterances Whisper heard nothing in

    def feed(self, samples: np.ndarray) -> None:
        self._inbox.put(samples)

    def close(self, timeout: float = 30.0) -> None:
        self._inbox.put(_CLOSE)
        self._worker.join(timeout)

    # ----- on the worker thread ------------------------------------------------------------------------------
    def _work(self) -> None:
        while True:
            item = self._inbox.get()
            closing = item is _CLOSE
            try:
                if closing:
                    last = self._detector.flush()  # what was being said as the call ended
                    if last is not None:
                        self._caption(last, self._clock())
                else:
                    assert isinstance(item, np.ndarray)
                    self._listen(item)
            except Exception as error:  # one bad utterance must not end the captions, nor hold up their end
                # the type only: an engine's message may quote what was said, and speech is personal data
                log.error("captioning failed for one utterance: %s", type(error).__name__)
            if closing:
                return

    def _listen(self, samples: np.ndarray) -> None:
        audio = np.concatenate([self._pending, samples.astype(np.float32, copy=False)])
        whole = len(audio) // WINDOW * WINDOW
        self._pending = audio[whole:]
        if not whole:
            return
        windows = audio[:whole].reshape(-1, WINDOW)
        for window, probability in zip(windows, self._vad.probabilities(audio[:whole]), strict=True):
            if probability >= self._engines.endpointing.end_threshold:
                self._last_speech = self._clock()
            utterance = self._detector.push(window, probability)  # type: ignore[arg-type]  # an array of floats
            if utterance is not None:
                self._caption(utterance, self._clock())

    def _caption(self, utterance: Utterance, closed: float) -> None:
        self.utterances += 1
        speech_ended = self._last_speech
        transcript = self._engines.transcriber.transcribe(np.concatenate(utterance.windows), self.language)
        transcribed = self._clock()
        if not transcript.text:
            self.dropped += 1
            return
        result = self._translate(transcript.text)
        translated = self._clock()
        caption = Caption(
            caption_id=uuid.uuid4().hex,
            speaker=self.speaker.value,
            original=transcript.text,
            source_language=self.language,
            translated=result.text,
            target_language=self.target,
            spoken_at=datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
            spoken_s=round(utterance.duration_s, 2),
            speech_model=self._engines.speech_model,
            speech_low_confidence=transcript.low_confidence,
            hops=result.hops,
            pivot=result.pivot,
            low_confidence=result.low_confidence or transcript.low_confidence,
            reason=None if result.reason is None else result.reason.value,
            machine_translated=result.machine_translated and result.text is not None,
        )
        self._on_caption(Heard(caption, CaptionTimings(speech_ended, closed, transcribed, translated)))

    def _translate(self, text: str) -> TranslationResult:
        if self.language == self.target:
            return unchanged(text, self.language)
        return self._engines.translator.submit(text, self.language, self.target).result()
