"""A virtual X display for the real kiosk app: the GUI tests' and the end-to-end call's."""

from __future__ import annotations

import os
import subprocess

SCREEN_SIZE = (1280, 800)


def start_xvfb(size: tuple[int, int] = SCREEN_SIZE) -> tuple[subprocess.Popen[bytes], str]:
    """Xvfb on a free display: -displayfd makes the server pick one and write its number to a pipe. Returns the
    server and its DISPLAY name (":N")."""
    read_end, write_end = os.pipe()
    width, height = size
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp"],
        pass_fds=(write_end,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        number = pipe.readline().strip()
    if not number:
        server.kill()
        raise RuntimeError("Xvfb did not report a display")
    return server, f":{number}"
