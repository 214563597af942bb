"""What the two set-up commands install: the demo gets the kiosk and the backend, the tests get everything."""

from __future__ import annotations

import os
import subprocess
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def missing_packages(*profile: str) -> set[str]:
    """The Debian packages install-system would install on a machine that has none of its commands."""
    env = {**os.environ, "PATH": "/nonexistent", "POLITIELOKET_SYSTEM_DRY_RUN": "1"}
    done = subprocess.run(
        ["/bin/bash", str(REPO / "scripts/install-system"), *profile],
        env=env, capture_output=True, text=True, timeout=30, check=True,
    )  # fmt: skip
    return set(done.stdout.split())


def test_the_demo_installs_what_the_kiosk_needs_and_no_test_tools() -> None:
    demo, tests = missing_packages("demo"), missing_packages()
    assert {"xvfb", "espeak-ng", "libsdl2-2.0-0", "libgl1"} <= demo
    assert not demo & {"chromium", "postgresql", "sox", "poppler-utils"}
    assert demo < tests and {"chromium", "sox", "poppler-utils"} <= tests


def test_an_unknown_profile_is_refused() -> None:
    done = subprocess.run(
        ["/bin/bash", str(REPO / "scripts/install-system"), "everything"], capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 2 and "usage" in done.stderr


def test_the_demo_extra_holds_the_kiosk_and_the_backend_without_test_tools() -> None:
    extras = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert extras["demo"] == ["politieloket[backend,kiosk]"]
    demo_script = (REPO / "scripts/demo").read_text()
    assert "install-system demo" in demo_script and "install-python demo" in demo_script
