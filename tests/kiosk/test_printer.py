"""CupsPrinter runs `lp` with the receipt on standard input, off the caller's thread; a failing printer is
reported as such, and neither its log line nor the command line carries the receipt's text."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import pytest

from kiosk.printer import CupsPrinter, PrinterUnavailable


def fake_lp(tmp_path: Path, exit_code: int = 0) -> Path:
    """A stand-in for CUPS's `lp` that keeps its arguments and the job it was given."""
    script = tmp_path / "lp"
    script.write_text(
        "#!/bin/sh\n"
        f'printf "%s\\n" "$@" > "{tmp_path}/args"\n'
        f'cat > "{tmp_path}/job"\n'
        f"exit {exit_code}\n"
    )
    script.chmod(0o755)
    return script


def print_and_wait(printer: CupsPrinter, text: str) -> bool:
    finished = threading.Event()
    result: list[bool] = []

    def done(ok: bool) -> None:
        result.append(ok)
        finished.set()

    printer.print_text(text, done)
    assert finished.wait(30)
    return result[0]


def test_receipt_goes_to_the_queue_on_standard_input(tmp_path: Path) -> None:
    printer = CupsPrinter("balie", executable=str(fake_lp(tmp_path)))
    assert print_and_wait(printer, "Uw kenmerk: K7M-4QP\n")
    assert (tmp_path / "job").read_text() == "Uw kenmerk: K7M-4QP\n"
    args = (tmp_path / "args").read_text().split()
    assert args[:2] == ["-d", "balie"] and "K7M-4QP" not in args


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def test_a_refusing_printer_is_reported_without_the_text(tmp_path: Path) -> None:
    printer = CupsPrinter("balie", executable=str(fake_lp(tmp_path, exit_code=1)))
    logger, lines = logging.getLogger("kiosk.printer"), Lines()
    logger.addHandler(lines)
    try:
        assert not print_and_wait(printer, "Uw kenmerk: K7M-4QP\n")
    finally:
        logger.removeHandler(lines)
    assert any("balie" in line for line in lines.lines)
    assert not any("K7M-4QP" in line for line in lines.lines)


def test_no_lp_means_no_printer(tmp_path: Path) -> None:
    with pytest.raises(PrinterUnavailable):
        CupsPrinter("balie", executable=str(tmp_path / "missing-lp"))
