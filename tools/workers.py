"""PgWorkers: N backend worker processes on one throw-away PostgreSQL, as the call rig's backend side
(tools/call_rig.BackendSide). The kiosk talks to the first worker and the officer's browser to the last, so with
two workers every call is set up across them (bench/call.py --part workers)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from tools.backend_process import BackendProcess
from tools.postgres import PostgresServer, find_bin_dir


class PgWorkers:
    def __init__(self, workdir: Path, count: int, env: Mapping[str, str] | None = None) -> None:
        bin_dir = find_bin_dir()
        if bin_dir is None:
            raise RuntimeError("PostgreSQL's server binaries are missing: apt-get install postgresql")
        self._server = PostgresServer(bin_dir)
        self._workdir = workdir
        self._count = count
        self._env = dict(env or {})
        self._officers: dict[str, str] = {}
        self.workers: list[BackendProcess] = []
        self.ca_file = ""

    @property
    def url(self) -> str:
        return self.workers[0].url

    @property
    def officer_url(self) -> str:
        return self.workers[-1].url

    def add_officer(self, name: str, password: str) -> None:
        self._officers[name] = password  # added once the database exists, before the workers start

    def start(self) -> None:
        self._server.start()
        database_url = self._server.create_database("politieloket")
        keys = self._workdir / "keys"
        self.workers = [
            BackendProcess(self._workdir / f"worker-{n}", env=self._env, database_url=database_url, keys_dir=keys)
            for n in range(self._count)
        ]
        for name, password in self._officers.items():  # the first command makes the keys and the schema
            self.workers[0].add_officer(name, password)
        for worker in self.workers:
            worker.start()

    def add_kiosk(self, name: str, location: str) -> str:
        return self.workers[0].add_kiosk(name, location)

    def stop(self) -> None:
        for worker in self.workers:
            worker.stop()
        self._server.stop()
