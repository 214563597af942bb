"""The captions' engines built from Settings: the installed Whisper model (loaded once, on the first call
that needs it, then kept) and the kiosk's translator. None when no speech model is installed: calls then go
without captions and the console is told so."""

from __future__ import annotations

import logging
import threading

from kiosk.captions.captioner import CaptionEngines
from kiosk.captions.silero_vad import SileroVad
from kiosk.captions.speech_models import SpeechModels
from kiosk.captions.whisper_transcriber import SpeechModelMissing, WhisperTranscriber
from kiosk.settings import Settings
from kiosk.translation.ports import TextTranslator

log = logging.getLogger(__name__)


class CaptionEnginesLoader:
    def __init__(self, settings: Settings, translator: TextTranslator) -> None:
        self._settings = settings
        self._translator = translator
        self._lock = threading.Lock()
        self._loaded = False
        self._engines: CaptionEngines | None = None

    def preload(self) -> None:
        """Loads the model on a background thread, so the first call does not wait for it."""
        threading.Thread(target=self, name="captions-load", daemon=True).start()

    def __call__(self) -> CaptionEngines | None:
        """The engines, loading them if nobody has started to. Never waits for a load already under way: a call
        is started from the touchscreen's thread, which must not freeze; that call goes without captions."""
        if not self._lock.acquire(blocking=False):
            log.info("speech model still loading: this call goes without captions")
            return None
        try:
            if not self._loaded:
                self._engines = self._load()
                self._loaded = True
            return self._engines
        finally:
            self._lock.release()

    def _load(self) -> CaptionEngines | None:
        settings = self._settings
        if not settings.captions_model:
            return None
        model = SpeechModels(settings.models_dir, settings.translation_pins_file).find(settings.captions_model)
        if model is None:
            log.info("no speech model %s installed: calls go without captions", settings.captions_model)
            return None
        try:
            transcriber = WhisperTranscriber(model.path, threads=settings.captions_threads)
        except (SpeechModelMissing, RuntimeError, ValueError) as error:
            log.warning("speech model %s unusable (%s): calls go without captions", model.label, error)
            return None
        log.info("captions with %s", model.label)
        return CaptionEngines(transcriber, self._translator, model.label, SileroVad)
