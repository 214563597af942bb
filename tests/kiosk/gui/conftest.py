"""The real kiosk app under Xvfb: one virtual display per test session, one app per test.

Kivy reads its environment and Config at import and makes its window on first use, so the display starts and
kiosk.kivy_setup runs before anything here imports Kivy. Apps run one after another in this process (Kivy
allows a new App once the previous one stopped); every test builds its own.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from kiosk.settings import Settings
from tools import xvfb
from tools.backend_process import REPO

SCREEN_SIZE = xvfb.SCREEN_SIZE
# Every changed screen is looked at in these languages (POLITIELOKET_SCREENSHOTS=1 runs them all); the everyday
# suite checks each screen's logic in the two a test names, so that it stays quick.
LOOKED_AT = ("nl", "ar", "fa", "uk")


def languages(*everyday: str) -> tuple[str, ...]:
    """The languages a screen test runs in: `everyday` in the suite, all of LOOKED_AT when pictures are wanted."""
    return LOOKED_AT if os.environ.get("POLITIELOKET_SCREENSHOTS") == "1" else everyday
ARTIFACTS = REPO / "test-artifacts" / "screens"
# A fixed "now" for the kiosk's wall clock: dates the pickers offer and validation agree in every run.
NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def start_xvfb() -> tuple[subprocess.Popen[bytes], str]:
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed")
    return xvfb.start_xvfb(SCREEN_SIZE)


@pytest.fixture(scope="session")
def display(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server, name = start_xvfb()
    os.environ["DISPLAY"] = name
    # Kivy's interruptible clock: a step the test thread schedules runs at once instead of at the next 60 Hz
    # tick (about 400 steps per intake test). The app's code and its own timers run as they do on a kiosk.
    os.environ["KIVY_CLOCK"] = "interrupt"
    from kiosk.kivy_setup import configure_kivy

    configure_kivy(Settings(data_dir=tmp_path_factory.mktemp("kivy")), SCREEN_SIZE)
    yield name
    server.terminate()
    server.wait(10)


class FakeClock:
    """The flow's monotonic clock, moved by the test (the idle warning and wipe, without waiting)."""

    def __init__(self) -> None:
        self.now = 10_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def kiosk_settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "kiosk", idle_warning_seconds=90, idle_extend_seconds=30)


@pytest.fixture
def make_app(display: str) -> Callable[..., Any]:
    def build(settings: Settings, services: Any, clock: Callable[[], float] | None = None) -> Any:
        from kiosk.app import KioskApp

        kwargs: dict[str, Any] = {"wall_clock": lambda: NOW}
        if clock is not None:
            kwargs["clock"] = clock
        return KioskApp(replace(settings), services, **kwargs)

    return build


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def log_lines(display: str) -> Iterator[list[str]]:
    """Every log line written while the test runs, from Kivy's logger and from Python logging."""
    handler = _Lines()
    loggers = [logging.getLogger(), logging.getLogger("kivy")]
    for logger in loggers:
        logger.addHandler(handler)
    yield handler.lines
    for logger in loggers:
        logger.removeHandler(handler)
