"""Reading the screen aloud in the resident's language with espeak-ng (a Debian package, runs offline).

The text goes to espeak-ng on standard input, never on the command line: a command line can be read by any
user of the machine (/proc/*/cmdline), and the review screen reads out the resident's answers.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import threading
from pathlib import Path
from typing import IO, Protocol

log = logging.getLogger(__name__)

# espeak-ng voice per UI language.
VOICES = {
    "nl": "nl", "en": "en-gb", "ar": "ar", "tr": "tr", "pl": "pl",
    "uk": "uk", "de": "de", "fr": "fr-fr", "es": "es", "fa": "fa",
}
_STOP_GRACE_SECONDS = 2.0
_SYNTHESIS_TIMEOUT_SECONDS = 60.0


class SpeechUnavailable(RuntimeError):
    """espeak-ng is not installed or has no voice for the language."""


class Speaker(Protocol):
    """Reads text aloud without blocking the caller; a new text interrupts the one being read."""

    def speak(self, text: str, language: str) -> None: ...

    def stop(self) -> None: ...

    def is_speaking(self) -> bool: ...


def _is_shaped(text: str) -> bool:
    return any(0xFB50 <= ord(ch) <= 0xFDFF or 0xFE70 <= ord(ch) <= 0xFEFF for ch in text)


class EspeakSpeaker:
    def __init__(self, executable: str = "espeak-ng", words_per_minute: int = 150) -> None:
        found = shutil.which(executable)
        if found is None:
            raise SpeechUnavailable(f"{executable} is not installed")
        self._executable = found
        self._words_per_minute = words_per_minute
        self._process: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()

    def voice_for(self, language: str) -> str:
        try:
            return VOICES[language]
        except KeyError:
            raise SpeechUnavailable(f"no voice for language {language!r}") from None

    def _command(self, language: str, *extra: str) -> list[str]:
        return [self._executable, "-v", self.voice_for(language), "-s", str(self._words_per_minute),
                "--stdin", *extra]

    def speak(self, text: str, language: str, *extra_args: str) -> None:
        """Start reading `text` (logical order, as in the catalog: not the shaped text a Label gets).
        `extra_args` go to espeak-ng, e.g. ("-w", path) to speak into a file instead of the sound card."""
        if _is_shaped(text):
            raise ValueError("speak the catalog text, not the text shaped for display")
        command = self._command(language, *extra_args)
        with self._lock:
            self._stop_locked()
            process = subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            self._process = process
        # A long text fills the pipe before espeak-ng reads it: feed it from a thread so speak() returns now.
        assert process.stdin is not None
        threading.Thread(target=_feed, args=(process.stdin, text), daemon=True).start()
        log.info("speaking: language=%s characters=%d", language, len(text))

    def stop(self) -> None:
        with self._lock:
            self._stop_locked()

    def is_speaking(self) -> bool:
        with self._lock:
            return self._process is not None and self._process.poll() is None

    def wait(self, timeout: float | None = None) -> int | None:
        """Wait for the current text to end (for tests and the command line); its exit code, or None."""
        with self._lock:
            process = self._process
        return process.wait(timeout) if process is not None else None

    def _stop_locked(self) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(_STOP_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def synthesize_to_file(self, text: str, language: str, wav_file: Path) -> Path:
        """Speak into a WAV file and wait for it: for tests and for checking a voice at install time."""
        result = subprocess.run(
            self._command(language, "-w", str(wav_file)), input=text.encode("utf-8"),
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=_SYNTHESIS_TIMEOUT_SECONDS, check=False,
        )
        if result.returncode != 0 or not wav_file.exists():
            # espeak-ng's own message names the voice or the file, never the text.
            raise SpeechUnavailable(f"espeak-ng failed ({result.returncode}): {result.stderr.decode()[:200]}")
        return wav_file


def _feed(pipe: IO[bytes], text: str) -> None:
    try:
        pipe.write(text.encode("utf-8"))
        pipe.close()
    except (BrokenPipeError, ValueError, OSError):
        pass  # stopped before it had read everything
