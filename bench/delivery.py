"""Case delivery throughput and latency: N simulated kiosks deliver sealed cases to a real backend.

    .venv/bin/python bench/delivery.py [--kiosks 10] [--cases 2000]

Starts `python -m backend serve` (uvicorn, SQLite in a temporary directory) and, in the same run, a bare
FastAPI endpoint with the same path and body (bench/baseline.py), both on 127.0.0.1. Each simulated kiosk
keeps one HTTP/1.1 connection and sends its cases one after another, like the kiosk's sender does.
The load generator is a few lines of asyncio so that it costs the two cores as little as possible;
cases are sealed before the clock starts (sealing is the kiosk's work, not the backend's).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from backend.settings import load_settings  # noqa: E402
from backend.storage.audit import SYSTEM  # noqa: E402
from backend.wiring import Services  # noqa: E402
from domain.payload import CasePayload  # noqa: E402
from domain.wire import CASES_PATH  # noqa: E402
from kiosk.delivery.sealing import seal  # noqa: E402

TARGET_THROUGHPUT = 200.0  # cases per second on 2 cores
TARGET_P99_MS = 100.0


def answers(index: int, when: datetime) -> dict[str, object]:
    window = {"start": (when - timedelta(hours=5)).isoformat(), "end": (when - timedelta(hours=1)).isoformat()}
    return {
        "bike_brand": "Gazelle", "bike_type": "city", "bike_colour": "blue", "bike_lock": "chain",
        "frame_number": f"GZ{index:08d}", "when": window, "where": {"street": "Stationsplein", "city": "Emmen"},
        "description": "Mijn fiets stond op slot bij het station en was weg. " * 8,
        "first_name": "Test", "last_name": f"Persoon {index}", "birth_date": "1980-01-01",
        "home_address": {"street": "Kerkstraat", "number": str(index % 200 + 1), "postcode": "7811 AB",
                         "city": "Emmen"},
        "phone": "0612345678", "consent_truthful": True, "consent_victim_support": False,
        "consent_claim_damages": False,
    }  # fmt: skip


def sealed_bodies(public_key: str, count: int) -> list[bytes]:
    now = datetime.now(UTC)
    bodies = []
    for index in range(count):
        case_id = str(uuid.uuid4())
        payload = CasePayload(case_id=case_id, case_type="bike_theft", schema_version=1, language="nl",
                              created_at=now.isoformat(), answers=answers(index, now))  # fmt: skip
        body = {"case_id": case_id, "case_type": "bike_theft", "schema_version": 1, "language": "nl",
                "created_at": now.isoformat(), "sealed": seal(payload.to_json(), public_key)}  # fmt: skip
        bodies.append(json.dumps(body).encode())
    return bodies


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_healthy(port: int, process: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
                connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n")
                if connection.recv(64).startswith(b"HTTP/1.1 200"):
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError("server did not become healthy")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux): robust to other load on a shared machine."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Result:
    name: str
    cases: int
    seconds: float
    latencies_ms: list[float]
    server_cpu_seconds: float

    @property
    def cpu_ms_per_case(self) -> float:
        return self.server_cpu_seconds * 1000 / self.cases

    @property
    def throughput(self) -> float:
        return self.cases / self.seconds

    def percentile(self, fraction: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def kiosk(port: int, token: str, bodies: list[bytes], latencies: list[float], expected: bytes) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = f"POST {CASES_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
    head += "Content-Type: application/json\r\n"
    try:
        for body in bodies:
            started = time.perf_counter()
            writer.write(f"{head}Content-Length: {len(body)}\r\n\r\n".encode() + body)
            status = await reader.readline()
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            await reader.readexactly(length)
            latencies.append((time.perf_counter() - started) * 1000)
            if not status.startswith(b"HTTP/1.1 " + expected):
                raise RuntimeError(f"unexpected answer: {status!r}")
    finally:
        writer.close()


async def load(port: int, tokens: list[str], bodies: list[bytes]) -> tuple[float, list[float]]:
    latencies: list[float] = []
    shares = [bodies[index :: len(tokens)] for index in range(len(tokens))]
    started = time.perf_counter()
    kiosks = (kiosk(port, token, share, latencies, b"201") for token, share in zip(tokens, shares, strict=True))
    await asyncio.gather(*kiosks)
    return time.perf_counter() - started, latencies


def measure(name: str, command: list[str], env: dict[str, str], tokens: list[str], bodies: list[bytes],
            warmup: list[bytes], log: Path) -> Result:  # fmt: skip
    port = free_port()
    with log.open("wb") as output:
        process = subprocess.Popen([*command, "--port", str(port)], cwd=REPO, env=env, stdout=output,
                                   stderr=subprocess.STDOUT)  # fmt: skip
    try:
        wait_healthy(port, process)
        asyncio.run(load(port, tokens, warmup))
        cpu_before = cpu_seconds(process.pid)
        seconds, latencies = asyncio.run(load(port, tokens, bodies))
        return Result(name, len(bodies), seconds, latencies, cpu_seconds(process.pid) - cpu_before)
    finally:
        process.terminate()
        process.wait(timeout=30)


def report(backend: Result, baseline: Result, kiosks: int) -> bool:
    print(f"\n{kiosks} concurrent kiosks, {backend.cases} sealed cases each run, 127.0.0.1, {os.cpu_count()} CPUs")
    print(f"{'':28}{'cases/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'server CPU ms/case':>20}")
    for result in (backend, baseline):
        print(f"{result.name:28}{result.throughput:10.0f}{result.percentile(0.5):10.1f}"
              f"{result.percentile(0.99):10.1f}{result.cpu_ms_per_case:20.2f}")  # fmt: skip
    print(f"{'backend / bare endpoint':28}{backend.throughput / baseline.throughput:10.2f}"
          f"{backend.percentile(0.5) / baseline.percentile(0.5):10.2f}"
          f"{backend.percentile(0.99) / baseline.percentile(0.99):10.2f}"
          f"{backend.cpu_ms_per_case / baseline.cpu_ms_per_case:20.2f}")  # fmt: skip
    load = os.getloadavg()[0]
    print(f"machine load average during the run: {load:.1f} (other processes share these {os.cpu_count()} CPUs)")
    met = backend.throughput >= TARGET_THROUGHPUT and backend.percentile(0.99) < TARGET_P99_MS
    verdict = "met" if met else "NOT met"
    print(f"target >= {TARGET_THROUGHPUT:.0f} cases/s and p99 < {TARGET_P99_MS:.0f} ms: {verdict}")
    return met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kiosks", type=int, default=10, help="concurrent simulated kiosks (default 10)")
    parser.add_argument("--cases", type=int, default=2000, help="cases delivered in the measured run (default 2000)")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="politieloket-bench-"))
    database = f"sqlite:///{workdir / 'bench.sqlite'}"
    settings = load_settings({"database_url": database, "keys_dir": workdir / "keys"}, environ={})
    services = Services.start(settings)
    tokens = [services.kiosks.provision(f"bench-{index}", "Bench", SYSTEM)[1] for index in range(args.kiosks)]
    print(f"sealing {args.cases} cases ...", flush=True)
    bodies = sealed_bodies(services.keys.public_key, args.cases + 20 * args.kiosks)
    services.close()
    warmup, measured = bodies[: 20 * args.kiosks], bodies[20 * args.kiosks :]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    common = ["--db", database, "--keys-dir", str(workdir / "keys")]
    backend = measure("backend (SQLite)", [sys.executable, "-m", "backend", *common, "serve", "--host", "127.0.0.1"],
                      env, tokens, measured, warmup, workdir / "backend.log")  # fmt: skip
    bare = [sys.executable, "-m", "uvicorn", "baseline:app", "--app-dir", str(REPO / "bench"), "--host", "127.0.0.1",
            "--log-level", "info"]  # fmt: skip
    baseline = measure("bare FastAPI endpoint", bare, env, tokens, measured, warmup, workdir / "baseline.log")
    met = report(backend, baseline, args.kiosks)
    print(f"(logs and database in {workdir})")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
