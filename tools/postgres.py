"""A throw-away PostgreSQL server for tests and benchmarks: initdb in a temporary directory, 127.0.0.1 only.

PostgreSQL refuses to run as root, so as root every command runs as the `postgres` user through runuser.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import psycopg

from tools.backend_process import free_port

SEARCH = ("/usr/lib/postgresql/*/bin", "/usr/local/pgsql/bin", "/usr/pgsql-*/bin")


def find_bin_dir() -> Path | None:
    candidates = sorted((p for pattern in SEARCH for p in Path("/").glob(pattern.lstrip("/"))), reverse=True)
    for directory in candidates:
        if (directory / "initdb").exists() and (directory / "pg_ctl").exists():
            return directory
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


class PostgresServer:
    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.as_root = os.geteuid() == 0
        self.root = Path(tempfile.mkdtemp(prefix="politieloket-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        if self.as_root:
            shutil.chown(self.root, "postgres", "postgres")

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        prefix = ["runuser", "-u", "postgres", "--"] if self.as_root else []
        return subprocess.run(
            [*prefix, str(self.bin_dir / args[0]), *args[1:]],
            capture_output=True, text=True, timeout=120, check=False, cwd=self.root,
        )  # fmt: skip

    def start(self, config: str | None = None) -> None:
        """initdb, then start. `config` (postgresql.conf lines, e.g. a deployment's fragment) is included after
        initdb's own settings and then sets max_connections itself; address, port and durability stay the test's."""
        done = self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        if done.returncode != 0:
            raise RuntimeError(f"initdb failed: {done.stderr[-2000:]}")
        if config is not None:
            self._include(config)
        options = (
            f"-h 127.0.0.1 -p {self.port} -k {self.root} -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off" + ("" if config is not None else " -c max_connections=300")
        )
        done = self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"), "-w", "-t", "60",
                         "-o", options, "start")
        if done.returncode != 0:
            log = (self.root / "server.log").read_text(errors="replace") if (self.root / "server.log").exists() else ""
            raise RuntimeError(f"PostgreSQL did not start: {done.stderr[-1000:]} {log[-2000:]}")

    @property
    def postmaster_pid(self) -> int:
        """For a benchmark's CPU accounting."""
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def _include(self, config: str) -> None:
        fragment = self.data / "included.conf"
        fragment.write_text(config)
        if self.as_root:
            shutil.chown(fragment, "postgres", "postgres")
        with (self.data / "postgresql.conf").open("a") as main:
            main.write("\ninclude 'included.conf'\n")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str, template: str | None = None) -> str:
        """An empty database, or a copy of `template` (CREATE DATABASE ... TEMPLATE: a file copy, no migrations)."""
        copy = f' TEMPLATE "{template}"' if template else ""
        with psycopg.connect(self.url("postgres"), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"{copy}')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        with psycopg.connect(self.url("postgres"), autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
