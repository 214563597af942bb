"""Run a test body in a private network namespace that has nothing but loopback.

`unshare -n` (we are root in the test container) gives the child process its own network stack: no route
leaves the machine, so a misconfigured STUN server or a stray lookup fails instead of sending traffic out.
The body is a module run with `python -m`; it writes its findings as JSON for the outer test to check.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]


def require_namespaces() -> None:
    if os.geteuid() != 0 or shutil.which("unshare") is None or shutil.which("ip") is None:
        pytest.skip("needs root, unshare and ip to make a private network namespace")
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("needs Debian's chromium at /usr/bin/chromium")


def run_in_namespace(module: str, workdir: Path, *args: str, timeout: float = 300) -> dict[str, Any]:
    """Runs `python -m module workdir args...` under `unshare -n` with lo up; returns workdir/result.json."""
    workdir.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", module, str(workdir), *args]
    script = "ip link set lo up && exec " + " ".join(f"'{part}'" for part in command)
    done = subprocess.run(
        ["unshare", "--net", "--", "sh", "-c", script],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    (workdir / "body.log").write_text(done.stdout + "\n--- stderr ---\n" + done.stderr)
    assert done.returncode == 0, (
        f"namespace body failed ({done.returncode}):\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    )
    result: dict[str, Any] = json.loads((workdir / "result.json").read_text())
    return result
