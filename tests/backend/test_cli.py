"""The command line end to end, in real processes: add-kiosk, add-user, public-key, purge and serve."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.backend.support import PASSWORD
from tests.kiosk.delivery_support import wait_until
from tools.backend_process import free_port

REPO = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1", "POLITIELOKET_BACKEND_ARGON2_MEMORY_KIB": "1024"}


class Cli:
    def __init__(self, database_url: str, keys_dir: Path) -> None:
        self.common = ["--db", database_url, "--keys-dir", str(keys_dir)]

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "backend", *self.common, *args]

    def run(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(self.command(*args), input=stdin, capture_output=True, text=True, cwd=REPO, env=ENV,
                              timeout=120, check=False)  # fmt: skip


@pytest.fixture
def cli(database_url: str, tmp_path: Path) -> Cli:
    return Cli(database_url, tmp_path / "keys")


@pytest.fixture
def server(cli: Cli) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(cli.command("serve", "--host", "127.0.0.1", "--port", str(port)), cwd=REPO, env=ENV,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, process.stdout.read().decode() if process.stdout else ""
            assert time.monotonic() < deadline, "serve did not answer /healthz"
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_add_kiosk_prints_its_token_last_and_the_served_api_accepts_it(cli: Cli, server: str) -> None:
    done = cli.run("add-kiosk", "Kiosk Emmen", "--location", "Emmen, bibliotheek")
    assert done.returncode == 0, done.stderr
    token = done.stdout.strip().splitlines()[-1]
    answer = httpx.get(f"{server}/api/kiosk/provisioning", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200 and answer.json()["name"] == "Kiosk Emmen"
    public_key = cli.run("public-key")
    assert public_key.returncode == 0 and public_key.stdout.strip() == answer.json()["public_key"]
    again = cli.run("add-kiosk", "Kiosk Emmen", "--location", "elsewhere")
    assert again.returncode == 2 and "exists already" in again.stderr


def test_add_user_reads_the_password_from_stdin(cli: Cli, server: str) -> None:
    done = cli.run("add-user", "agent-de-vries", "--role", "officer", stdin=PASSWORD + "\n")
    assert done.returncode == 0, done.stderr
    assert PASSWORD not in done.stdout + done.stderr
    login = httpx.post(f"{server}/api/auth/login", json={"name": "agent-de-vries", "password": PASSWORD})
    assert login.status_code == 200 and login.json()["user"]["role"] == "officer"
    short = cli.run("add-user", "agent-kort", "--role", "pilot", stdin="short\n")
    assert short.returncode == 2 and "at least" in short.stderr
    missing = cli.run("add-user", "agent-leeg", "--role", "pilot")
    assert missing.returncode == 2 and "no password" in missing.stderr
    bad_role = cli.run("add-user", "agent-x", "--role", "chief", stdin=PASSWORD + "\n")
    assert bad_role.returncode == 2


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_purge_and_option_placement(cli: Cli, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "backend", "purge", *cli.common], capture_output=True, text=True, cwd=REPO, env=ENV,
        timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0 and "purged the personal data of 0 cases (retention 365 days)" in done.stdout
    bad = subprocess.run([sys.executable, "-m", "backend", "--db", "mysql://x/y", "purge"], capture_output=True,
                         text=True, cwd=REPO, env=ENV, timeout=120, check=False)  # fmt: skip
    assert bad.returncode == 2 and bad.stderr.startswith("error: only sqlite")
    assert "Traceback" not in bad.stderr


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_several_workers_on_sqlite_are_refused_with_the_reason(cli: Cli) -> None:
    done = cli.run("serve", "--port", str(free_port()), "--workers", "2")
    assert done.returncode == 2
    assert done.stderr.startswith("error: --workers above 1 needs PostgreSQL") and "Traceback" not in done.stderr


@pytest.mark.parametrize("database_url", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)
def test_serve_with_two_workers_on_postgresql_runs_two_processes_that_answer(cli: Cli, tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as output:
        process = subprocess.Popen(cli.command("serve", "--port", str(port), "--workers", "2"), cwd=REPO, env=ENV,
                                   stdout=output, stderr=subprocess.STDOUT)  # fmt: skip
    try:
        def both_started() -> bool:
            assert process.poll() is None, log.read_text()
            return log.read_text().count("Application startup complete") >= 2

        wait_until(both_started, timeout=60, what="two started workers")
        assert all(httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200 for _ in range(4))
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert log.read_text().count("Started server process") == 2
