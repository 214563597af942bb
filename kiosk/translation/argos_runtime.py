"""The one place that configures and imports argostranslate, from our Settings.

argostranslate has no configuration API: `argostranslate.settings` reads ARGOS_* environment variables (and a
settings.json under the user's config directory) once, at import time, and creates its data, config and cache
directories under $XDG_DATA_HOME, $XDG_CONFIG_HOME and $XDG_CACHE_HOME (default: the user's home). So, right
before the first import, we write the ARGOS_* variables from Settings and point the XDG variables at
MODELS_DIR/argos for the duration of the import only (other libraries in the kiosk process read XDG too).
Nothing lands in the user's home (not even onnxruntime's device id, which it writes under $XDG_CACHE_HOME
when stanza's import pulls it in), a stray ~/.config/argos-translate/settings.json cannot override us, and
argostranslate's logging, which records every text it translates, is kept to warnings.

argostranslate keeps its settings in module globals that it reads at call time; a process that is handed a
second models directory (tests do that) gets those globals re-pointed rather than a second import.

`argostranslate.package` is light (about 70 ms). `argostranslate.translate` imports stanza, torch and spacy
(about 2.5 s and 300 MB), so only the translator's worker thread and the `models` command import it.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from kiosk.settings import Settings

_XDG = ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME")
_lock = threading.Lock()


@dataclass(frozen=True)
class ArgosPaths:
    packages_dir: Path  # installed packages, one directory each
    state_dir: Path  # argostranslate's own data, config and cache (package index, downloads)

    @classmethod
    def of(cls, settings: Settings) -> ArgosPaths:
        models_dir = settings.models_dir.resolve()
        return cls(models_dir / "packages", models_dir / "argos")

    @property
    def downloads_dir(self) -> Path:
        return self.state_dir / "cache" / "argos-translate" / "downloads"


def argos_environment(settings: Settings) -> dict[str, str]:
    environment = {
        "ARGOS_PACKAGES_DIR": str(ArgosPaths.of(settings).packages_dir),
        "ARGOS_DEVICE_TYPE": "cpu",
        "ARGOS_MODEL_PROVIDER": "OPENNMT",
        "ARGOS_DEBUG": "0",
        "ARGOS_DEV_MODE": "0",
        "ARGOS_BEAM_SIZE": str(settings.translation_beam_size),
        "ARGOS_INTER_THREADS": "1",
        "ARGOS_INTRA_THREADS": str(settings.translation_threads),
    }
    if settings.translation_index_url:
        environment["ARGOS_PACKAGE_INDEX"] = settings.translation_index_url.rstrip("/") + "/"
    return environment


@contextmanager
def _argos_home(paths: ArgosPaths) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in _XDG}
    for name, sub in zip(_XDG, ("data", "config", "cache"), strict=True):
        os.environ[name] = str(paths.state_dir / sub)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _import(settings: Settings, module_name: str) -> ModuleType:
    paths = ArgosPaths.of(settings)
    with _lock:
        configured = _configured_packages_dir()
        if configured is not None and configured != paths.packages_dir:
            _repoint(settings, paths)
        if configured is None:
            paths.packages_dir.mkdir(parents=True, exist_ok=True)
            os.environ.update(argos_environment(settings))
        with _argos_home(paths):
            module = importlib.import_module(module_name)
        # argostranslate.utils logs every text it translates at INFO, whatever ARGOS_DEBUG says.
        logging.getLogger("argostranslate.utils").setLevel(logging.WARNING)
        return module


def _repoint(settings: Settings, paths: ArgosPaths) -> None:
    """Point an already imported argostranslate at another models directory and our other settings."""
    argos_settings: Any = sys.modules["argostranslate.settings"]
    paths.packages_dir.mkdir(parents=True, exist_ok=True)
    argos_settings.package_data_dir = paths.packages_dir
    argos_settings.package_dirs = [paths.packages_dir]
    argos_settings.data_dir = paths.state_dir / "data" / "argos-translate"
    argos_settings.cache_dir = paths.state_dir / "cache" / "argos-translate"
    argos_settings.downloads_dir = paths.downloads_dir
    argos_settings.local_package_index = argos_settings.data_dir / "index.json"
    argos_settings.beam_size = settings.translation_beam_size
    argos_settings.intra_threads = settings.translation_threads
    for directory in (argos_settings.data_dir, argos_settings.downloads_dir):
        directory.mkdir(parents=True, exist_ok=True)
    translate_module = sys.modules.get("argostranslate.translate")
    if translate_module is not None:
        translate_module.get_installed_languages.cache_clear()


def _configured_packages_dir() -> Path | None:
    argos_settings = sys.modules.get("argostranslate.settings")
    return None if argos_settings is None else Path(argos_settings.package_data_dir)


def argos_package(settings: Settings) -> ModuleType:
    """argostranslate.package, configured for settings.models_dir (light import)."""
    return _import(settings, "argostranslate.package")


def argos_translate(settings: Settings) -> ModuleType:
    """argostranslate.translate, configured for settings.models_dir (heavy import: torch, stanza, spacy)."""
    return _import(settings, "argostranslate.translate")
