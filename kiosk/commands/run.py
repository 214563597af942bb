"""Run the touchscreen (the default command): full screen, no way out for a visitor.

An unprovisioned kiosk, or one whose outbox cannot open, shows the out-of-service screen rather than crashing.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import signal
from typing import Any

from kiosk.settings import Settings

log = logging.getLogger(__name__)


def _size(text: str) -> tuple[int, int]:
    width, _, height = text.lower().partition("x")
    try:
        return int(width), int(height)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT, not {text!r}") from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--windowed", action="store_true",
                        help="a normal window with a cursor instead of the kiosk's full screen (development)")
    parser.add_argument("--size", type=_size, metavar="WxH", help="window size, e.g. 1280x800 (with --windowed)")


def run(args: argparse.Namespace, settings: Settings) -> int:
    if getattr(args, "windowed", False):
        settings = dataclasses.replace(settings, fullscreen=False, kiosk_mode=False)
    from kiosk.kivy_setup import configure_kivy

    configure_kivy(settings, getattr(args, "size", None))
    from kiosk.app import KioskApp  # imports Kivy: only after configure_kivy
    from kiosk.wiring import open_services

    services = open_services(settings)
    for note in services.notes:
        log.warning("%s", note)
    if services.problem:
        log.error("out of service: %s", services.problem)
    app = KioskApp(settings, services)
    _stop_on_sigterm(app)
    app.run()
    return 0


def _stop_on_sigterm(app: Any) -> None:
    """systemd stops the kiosk with SIGTERM: leave through App.stop so the outbox closes cleanly."""
    from kivy.clock import Clock

    signal.signal(signal.SIGTERM, lambda _signum, _frame: Clock.schedule_once(lambda _dt: app.stop(), 0))
