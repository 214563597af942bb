"""The speech model loads once, in the background; a call started meanwhile never waits for it."""

from __future__ import annotations

import threading
from pathlib import Path

from kiosk.call.chat import NoTranslator
from kiosk.captions.captioner import CaptionEngines
from kiosk.captions.engines import CaptionEnginesLoader
from kiosk.captions.speech_models import SpeechModels, write_archive
from kiosk.settings import Settings


class SlowLoader(CaptionEnginesLoader):
    """The real loader with a load that takes as long as the test wants (a big model on a slow disk)."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings, NoTranslator())
        self.started, self.release = threading.Event(), threading.Event()
        self.loads = 0

    def _load(self) -> CaptionEngines | None:
        self.loads += 1
        self.started.set()
        self.release.wait(30)
        return super()._load()


def test_a_call_during_the_load_goes_without_captions_at_once_and_later_calls_get_them(
    whisper_dir: Path, tmp_path: Path
) -> None:
    settings = Settings(data_dir=tmp_path, models_dir=tmp_path / "models", captions_model="whisper-phrase")
    archive = write_archive(whisper_dir, "whisper-phrase", "1.0", tmp_path / "w.whispermodel")
    SpeechModels(settings.models_dir, settings.translation_pins_file).install(archive)
    loader = SlowLoader(settings)
    loader.preload()
    assert loader.started.wait(30)  # the background load has begun
    assert loader() is None  # the touchscreen's thread does not wait for it
    loader.release.set()
    background = next(t for t in threading.enumerate() if t.name == "captions-load")
    background.join(30)
    engines = loader()
    assert engines is not None and engines.speech_model == "whisper-phrase 1.0" and loader.loads == 1
