"""Manage translation and speech models: list, install (USB stick), fetch (internet), verify, remove.

    python -m kiosk [--models-dir DIR] models list
    python -m kiosk models install /media/usb          # every .argosmodel and .whispermodel file below the folder
    python -m kiosk models fetch ar tr pl uk           # from the Argos index, when the kiosk is online
    python -m kiosk models verify                      # exit 1 and a list when a language lacks a path to nl or back
    python -m kiosk models remove translate-en_nl

Only versions pinned in assets/translation/pins.json are accepted unless --allow-unpinned is given. Speech
models (Whisper, for the captions in calls) are installed, listed, checked and removed beside the Argos
packages (kiosk/captions/speech_models.py); they are never fetched from the internet.
kiosk/commands/cli.py imports this module to build its parser: argostranslate is imported only inside run().
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.settings import Settings

if TYPE_CHECKING:
    from kiosk.captions.speech_models import SpeechModels
    from kiosk.translation.provisioning import Provisioner

EXIT_OK, EXIT_PROBLEMS, EXIT_FAILED = 0, 1, 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="models_action", required=True)
    actions.add_parser("list", help="installed packages with version, pin and size")
    install = actions.add_parser(
        "install", help="install .argosmodel and .whispermodel files from a file or folder (USB stick)"
    )
    install.add_argument("path", type=Path)
    install.add_argument("--allow-unpinned", action="store_true", help="accept versions other than the pins")
    fetch = actions.add_parser("fetch", help="download what LANG needs to Dutch and back from the Argos index")
    fetch.add_argument("languages", nargs="+", metavar="LANG")
    fetch.add_argument("--allow-unpinned", action="store_true", help="accept versions other than the pins")
    actions.add_parser("verify", help="check that every configured language has a path to Dutch and back")
    remove = actions.add_parser("remove", help="remove an installed package (code or directory) or speech model")
    remove.add_argument("name")


class Models:
    """Both kinds of model a kiosk holds, for the actions below."""

    def __init__(self, settings: Settings) -> None:
        from kiosk.captions.speech_models import SpeechModels
        from kiosk.translation.provisioning import Provisioner

        self.settings = settings
        self.argos: Provisioner = Provisioner(settings, report=print)
        self.speech: SpeechModels = SpeechModels(settings.models_dir, settings.translation_pins_file)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from kiosk.captions.speech_models import SpeechModelError
    from kiosk.translation.provisioning import ProvisioningError

    print(f"models directory: {settings.models_dir}")
    try:
        return _ACTIONS[args.models_action](Models(settings), args)
    except (ProvisioningError, SpeechModelError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_FAILED


def _list(models: Models, args: argparse.Namespace) -> int:
    provisioner = models.argos
    installed = provisioner.installed()
    if not installed:
        print("no translation packages installed")
    for package in installed:
        size = package.size_bytes / 1_000_000
        pair = f"{package.source} -> {package.target}"
        print(f"{package.code:<18} {package.version:<8} {pair:<10} {size:8.1f} MB  {provisioner.pin_status(package)}")
    print(f"total {sum(p.size_bytes for p in installed) / 1_000_000:.1f} MB in {len(installed)} packages")
    speech = models.speech.installed()
    for model in speech:
        status = models.speech.pin_status(model)
        print(f"{model.name:<18} {model.version:<8} {'speech':<10} {model.size_bytes / 1_000_000:8.1f} MB  {status}")
    if not speech:
        print("no speech model installed: calls have no captions")
    return EXIT_OK


def _install(models: Models, args: argparse.Namespace) -> int:
    from kiosk.captions.speech_models import SUFFIX
    from kiosk.translation.provisioning import ProvisioningError

    path: Path = args.path
    speech = [path] if path.suffix == SUFFIX else sorted(path.rglob(f"*{SUFFIX}")) if path.is_dir() else []
    argos = (path.is_file() and path.suffix != SUFFIX) or (path.is_dir() and any(path.rglob("*.argosmodel")))
    if not argos and not speech:
        raise ProvisioningError(f"no .argosmodel or .whispermodel files in {path}")
    if argos:
        models.argos.install(path, allow_unpinned=args.allow_unpinned)
    for archive in speech:
        installed = models.speech.install(archive, allow_unpinned=args.allow_unpinned)
        print(f"{installed.label}: installed from {archive.name}")
    return _verify(models, args, quiet_ok=True)


def _fetch(models: Models, args: argparse.Namespace) -> int:
    models.argos.fetch(args.languages, args.allow_unpinned, progress_bar)
    return _verify(models, args, quiet_ok=True)


def _verify(models: Models, args: argparse.Namespace, quiet_ok: bool = False) -> int:
    problems = models.argos.problems()
    speech = models.speech.problems(models.settings.captions_model)
    for line in problems + speech:
        print(line)
    if problems:
        print(f"{len(problems)} problem(s): residents of those languages get no translation", file=sys.stderr)
    if speech:
        print(f"{len(speech)} problem(s): calls have no captions", file=sys.stderr)
    if problems or speech:
        return EXIT_PROBLEMS
    if not quiet_ok or args.models_action == "verify":
        print("ok: every configured language has a path to Dutch and back")
        if models.settings.captions_model:
            print(f"ok: captions with speech model {models.settings.captions_model}")
    return EXIT_OK


def _remove(models: Models, args: argparse.Namespace) -> int:
    removed = models.speech.remove(args.name)
    if removed is not None:
        print(f"{removed.label}: removed")
    else:
        models.argos.remove(args.name)
    return EXIT_OK


_ACTIONS = {"list": _list, "install": _install, "fetch": _fetch, "verify": _verify, "remove": _remove}


def progress_bar(label: str, width: int = 30) -> Callable[[int, int | None], None]:
    def show(done: int, total: int | None) -> None:
        if total:
            filled = width * done // total
            bar = "#" * filled + "." * (width - filled)
            line = f"\r{label} [{bar}] {100 * done // total:3d}% {done / 1e6:.1f}/{total / 1e6:.1f} MB"
        else:
            line = f"\r{label} {done / 1e6:.1f} MB"
        print(line, end="\n" if total and done >= total else "", file=sys.stderr, flush=True)

    return show
