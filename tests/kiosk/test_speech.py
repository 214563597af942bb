"""Read-aloud with the real espeak-ng: audible speech in Dutch and Arabic, stopping, and nothing said in logs."""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import wave
from array import array
from pathlib import Path

import pytest

from domain.languages import LANGUAGES
from kiosk.speech import VOICES, EspeakSpeaker, SpeechUnavailable
from kiosk.text import shape

pytestmark = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")

DUTCH = "Uw melding is opgeslagen en wordt verstuurd. Bewaar uw kenmerk goed."
ARABIC = "تم حفظ بلاغك وسيتم إرساله. احتفظ برقم بلاغك."
LONG_DUTCH = "Dit is een lange zin die de computer steeds opnieuw voorleest. " * 1500


def measure(wav_file: Path) -> tuple[float, float, float]:
    """Seconds, RMS and the share of 50 ms windows that are not silent, read with Python's wave module."""
    with wave.open(str(wav_file), "rb") as audio:
        assert audio.getsampwidth() == 2 and audio.getnchannels() == 1
        rate = audio.getframerate()
        samples = array("h", audio.readframes(audio.getnframes()))
    seconds = len(samples) / rate
    rms = (sum(s * s for s in samples) / max(1, len(samples))) ** 0.5
    window = rate // 20
    windows = [samples[i : i + window] for i in range(0, len(samples), window)]
    loud = sum(1 for w in windows if max(abs(s) for s in w) > 1000)
    return seconds, rms, loud / max(1, len(windows))


def sox_rms(wav_file: Path) -> float:
    stats = subprocess.run(["sox", str(wav_file), "-n", "stat"], capture_output=True, text=True, check=True).stderr
    match = re.search(r"RMS\s+amplitude:\s+([0-9.]+)", stats)
    assert match, stats
    return float(match.group(1))


@pytest.fixture
def speaker() -> EspeakSpeaker:
    return EspeakSpeaker()


@pytest.mark.parametrize(("language", "text"), [("nl", DUTCH), ("ar", ARABIC)])
def test_speech_is_audible_and_of_plausible_length(
    speaker: EspeakSpeaker, tmp_path: Path, language: str, text: str
) -> None:
    wav_file = speaker.synthesize_to_file(text, language, tmp_path / f"{language}.wav")
    seconds, rms, loud_share = measure(wav_file)
    # About a dozen words at 150 words a minute: several seconds, not a click and not a minute.
    assert 2.0 < seconds < 20.0, seconds
    assert rms > 1000, rms  # of 32767: clearly audible
    assert loud_share > 0.4, loud_share  # mostly speech, not mostly silence
    if shutil.which("sox"):
        assert sox_rms(wav_file) > 0.03


def test_every_language_has_a_working_voice(speaker: EspeakSpeaker, tmp_path: Path) -> None:
    samples = {"nl": "Hallo", "en": "Hello", "ar": "مرحبا", "tr": "Merhaba", "pl": "Dzień dobry",
               "uk": "Добрий день", "de": "Guten Tag", "fr": "Bonjour", "es": "Hola", "fa": "سلام"}
    assert set(VOICES) == {lang.code for lang in LANGUAGES} == set(samples)
    for language, text in samples.items():
        seconds, rms, _ = measure(speaker.synthesize_to_file(text, language, tmp_path / f"{language}.wav"))
        assert seconds > 0.2 and rms > 500, language


def test_speak_returns_at_once_and_stop_ends_it(speaker: EspeakSpeaker) -> None:
    speaker.speak(LONG_DUTCH, "nl", "-w", "/dev/null")  # minutes of speech
    assert speaker.is_speaking()
    speaker.stop()
    assert not speaker.is_speaking()
    assert speaker.wait() is None  # nothing left running


def test_new_text_interrupts_the_old_one(speaker: EspeakSpeaker, tmp_path: Path) -> None:
    speaker.speak(LONG_DUTCH, "nl", "-w", "/dev/null")
    speaker.speak(DUTCH, "nl", "-w", str(tmp_path / "second.wav"))
    assert speaker.wait(timeout=60) == 0
    seconds, _, _ = measure(tmp_path / "second.wav")
    assert seconds < 20.0  # the second text only, not the long one


def test_refuses_text_shaped_for_display_and_unknown_languages(speaker: EspeakSpeaker) -> None:
    with pytest.raises(ValueError, match="shaped"):
        speaker.speak(shape(ARABIC, "ar"), "ar")
    with pytest.raises(SpeechUnavailable):
        speaker.speak("hallo", "xx")
    with pytest.raises(SpeechUnavailable):
        EspeakSpeaker(executable="no-such-espeak")


def test_logs_never_contain_what_was_read(
    speaker: EspeakSpeaker, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "Jansen woont op Kerkstraat 12"
    with caplog.at_level(logging.DEBUG):
        speaker.speak(secret, "nl", "-w", str(tmp_path / "x.wav"))
        speaker.wait(timeout=60)
    assert caplog.records, "speaking should be logged (without the text)"
    assert all("Jansen" not in record.getMessage() and "Kerkstraat" not in record.getMessage()
               for record in caplog.records)
