"""Every backend process starts without the libraries only a few requests need.

The server and each `python -m backend COMMAND` (the tests start many) import the backend; fpdf2 with fontTools
(the case PDF), qrcode (the TOTP enrolment's QR code), Pillow (the document photo) and numpy (the dashboard's
disclosure check) cost about half a second of start-up together, so they are imported where they are used. These
tests look at sys.modules in a fresh interpreter: a module-level import of any of them anywhere on the start-up path
fails here. (No test asserts on time.)
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
HEAVY = ("fpdf", "fontTools", "qrcode", "numpy", "PIL", "psycopg")

PROBE = """
import json, logging, sys
HEAVY = {heavy!r}
found = {{}}

def loaded(stage):
    found[stage] = sorted(name for name in HEAVY if name in sys.modules)

import backend.http.app
import backend.cli
loaded("imports")
found["pil_log_level"] = logging.getLogger("PIL").level
status = backend.cli.main(["--db", {db!r}, "--keys-dir", {keys!r}, "add-kiosk", "K1", "--location", "Utrecht"])
loaded("add-kiosk")
print(json.dumps(found))
sys.exit(status)
"""

WHERE_USED = """
import json, logging, sys

HEAVY = {heavy!r}
from backend.services import photos, totp
assert not [name for name in HEAVY if name in sys.modules]
found = {{}}
found["qr"] = totp.qr_svg("otpauth://totp/x").startswith("<"), "qrcode" in sys.modules
from backend.services.disclosure import suppress_group
found["suppress"] = suppress_group({{"en": 7, "ar": 3, "tr": 2}}), "numpy" in sys.modules
from tests.backend.support import document_still  # draws with Pillow itself

logging.getLogger("PIL").setLevel(logging.NOTSET)  # as a logging set-up after start-up could leave it
found["photo"] = photos.clean_photo(document_still()).width, logging.getLogger("PIL").level
import backend.services.case_pdf
found["pdf"] = "fpdf" in sys.modules and "fontTools" in sys.modules
print(json.dumps(found))
"""


def run_probe(script: str) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "POLITIELOKET_BACKEND_ARGON2_MEMORY_KIB": "1024"}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, env=env,
                          timeout=120, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return result


def test_the_app_the_cli_and_a_command_load_no_heavy_library(tmp_path: Path) -> None:
    script = PROBE.format(heavy=HEAVY, db=f"sqlite:///{tmp_path / 'backend.sqlite'}", keys=str(tmp_path / "keys"))
    found = run_probe(script)
    assert found["imports"] == [], "imported at start-up: " + ", ".join(found["imports"])
    assert found["add-kiosk"] == [], "imported by a command: " + ", ".join(found["add-kiosk"])
    assert found["pil_log_level"] == logging.WARNING  # Pillow's EXIF chatter is off before Pillow is ever imported


def test_each_library_is_loaded_where_it_is_used() -> None:
    """The other side: the lazy imports work, and the check above would see the libraries were they loaded."""
    found = run_probe(WHERE_USED.format(heavy=HEAVY))
    assert found["qr"] == [True, True]
    assert found["suppress"] == [{"en": 7, "ar": None, "tr": None}, True]
    assert found["photo"] == [480, logging.WARNING]  # Pillow's logger is at WARNING again whenever a photo is decoded
    assert found["pdf"] is True
