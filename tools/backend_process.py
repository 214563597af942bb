"""A real backend process for the kiosk's end-to-end tests: `python -m backend ... serve` on 127.0.0.1."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import uuid
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tools.health import wait_until_healthy

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class BackendProcess:
    """One backend with its own SQLite file and keys; stop() and start() again keep both, like a restart.
    With `database_url` (PostgreSQL) and `keys_dir`, one worker of several sharing them."""

    def __init__(
        self,
        workdir: Path,
        port: int | None = None,
        env: Mapping[str, str] | None = None,
        database_url: str | None = None,
        keys_dir: Path | None = None,
    ) -> None:
        workdir.mkdir(parents=True, exist_ok=True)
        self.env = dict(env or {})  # e.g. POLITIELOKET_BACKEND_CALL_TURN_URLS for `serve`
        self.db_file = workdir / "backend.sqlite"
        self.database_url = database_url or f"sqlite:///{self.db_file}"
        self.keys_dir = keys_dir or workdir / "keys"
        self.port = port or free_port()
        self.log = workdir / "backend.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.ca_file = ""  # plain http on 127.0.0.1

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def officer_url(self) -> str:
        return self.url

    def _command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "backend", "--db", self.database_url, "--keys-dir", str(self.keys_dir), *args]

    def command(self, *args: str, stdin: str | None = None) -> str:
        """A technician's `python -m backend ARGS` on this backend's database and keys; its standard output."""
        done = subprocess.run(
            self._command(*args), cwd=REPO, input=stdin, capture_output=True, text=True, timeout=60, check=False,
            env={**os.environ, **self.env},
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"backend {args[0]} failed: {done.stderr[-2000:]}")
        return done.stdout

    def add_officer(self, name: str, password: str) -> None:
        self.command("add-user", name, "--role", "officer", stdin=password + "\n")

    def add_kiosk(self, name: str = "Kiosk Bibliotheek Emmen", location: str = "Emmen, bibliotheek") -> str:
        return self.command("add-kiosk", name, "--location", location).strip().splitlines()[-1].strip()

    def start(self, timeout: float = 60.0) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                self._command("serve", "--host", "127.0.0.1", "--port", str(self.port)),
                cwd=REPO, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **self.env, "PYTHONUNBUFFERED": "1"},
            )  # fmt: skip
        wait_until_healthy(self.process, self.url, self.log, timeout)

    def stop(self, kill: bool = False) -> None:
        if self.process is None:
            return
        self.process.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    def case_ids(self, kiosk: str | None = None) -> Counter[uuid.UUID]:
        """How many rows the backend holds per case id (the unique constraint says at most one)."""
        with sqlite3.connect(self.db_file, timeout=30) as connection:
            if kiosk is None:
                rows = connection.execute("SELECT id FROM cases").fetchall()
            else:
                query = "SELECT cases.id FROM cases JOIN kiosks ON kiosks.id = cases.kiosk_id WHERE kiosks.name = ?"
                rows = connection.execute(query, (kiosk,)).fetchall()
        return Counter(uuid.UUID(str(row[0])) for row in rows)

    def usage_event_ids(self) -> Counter[uuid.UUID]:
        with sqlite3.connect(self.db_file, timeout=30) as connection:
            rows = connection.execute("SELECT event_id FROM usage_events").fetchall()
        return Counter(uuid.UUID(str(row[0])) for row in rows)

    def translation_ready(self, kiosk: str) -> bool | None:
        """What the kiosk's last heartbeat said of its translation models; None before any heartbeat."""
        query = "SELECT last_heartbeat_at, translation_ready FROM kiosks WHERE name = ?"
        with sqlite3.connect(self.db_file, timeout=30) as connection:
            beat_at, ready = connection.execute(query, (kiosk,)).fetchone()
        return None if beat_at is None else bool(ready)

    def heartbeat(self, kiosk: str) -> tuple[object, int, str | None]:
        """When the kiosk last sent a heartbeat, its outbox backlog and its last error."""
        query = "SELECT last_heartbeat_at, outbox_pending, last_error FROM kiosks WHERE name = ?"
        with sqlite3.connect(self.db_file, timeout=30) as connection:
            return connection.execute(query, (kiosk,)).fetchone()


def provisioned_settings(backend: BackendProcess, data_dir: Path, name: str, **changes: Any) -> Any:
    """Kiosk Settings after `python -m kiosk provision` against `backend`, with a sender that retries fast."""
    from kiosk.settings import load_settings

    token = backend.add_kiosk(name, "Emmen, bureau")
    done = subprocess.run(
        [sys.executable, "-m", "kiosk", "--data-dir", str(data_dir), "provision", "--backend", backend.url,
         "--token", token],
        cwd=REPO, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    fast = {"send_initial_backoff": 0.05, "send_max_backoff": 0.5, "send_idle_interval": 0.2, "request_timeout": 3.0}
    return load_settings({"data_dir": data_dir, **fast, **changes}, environ={})
