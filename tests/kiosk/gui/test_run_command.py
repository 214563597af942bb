"""`python -m kiosk` as the systemd unit starts it: full screen on the display, out of service when not
provisioned (not a crash), and a clean exit on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tools.backend_process import REPO

pytestmark = [pytest.mark.gui, pytest.mark.timeout(180)]


def test_unprovisioned_kiosk_runs_and_shows_out_of_service(display: str, tmp_path: Path) -> None:
    environment = {**os.environ, "DISPLAY": display, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "--data-dir", str(tmp_path / "kiosk")],
        cwd=REPO, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    lines: list[str] = []
    shown = threading.Event()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)
            if "screen out_of_service" in line:
                shown.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert shown.wait(120), "".join(lines[-40:])
        assert process.poll() is None  # still running: the out-of-service screen, not a crash
    finally:
        process.send_signal(signal.SIGTERM)
        code = process.wait(30)
        reader.join(10)
    assert code == 0, "".join(lines[-40:])
    output = "".join(lines)
    assert "not provisioned" in output
    assert "Traceback" not in output.split("screen out_of_service")[1]
    assert (tmp_path / "kiosk" / "kivy").is_dir()  # Kivy's home is under the kiosk's data dir
