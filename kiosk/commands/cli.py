"""`python -m kiosk [--data-dir DIR] [COMMAND]`: runs the kiosk app, or a technician's command.

Each command lives in its own module and is imported only when used, so `python -m kiosk` starts the
touchscreen without loading translation models or network code it does not need yet.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path

from domain.settings_source import SettingsError
from kiosk.settings import Settings, load_settings

# command name -> module with `add_arguments(parser)` and `run(args, settings) -> int`
COMMANDS = {
    "run": "kiosk.commands.run",
    "provision": "kiosk.commands.provision",
    "models": "kiosk.commands.models",
    "status": "kiosk.commands.status",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m kiosk", description="Politieloket kiosk")
    parser.add_argument("--data-dir", type=Path, help="kiosk state: config, outbox (default var/kiosk)")
    parser.add_argument("--models-dir", type=Path, help="translation models (default DATA_DIR/models)")
    sub = parser.add_subparsers(dest="command")
    for name, module_name in COMMANDS.items():
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name and error.name.startswith("kiosk"):
                continue  # a command whose module is not built yet
            raise
        command = sub.add_parser(name, help=(module.__doc__ or "").strip().splitlines()[0])
        module.add_arguments(command)
        command.set_defaults(module=module)
    return parser


def settings_from(args: argparse.Namespace) -> Settings:
    return load_settings({"data_dir": args.data_dir, "models_dir": args.models_dir})


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if args.command is None:
        args = parser.parse_args([*(sys.argv[1:] if argv is None else argv), "run"])
    if not hasattr(args, "module"):
        parser.error(f"command {args.command!r} is not available")
    try:
        settings = settings_from(args)
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return int(args.module.run(args, settings) or 0)
