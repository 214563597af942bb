"""The kiosk's log at INFO: what an installer reads in the journal, without a library's debug chatter."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent(
    """
    import logging, sys
    from pathlib import Path
    from kiosk.kivy_setup import configure_kivy
    from kiosk.settings import Settings

    configure_kivy(Settings(data_dir=Path(sys.argv[1])))
    logging.getLogger("httpcore.connection").debug("connect_tcp.started host='127.0.0.1' port=8000")
    logging.getLogger("httpx").info("HTTP Request: POST http://127.0.0.1:8000/api/kiosk/heartbeat 204")
    logging.getLogger("politieloket.sender").debug("sender idle")
    logging.getLogger("politieloket.sender").info("case delivered")
    logging.getLogger("httpx").warning("connection pool is full")
    """
)


def test_the_kiosk_log_shows_its_own_news_and_warnings_but_no_library_debug_lines(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path)], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    log = done.stdout + done.stderr
    assert "case delivered" in log and "connection pool is full" in log
    for quiet in ("connect_tcp.started", "HTTP Request", "sender idle"):
        assert quiet not in log
