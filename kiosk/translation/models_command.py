"""Manage translation models: list, install (USB stick), fetch (internet), verify, remove.

    python -m kiosk [--models-dir DIR] models list
    python -m kiosk models install /media/usb          # every .argosmodel file below the folder, or one file
    python -m kiosk models fetch ar tr pl uk           # from the Argos index, when the kiosk is online
    python -m kiosk models verify                      # exit 1 and a list when a language lacks a path to nl or back
    python -m kiosk models remove translate-en_nl

Only versions pinned in assets/translation/pins.json are accepted unless --allow-unpinned is given.
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
    from kiosk.translation.provisioning import Provisioner

EXIT_OK, EXIT_PROBLEMS, EXIT_FAILED = 0, 1, 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="models_action", required=True)
    actions.add_parser("list", help="installed packages with version, pin and size")
    install = actions.add_parser("install", help="install .argosmodel files from a file or folder (USB stick)")
    install.add_argument("path", type=Path)
    install.add_argument("--allow-unpinned", action="store_true", help="accept versions other than the pins")
    fetch = actions.add_parser("fetch", help="download what LANG needs to Dutch and back from the Argos index")
    fetch.add_argument("languages", nargs="+", metavar="LANG")
    fetch.add_argument("--allow-unpinned", action="store_true", help="accept versions other than the pins")
    actions.add_parser("verify", help="check that every configured language has a path to Dutch and back")
    remove = actions.add_parser("remove", help="remove an installed package by code or directory name")
    remove.add_argument("name")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from kiosk.translation.provisioning import Provisioner, ProvisioningError

    provisioner = Provisioner(settings, report=print)
    print(f"models directory: {settings.models_dir}")
    try:
        return _ACTIONS[args.models_action](provisioner, args)
    except ProvisioningError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_FAILED


def _list(provisioner: Provisioner, args: argparse.Namespace) -> int:
    installed = provisioner.installed()
    if not installed:
        print("no translation packages installed")
    for package in installed:
        size = package.size_bytes / 1_000_000
        pair = f"{package.source} -> {package.target}"
        print(f"{package.code:<18} {package.version:<8} {pair:<10} {size:8.1f} MB  {provisioner.pin_status(package)}")
    print(f"total {sum(p.size_bytes for p in installed) / 1_000_000:.1f} MB in {len(installed)} packages")
    return EXIT_OK


def _install(provisioner: Provisioner, args: argparse.Namespace) -> int:
    provisioner.install(args.path, allow_unpinned=args.allow_unpinned)
    return _verify(provisioner, args, quiet_ok=True)


def _fetch(provisioner: Provisioner, args: argparse.Namespace) -> int:
    provisioner.fetch(args.languages, args.allow_unpinned, progress_bar)
    return _verify(provisioner, args, quiet_ok=True)


def _verify(provisioner: Provisioner, args: argparse.Namespace, quiet_ok: bool = False) -> int:
    problems = provisioner.problems()
    for line in problems:
        print(line)
    if problems:
        print(f"{len(problems)} problem(s): residents of those languages get no translation", file=sys.stderr)
        return EXIT_PROBLEMS
    if not quiet_ok or args.models_action == "verify":
        print("ok: every configured language has a path to Dutch and back")
    return EXIT_OK


def _remove(provisioner: Provisioner, args: argparse.Namespace) -> int:
    provisioner.remove(args.name)
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
