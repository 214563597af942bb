"""CPU seconds from /proc: of one process, of a PostgreSQL server (the postmaster, its backends, the ended ones) and of
the whole machine; Cpu takes them all at once, and the difference of two is the CPU a stretch of the run cost."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def process_cpu(pid: int, reaped_children: bool = False) -> float:
    """User + system CPU seconds of a process (with `reaped_children`, also of its children that have exited)."""
    try:
        fields = _stat(pid)
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    ticks = int(fields[11]) + int(fields[12]) + ((int(fields[13]) + int(fields[14])) if reaped_children else 0)
    return ticks / TICK


def postgres_cpu(postmaster: int) -> float:
    """The postmaster, its living backends and the backends that have ended."""
    total = process_cpu(postmaster, reaped_children=True)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                if int(_stat(int(entry.name))[1]) == postmaster:
                    total += process_cpu(int(entry.name))
    return total


def machine_cpu() -> tuple[float, float]:
    """(busy, all) CPU seconds of the whole machine since boot, every core."""
    values = [int(value) for value in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values[:8]) - idle) / TICK, sum(values[:8]) / TICK


@dataclass
class Cpu:
    wall: float
    workers: list[float]
    postgres: float
    load: float
    machine_busy: float
    machine_all: float

    @classmethod
    def now(cls, workers: Sequence[int], postmaster: int) -> Cpu:
        busy, every = machine_cpu()
        times = os.times()
        return cls(time.perf_counter(), [process_cpu(pid) for pid in workers], postgres_cpu(postmaster),
                   times.user + times.system, busy, every)  # fmt: skip

    def minus(self, before: Cpu) -> Cpu:
        return Cpu(self.wall - before.wall, [a - b for a, b in zip(self.workers, before.workers, strict=True)],
                   self.postgres - before.postgres, self.load - before.load, self.machine_busy - before.machine_busy,
                   self.machine_all - before.machine_all)  # fmt: skip

    @property
    def other(self) -> float:
        return max(0.0, self.machine_busy - sum(self.workers) - self.postgres - self.load)
