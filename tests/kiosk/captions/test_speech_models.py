"""Speech models go the way of the Argos packages: from a USB stick with `python -m kiosk models install`,
pinned, listed, verified and removed; and faster-whisper never reaches for the network."""

from __future__ import annotations

import json
import subprocess
import zipfile
from pathlib import Path

import pytest

from kiosk.captions.speech_models import SpeechModelError, SpeechModels, write_archive
from kiosk.captions.whisper_transcriber import SpeechModelMissing, WhisperTranscriber
from tests.kiosk.translation.conftest import kiosk_env, run_models
from tests.kiosk.translation.test_offline import _offline_command

PINNED = "1.0"


@pytest.fixture
def pinned_assets(tmp_path: Path) -> Path:
    assets = tmp_path / "assets"
    (assets / "translation").mkdir(parents=True)
    (assets / "translation" / "pins.json").write_text(json.dumps({"speech-whisper-phrase": PINNED}))
    return assets


@pytest.fixture
def stick(tmp_path: Path, whisper_dir: Path) -> Path:
    folder = tmp_path / "usb"
    folder.mkdir()
    write_archive(whisper_dir, "whisper-phrase", PINNED, folder / "whisper-phrase.whispermodel")
    return folder


def test_install_list_verify_remove_from_a_usb_stick(stick: Path, pinned_assets: Path, tmp_path: Path) -> None:
    env = kiosk_env(pinned_assets, tmp_path / "kiosk", POLITIELOKET_KIOSK_CAPTIONS_MODEL="whisper-phrase")
    (tmp_path / "kiosk").mkdir()
    models = tmp_path / "kiosk" / "models"
    before = run_models(models, env, "verify")
    assert "missing: speech model whisper-phrase" in before.stdout and before.returncode == 1
    installed = run_models(models, env, "install", str(stick))
    assert "whisper-phrase 1.0: installed from whisper-phrase.whispermodel" in installed.stdout, installed.stderr
    listed = run_models(models, env, "list")
    assert "whisper-phrase     1.0      speech" in listed.stdout and "pinned" in listed.stdout
    verified = run_models(models, env, "verify")
    assert "missing: speech" not in verified.stdout and "speech model" not in verified.stderr
    assert (models / "speech" / "whisper-phrase" / "model.bin").is_file()
    removed = run_models(models, env, "remove", "whisper-phrase")
    assert removed.returncode == 0 and "whisper-phrase 1.0: removed" in removed.stdout
    assert not (models / "speech" / "whisper-phrase").exists()


def test_an_unpinned_version_is_refused(whisper_dir: Path, pinned_assets: Path, tmp_path: Path) -> None:
    archive = write_archive(whisper_dir, "whisper-phrase", "2.0", tmp_path / "new.whispermodel")
    models = SpeechModels(tmp_path / "models", pinned_assets / "translation" / "pins.json")
    with pytest.raises(SpeechModelError, match=r"not the pinned version 1\.0"):
        models.install(archive)
    assert models.installed() == []
    assert models.install(archive, allow_unpinned=True).version == "2.0"


@pytest.mark.parametrize(
    "names",
    [
        {"m/metadata.json": "{}", "m/model.bin": ""},  # files missing
        {"m/../../escape": "x"},  # a path out of the models directory
        {"a/metadata.json": "{}", "b/model.bin": ""},  # two top directories
    ],
)
def test_a_broken_or_hostile_archive_is_refused_and_nothing_is_unpacked(names: dict[str, str], tmp_path: Path) -> None:
    archive = tmp_path / "bad.whispermodel"
    with zipfile.ZipFile(archive, "w") as out:
        for name, data in names.items():
            out.writestr(name, data)
    models = SpeechModels(tmp_path / "models", tmp_path / "no-pins.json")
    with pytest.raises(SpeechModelError):
        models.install(archive)
    assert not (tmp_path / "models" / "speech").exists() or not any((tmp_path / "models" / "speech").iterdir())
    assert not (tmp_path / "escape").exists()


def test_a_model_without_its_tokenizer_is_refused_before_faster_whisper_could_fetch_one(
    whisper_dir: Path, tmp_path: Path
) -> None:
    partial = tmp_path / "partial"
    partial.mkdir()
    for file in whisper_dir.iterdir():
        if file.name != "tokenizer.json":
            (partial / file.name).write_bytes(file.read_bytes())
    with pytest.raises(SpeechModelMissing, match=r"tokenizer\.json"):
        WhisperTranscriber(partial)


TRANSCRIBE_OFFLINE = """
import json, sys
import numpy as np
from pathlib import Path
attempts = []
NETWORK = ("socket.connect", "socket.getaddrinfo")
sys.addaudithook(lambda event, args: attempts.append(event) if event in NETWORK else None)
from kiosk.captions.whisper_transcriber import WhisperTranscriber
heard = WhisperTranscriber(Path(sys.argv[1]), threads=1).transcribe(np.zeros(16000, np.float32), "ar")
print(json.dumps({"text": heard.text, "network": attempts}))
"""


def test_whisper_loads_and_transcribes_with_the_network_cut_off(whisper_dir: Path, tmp_path: Path) -> None:
    env = {"PYTHONPATH": str(Path(__file__).resolve().parents[3]), "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    command = _offline_command(TRANSCRIBE_OFFLINE, str(whisper_dir))
    done = subprocess.run(command, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    assert outcome["text"] and outcome["network"] == []
