"""The kiosk process SIGKILLed at random points while it puts and sends cases, many times over.

Afterwards every case is in the backend exactly once, every put that returned was delivered, the outbox
is empty and neither the database nor its WAL ever held an answer in plaintext.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.kiosk.crash_worker import case_for
from tools.backend_process import REPO, BackendProcess
from tools.samples import SECRETS

KILLS = 25
TOTAL = 400  # more than the killed runs can put, so every kill falls among puts and sends
SEED = 20261129


def completed_puts(log: Path) -> list[int]:
    if not log.exists():
        return []
    text = log.read_text()
    return [int(line) for line in text.split("\n")[:-1]]  # a line is whole once its newline is there


def worker(data_dir: Path, log: Path, first: int, seed: int) -> subprocess.Popen[str]:
    arguments = [str(data_dir), str(log), str(first), str(TOTAL), str(seed)]
    command = [sys.executable, "-m", "tests.kiosk.crash_worker", *arguments]
    return subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


class Zygote:
    """crash_worker --zygote: kiosk processes forked from one that has imported everything already."""

    def __init__(self, data_dir: Path, log: Path) -> None:
        command = [sys.executable, "-m", "tests.kiosk.crash_worker", "--zygote", str(data_dir), str(log), str(TOTAL)]
        self.process = subprocess.Popen(command, cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def __enter__(self) -> Zygote:
        return self

    def start(self, first: int, seed: int) -> int:
        """A child putting cases from `first` on; returns its pid once its outbox is open."""
        assert self.process.stdin is not None
        self.process.stdin.write(f"{first} {seed}\n")
        self.process.stdin.flush()
        said = {self._line(), self._line()}  # "child PID" from the zygote, "ready" from the child: either first
        assert "ready" in said, said
        (child,) = said - {"ready"}
        return int(child.removeprefix("child "))

    def kill(self, pid: int) -> None:
        os.kill(pid, signal.SIGKILL)
        assert self._line() == f"reaped {pid}"

    def _line(self) -> str:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert line, f"the zygote ended ({self.process.poll()})"
        return line.strip()

    def __exit__(self, *_exc: object) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(30)


def kiosk_cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "kiosk", "--data-dir", str(data_dir), *args]
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=60)


def outbox_plaintext(data_dir: Path) -> list[str]:
    files = b"".join(path.read_bytes() for path in data_dir.glob("outbox.sqlite*"))
    return [secret for secret in SECRETS if secret.encode() in files]


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_sigkill_during_put_and_send_never_loses_or_duplicates_a_case(tmp_path: Path) -> None:
    backend = BackendProcess(tmp_path / "backend")
    backend.start()
    try:
        data_dir, log = tmp_path / "kiosk", tmp_path / "puts.log"
        token = backend.add_kiosk()
        provisioned = kiosk_cli(data_dir, "provision", "--backend", backend.url, "--token", token)
        assert provisioned.returncode == 0, provisioned.stderr
        rng = random.Random(SEED)
        returned_before_kill: set[int] = set()
        with Zygote(data_dir, log) as forks:
            for run in range(KILLS):
                done = completed_puts(log)
                pid = forks.start((done[-1] + 1) if done else 0, SEED + run)
                time.sleep(rng.uniform(0.0, 0.4))
                forks.kill(pid)
                returned_before_kill.update(completed_puts(log))
                assert not outbox_plaintext(data_dir)
        assert len(returned_before_kill) < TOTAL, "the kills should fall while cases are still being put"
        done = completed_puts(log)
        final_first = (done[-1] + 1) if done else 0
        final = worker(data_dir, log, final_first, SEED + KILLS)
        out, err = final.communicate(timeout=180)
        assert final.returncode == 0 and out.split()[-1] == "drained", err[-3000:]

        stored = backend.case_ids()
        expected = {uuid.UUID(case_for(index).case_id) for index in range(TOTAL)}
        assert set(stored) == expected
        assert all(count == 1 for count in stored.values())
        assert {uuid.UUID(case_for(index).case_id) for index in returned_before_kill} <= set(stored)
        assert not outbox_plaintext(data_dir)
        status = kiosk_cli(data_dir, "status")
        assert "Outbox: 0 case(s) waiting, 0 usage batch(es) waiting" in status.stdout
        # usage events buffered in memory may die with a kill; those of the run that ended normally all arrive
        assert len(backend.usage_event_ids()) >= 3 * (TOTAL - final_first)
    finally:
        backend.stop()
