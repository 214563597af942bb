"""Live captions without a call: espeak-ng speech, silence and noise through the real Silero VAD, the real
faster-whisper on a small real Whisper model, and the real Argos phrase books."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from domain.chat import Sender
from kiosk.captions.captioner import CaptionEngines, CaptionStream, Heard
from kiosk.captions.silero_vad import SileroVad
from kiosk.captions.whisper_transcriber import Transcript, WhisperTranscriber
from kiosk.translation.argos_translator import ArgosTranslator
from tests.kiosk.captions.conftest import SAYS
from tools.call_translator import OFFICER_SAYS_IN_ARABIC, RESIDENT_SAYS_IN_DUTCH
from tools.speech_audio import noise, silence, speech

FRAME = 320  # 20 ms at 16 kHz, as a call delivers audio


class CountingTranscriber:
    """The real transcriber, counted: silence and noise must never reach it."""

    def __init__(self, real: WhisperTranscriber) -> None:
        self.real, self.calls = real, 0

    def transcribe(self, samples: np.ndarray, language: str) -> Transcript:
        self.calls += 1
        return self.real.transcribe(samples, language)


@pytest.fixture(scope="module")
def transcriber(whisper_dir: Path) -> WhisperTranscriber:
    return WhisperTranscriber(whisper_dir, threads=1)


def caption(
    audio: np.ndarray,
    speaker: Sender,
    language: str,
    target: str,
    transcriber: CountingTranscriber,
    translator: ArgosTranslator,
) -> tuple[list[Heard], CaptionStream]:
    heard: list[Heard] = []
    lock = threading.Lock()

    def keep(one: Heard) -> None:
        with lock:
            heard.append(one)

    engines = CaptionEngines(transcriber, translator, "whisper-phrase 1", SileroVad)
    stream = CaptionStream(speaker, language, target, engines, keep)
    for start in range(0, len(audio), FRAME):
        stream.feed(audio[start : start + FRAME])
    stream.close()
    return heard, stream


def test_the_residents_arabic_speech_becomes_a_dutch_caption(
    transcriber: WhisperTranscriber, translator: ArgosTranslator
) -> None:
    counting = CountingTranscriber(transcriber)
    audio = np.concatenate([silence(0.5), speech("ar", "سرقت دراجتي أمام المحطة"), silence(1.5)])
    heard, stream = caption(audio, Sender.RESIDENT, "ar", "nl", counting, translator)
    assert [h.caption.original for h in heard] == [SAYS["ar"]]
    one = heard[0].caption
    assert (one.translated, one.source_language, one.target_language) == (RESIDENT_SAYS_IN_DUTCH, "ar", "nl")
    assert one.machine_translated and one.speaker == "resident" and one.speech_model == "whisper-phrase 1"
    assert [hop.source for hop in one.hops] == ["ar", "en"]  # the phrase books pivot through English
    assert 1.0 < one.spoken_s < 4.5
    timings = heard[0].timings
    assert timings.speech_ended <= timings.utterance_closed <= timings.transcribed <= timings.translated
    assert stream.utterances == 1 and counting.calls == 1


def test_the_officers_dutch_speech_becomes_an_arabic_caption(
    transcriber: WhisperTranscriber, translator: ArgosTranslator
) -> None:
    audio = np.concatenate([speech("nl", "Dank u wel, we gaan het bekijken."), silence(1.0)])
    heard, _ = caption(audio, Sender.OFFICER, "nl", "ar", CountingTranscriber(transcriber), translator)
    assert [(h.caption.original, h.caption.translated) for h in heard] == [(SAYS["nl"], OFFICER_SAYS_IN_ARABIC)]


def test_two_turns_with_a_pause_give_two_captions(transcriber: WhisperTranscriber, translator: ArgosTranslator) -> None:
    turn = speech("ar", "سرقت دراجتي")
    audio = np.concatenate([turn, silence(1.2), turn, silence(1.2)])
    heard, _ = caption(audio, Sender.RESIDENT, "ar", "nl", CountingTranscriber(transcriber), translator)
    assert [h.caption.original for h in heard] == [SAYS["ar"]] * 2
    assert heard[0].caption.caption_id != heard[1].caption.caption_id


@pytest.mark.parametrize(
    "audio",
    [silence(6.0), noise(6.0, level=0.05), noise(6.0, level=0.3), np.concatenate([noise(3.0), silence(3.0)])],
    ids=["silence", "quiet noise", "loud noise", "noise then silence"],
)
def test_silence_and_noise_give_no_caption_and_never_reach_whisper(
    audio: np.ndarray, transcriber: WhisperTranscriber, translator: ArgosTranslator
) -> None:
    counting = CountingTranscriber(transcriber)
    heard, stream = caption(audio, Sender.RESIDENT, "ar", "nl", counting, translator)
    assert heard == [] and stream.utterances == 0 and counting.calls == 0


def test_speech_in_noise_is_still_captioned(transcriber: WhisperTranscriber, translator: ArgosTranslator) -> None:
    """The negative tests above would also pass with a detector that never fires: this one would not."""
    voice = speech("ar", "سرقت دراجتي أمام المحطة")
    audio = np.concatenate([noise(1.0, 0.02), voice + noise(len(voice) / 16_000, 0.02), noise(1.5, 0.02)])
    heard, _ = caption(audio, Sender.RESIDENT, "ar", "nl", CountingTranscriber(transcriber), translator)
    assert len(heard) == 1


class QuotingTranslator:
    """A translator that fails with the resident's words in its message, as a careless engine might."""

    def submit(self, text: str, source: str, target: str) -> Any:
        raise RuntimeError(f"cannot translate {text!r}")


def test_a_failing_turn_logs_no_word_of_it_and_the_captions_go_on(
    transcriber: WhisperTranscriber, translator: ArgosTranslator, caplog: pytest.LogCaptureFixture
) -> None:
    turn = np.concatenate([speech("ar", "سرقت دراجتي"), silence(1.2)])
    caplog.set_level(logging.DEBUG)
    heard, stream = caption(np.concatenate([turn, turn]), Sender.RESIDENT, "ar", "nl",
                            CountingTranscriber(transcriber), QuotingTranslator())  # type: ignore[arg-type]  # fmt: skip
    assert heard == [] and stream.utterances == 2  # both turns were heard; neither could be translated
    assert "captioning failed for one utterance: RuntimeError" in caplog.text
    assert SAYS["ar"] not in caplog.text and "سرقت" not in caplog.text


def test_a_turn_that_fails_as_the_call_ends_does_not_hold_up_the_end(
    transcriber: WhisperTranscriber, caplog: pytest.LogCaptureFixture
) -> None:
    """Still speaking at hang-up: the last turn is tried, fails, and the stream still closes at once."""
    engines = CaptionEngines(CountingTranscriber(transcriber), QuotingTranslator(), "whisper-phrase 1", SileroVad)  # type: ignore[arg-type]
    stream = CaptionStream(Sender.RESIDENT, "ar", "nl", engines, lambda _heard: None)
    stream.feed(speech("ar", "سرقت دراجتي"))  # no silence after it: the turn is open when the call ends
    stream.close(timeout=20)
    assert not stream._worker.is_alive() and stream.utterances == 1
    assert "captioning failed for one utterance: RuntimeError" in caplog.text
