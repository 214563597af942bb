"""Receipts on paper through CUPS: `lp -d QUEUE` with the receipt's plain text on standard input.

The receipt holds the reference and what happens next, never the resident's answers. Printing runs on its own
thread so a slow or jammed printer cannot freeze the touchscreen; a failure is logged without the text.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import threading
from collections.abc import Callable
from typing import Protocol

log = logging.getLogger(__name__)
_PRINT_TIMEOUT_SECONDS = 30.0


class ReceiptPrinter(Protocol):
    def print_text(self, text: str, done: Callable[[bool], None]) -> None: ...


class PrinterUnavailable(RuntimeError):
    pass


class CupsPrinter:
    def __init__(self, queue: str, executable: str = "lp") -> None:
        found = shutil.which(executable)
        if found is None:
            raise PrinterUnavailable(f"{executable} (CUPS client) is not installed")
        self._command = [found, "-d", queue, "-t", "Politieloket"]
        self.queue = queue

    def print_text(self, text: str, done: Callable[[bool], None]) -> None:
        """Send to the queue; `done(ok)` is called from the printing thread."""
        threading.Thread(target=self._print, args=(text, done), name="receipt-printer", daemon=True).start()

    def _print(self, text: str, done: Callable[[bool], None]) -> None:
        try:
            result = subprocess.run(self._command, input=text.encode("utf-8"), capture_output=True,
                                    timeout=_PRINT_TIMEOUT_SECONDS, check=False)
            ok = result.returncode == 0
            if not ok:
                log.warning("receipt printer %s refused the job (exit %d)", self.queue, result.returncode)
        except (OSError, subprocess.TimeoutExpired) as error:
            log.warning("receipt printer %s failed: %s", self.queue, type(error).__name__)
            ok = False
        done(ok)
