"""Installing, listing, checking and removing the kiosk's speech models (the captions' Whisper), beside the
Argos packages in `python -m kiosk models`.

A speech model arrives as a `.whispermodel` file: a zip archive with one top directory that holds a
faster-whisper model (CTranslate2's model.bin, config.json, vocabulary.json, plus tokenizer.json and
preprocessor_config.json) and a metadata.json: {"type": "speech", "name": "whisper-base", "version": "1.0"}.
It is unpacked into MODELS_DIR/speech/<name>/ after the checks: one top directory, no path escaping it, every
file faster-whisper reads, and the version pinned in assets/translation/pins.json under "speech-<name>".
Nothing is ever downloaded: faster-whisper only ever gets such a directory (kiosk/captions/whisper_transcriber).
"""

from __future__ import annotations

import json
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from kiosk.captions.whisper_transcriber import REQUIRED_FILES
from kiosk.translation.inventory import directory_size, load_pins, pin_problem

SUFFIX = ".whispermodel"
METADATA = "metadata.json"


class SpeechModelError(RuntimeError):
    pass


@dataclass(frozen=True)
class SpeechModel:
    name: str
    version: str
    path: Path
    size_bytes: int

    @property
    def pin_code(self) -> str:
        return pin_code(self.name)

    @property
    def label(self) -> str:
        """How captions name the model that made them, e.g. "whisper-base 1.0"."""
        return f"{self.name} {self.version}"


def pin_code(name: str) -> str:
    return f"speech-{name}"


def _metadata(data: bytes, where: str) -> tuple[str, str]:
    try:
        metadata = json.loads(data)
    except json.JSONDecodeError as error:
        raise SpeechModelError(f"{where}: metadata.json is not JSON") from error
    name, version = metadata.get("name"), metadata.get("version")
    if metadata.get("type") != "speech" or not isinstance(name, str) or not isinstance(version, str):
        raise SpeechModelError(f"{where}: not a speech model (metadata type, name or version)")
    if not name or "/" in name or name.startswith("."):
        raise SpeechModelError(f"{where}: bad model name")
    return name, version


def read_archive(path: Path) -> tuple[str, str, str]:
    """(top directory, name, version) of a .whispermodel file, checked without extracting it."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            parts = [PurePosixPath(name).parts for name in names]
            tops = {p[0] for p in parts if p}
            if len(tops) != 1 or any(n.startswith("/") or ".." in p for n, p in zip(names, parts, strict=True)):
                raise SpeechModelError(f"{path.name}: not one model directory")
            top = tops.pop()
            missing = [f for f in (METADATA, *REQUIRED_FILES) if f"{top}/{f}" not in names]
            if missing:
                raise SpeechModelError(f"{path.name}: missing {', '.join(missing)}")
            name, version = _metadata(archive.read(f"{top}/{METADATA}"), path.name)
    except (zipfile.BadZipFile, OSError) as error:
        raise SpeechModelError(f"{path.name}: not a speech model archive ({error})") from error
    return top, name, version


def write_archive(model_dir: Path, name: str, version: str, archive: Path) -> Path:
    """Packs a faster-whisper model directory as a .whispermodel file (for a USB stick)."""
    missing = [f for f in REQUIRED_FILES if not (model_dir / f).is_file()]
    if missing:
        raise SpeechModelError(f"{model_dir}: missing {', '.join(missing)}")
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as out:
        out.writestr(f"{name}/{METADATA}", json.dumps({"type": "speech", "name": name, "version": version}))
        for file in REQUIRED_FILES:
            out.write(model_dir / file, f"{name}/{file}")
    return archive


class SpeechModels:
    def __init__(self, models_dir: Path, pins_file: Path) -> None:
        self.root = models_dir / "speech"
        self._pins = load_pins(pins_file)

    def installed(self) -> list[SpeechModel]:
        found = []
        for folder in sorted(self.root.glob("*")) if self.root.is_dir() else []:
            try:
                name, version = _metadata((folder / METADATA).read_bytes(), folder.name)
            except (OSError, SpeechModelError):
                continue
            found.append(SpeechModel(name, version, folder, directory_size(folder)))
        return found

    def find(self, name: str) -> SpeechModel | None:
        return next((model for model in self.installed() if model.name == name), None)

    def pin_status(self, model: SpeechModel) -> str:
        pinned = self._pins.get(model.pin_code)
        if pinned is None:
            return "unpinned"
        return "pinned" if pinned == model.version else f"NOT PINNED (pin {pinned})"

    def install(self, archive: Path, allow_unpinned: bool = False) -> SpeechModel:
        top, name, version = read_archive(archive)
        problem = pin_problem(pin_code(name), version, self._pins)
        if problem and not allow_unpinned:
            raise SpeechModelError(f"{problem} (use --allow-unpinned to install anyway)")
        self.root.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=self.root) as scratch:
            with zipfile.ZipFile(archive) as opened:
                opened.extractall(scratch)
            target = self.root / name
            if target.exists():
                shutil.rmtree(target)
            Path(scratch, top).rename(target)  # whole or not at all: a half-copied model is never in place
        installed = self.find(name)
        assert installed is not None
        return installed

    def remove(self, name: str) -> SpeechModel | None:
        model = self.find(name)
        if model is not None:
            shutil.rmtree(model.path)
        return model

    def problems(self, wanted: str) -> list[str]:
        """What stops captions with the configured model `wanted` ("" means captions are not wanted)."""
        if not wanted:
            return []
        model = self.find(wanted)
        if model is None:
            return [f"missing: speech model {wanted} (captions are off in calls)"]
        lines = [f"damaged: {model.name} has no {f}" for f in REQUIRED_FILES if not (model.path / f).is_file()]
        problem = pin_problem(model.pin_code, model.version, self._pins)
        return lines + ([f"version: {problem}"] if problem else [])
