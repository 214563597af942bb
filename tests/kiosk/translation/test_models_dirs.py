"""One process handed a second models directory (as the test suite and a re-provisioned kiosk are) uses it."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

from kiosk.settings import Settings
from kiosk.translation.argos_translator import ArgosTranslator
from tests.kiosk.translation.conftest import kiosk_env, run_models
from tools.phrase_books import STOLEN


def test_a_second_models_directory_replaces_the_first(
    translator: ArgosTranslator, installed_settings: Settings, usb_stick: Path, tmp_path: Path
) -> None:
    assert translator.translate(STOLEN["ar"], "ar", "nl").text == STOLEN["nl"]
    stick = tmp_path / "stick"
    stick.mkdir()
    [only_turkish] = usb_stick.rglob("translate-tr_nl-*.argosmodel")
    shutil.copy(only_turkish, stick)
    root = tmp_path / "kiosk"
    root.mkdir()
    done = run_models(root / "models", kiosk_env(installed_settings.assets_dir, root), "install", str(stick))
    assert "translate-tr_nl 0.1: installed" in done.stdout, done.stderr
    second = ArgosTranslator(dataclasses.replace(
        installed_settings, data_dir=root, models_dir=root / "models", translation_warm_languages=()))
    try:
        second.start().result(timeout=240)
        assert second.installed_pairs().result() == [("tr", "nl")]
        assert second.translate(STOLEN["tr"], "tr", "nl").text == STOLEN["nl"]
        assert second.translate(STOLEN["ar"], "ar", "nl").text is None
    finally:
        second.close()
    # the first translator keeps the models it loaded from its own directory
    assert translator.translate(STOLEN["ar"], "ar", "nl").text == STOLEN["nl"]

