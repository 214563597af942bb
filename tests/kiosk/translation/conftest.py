"""Real Argos packages for the translation tests, built once per session from numpy weights (a second or so).

`usb_stick` holds the .argosmodel files; `installed_settings` is a models directory the real CLI installed
them into (`python -m kiosk models install`). argostranslate keeps its configuration in module globals; the
translator re-points them when a test hands it another directory (see test_models_dirs.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.settings import Settings
from kiosk.translation.argos_translator import ArgosTranslator
from tools.argos_models import build_phrase_book
from tools.phrase_books import BOOKS, PINS

REPO = Path(__file__).resolve().parents[3]
LANGUAGES = ("nl", "en", "ar", "tr")


@pytest.fixture(scope="session")
def usb_stick(tmp_path_factory: pytest.TempPathFactory) -> Path:
    stick = tmp_path_factory.mktemp("usb")
    for book in BOOKS:
        build_phrase_book(book, stick / "models")
    return stick


@pytest.fixture(scope="session")
def assets_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    assets = tmp_path_factory.mktemp("assets")
    (assets / "translation").mkdir()
    (assets / "translation" / "pins.json").write_text(json.dumps(PINS), encoding="utf-8")
    return assets


def kiosk_env(assets_dir: Path, data_dir: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("POLITIELOKET_", "ARGOS_"))}
    env.update(
        POLITIELOKET_KIOSK_ASSETS_DIR=str(assets_dir),
        POLITIELOKET_KIOSK_DATA_DIR=str(data_dir),
        POLITIELOKET_KIOSK_LANGUAGES=",".join(LANGUAGES),
        PYTHONPATH=str(REPO),
        **extra,
    )
    return env


def run_models(
    models_dir: Path, env: dict[str, str], *args: str, timeout: float = 240
) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "kiosk", "--models-dir", str(models_dir), "models", *args]
    return subprocess.run(
        command, env=env, cwd=env["POLITIELOKET_KIOSK_DATA_DIR"], capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture(scope="session")
def installed_settings(tmp_path_factory: pytest.TempPathFactory, usb_stick: Path, assets_dir: Path) -> Settings:
    root = tmp_path_factory.mktemp("kiosk")
    env = kiosk_env(assets_dir, root)
    done = run_models(root / "models", env, "install", str(usb_stick))
    assert "translate-en_nl 0.1: installed" in done.stdout, done.stderr
    return Settings(
        data_dir=root,
        models_dir=root / "models",
        assets_dir=assets_dir,
        languages=LANGUAGES,
        translation_warm_languages=("ar",),
    )


@pytest.fixture(scope="session")
def translator(installed_settings: Settings) -> Iterator[ArgosTranslator]:
    translator = ArgosTranslator(installed_settings)
    translator.start().result(timeout=240)
    yield translator
    translator.close()
