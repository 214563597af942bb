"""What each request kind costs the server in CPU (worker and PostgreSQL, from /proc), each kind sent alone around
bench/scale.py's 1-worker run, and what opening, parsing and validating one sealed case costs the backend.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import psycopg

from backend.services.intake import check_answers, check_metadata, open_delivery
from backend.settings import load_settings
from backend.wiring import Services
from bench.load_actors import Load
from bench.load_calls import PASSWORD, one_call
from bench.load_requests import http
from bench.proc_cpu import Cpu
from domain.wire import EVENTS_PATH, HEARTBEAT_PATH, CaseDelivery, Heartbeat
from domain.wire_codec import from_jsonable, to_jsonable

SHORT_QUEUE = 30  # new cases in a counter region's queue on a busy day (the poll's cost grows with it)


@dataclass
class Cost:
    """CPU milliseconds per request, each kind sent alone."""

    kind: str
    count: int
    worker_ms: float
    postgres_ms: float
    load_ms: float

    @property
    def server_ms(self) -> float:
        return self.worker_ms + self.postgres_ms


async def cost_of(kind: str, number: int, concurrency: int, send: Callable[[int], Awaitable[object]],
                  pids: list[int], postmaster: int) -> Cost:  # fmt: skip
    """`number` requests made by `send(index)`, `concurrency` at a time, and the CPU they cost."""
    before = Cpu.now(pids, postmaster)
    indexes = iter(range(number))

    async def one_at_a_time() -> None:
        for index in indexes:
            await send(index)

    await asyncio.gather(*(one_at_a_time() for _ in range(concurrency)))
    spent = Cpu.now(pids, postmaster).minus(before)
    return Cost(kind, number, sum(spent.workers) * 1000 / number, spent.postgres * 1000 / number,
                spent.load * 1000 / number)  # fmt: skip


async def calibrate_short_queue(load: Load, args: argparse.Namespace, pids: list[int], postmaster: int) -> Cost:
    """Before the load: the queue poll's cost with a counter's queue of SHORT_QUEUE new cases."""
    for index in range(SHORT_QUEUE):
        await load.deliver_one(load.kiosks[index % len(load.kiosks)])
    officers = load.officers
    for officer in officers[:10]:  # the worker's first polls compile and cache what every later one reuses
        await load.poll(officer)
    return await cost_of(f"queue poll ({SHORT_QUEUE} cases)", args.calibration // 3, 4,
                         lambda i: load.poll(officers[i % len(officers)]), pids, postmaster)  # fmt: skip


async def calibrate(load: Load, args: argparse.Namespace, pids: list[int], postmaster: int) -> list[Cost]:
    """After the load, each kind alone, a few at a time: the CPU it costs the worker and PostgreSQL."""
    count, kiosks, recorder = args.calibration, load.kiosks, load.recorder
    officers = [officer for officer in load.officers if officer.case_ids] or load.officers
    heartbeat = json.dumps(to_jsonable(Heartbeat(outbox_pending=0, app_version="bench"))).encode()
    with psycopg.connect(load.database) as connection:
        stored = connection.execute("SELECT count(*) FROM cases").fetchone()
    in_queue = stored[0] if stored else 0

    Send = Callable[[int], Awaitable[object]]

    def kiosk_post(kind: str, path: str, expected: int, body: Callable[[], bytes]) -> Send:
        return lambda i: kiosks[i % len(kiosks)].post(recorder, kind, path, body(), expected)

    async def login(index: int) -> None:
        officer = load.officers[index % len(load.officers)]
        async with httpx.AsyncClient(base_url=officer.url) as client:
            await http(recorder, "login", client, "POST", "/api/auth/login", 200,
                       json={"name": officer.name, "password": PASSWORD})  # fmt: skip

    lines = min(4, len(load.officers))  # calls at a time: each with its own officer and kiosk

    async def call(index: int) -> None:
        await one_call(kiosks[-1 - index % lines], load.officers[index % lines], recorder, 0.0)

    kinds: list[tuple[str, int, int, Send]] = [
        ("heartbeat", count, 4, kiosk_post("heartbeat", HEARTBEAT_PATH, 204, lambda: heartbeat)),
        ("usage (one session)", count // 3, 4, kiosk_post("usage", EVENTS_PATH, 200, load.batches.take)),
        ("case delivery", count, 4, lambda i: load.deliver_one(kiosks[i % len(kiosks)])),
        (f"queue poll ({in_queue} cases)", count // 3, 4, lambda i: load.poll(officers[i % len(officers)])),
        ("console page + case open", count // 3, 4, lambda i: load.browse(officers[i % len(officers)])),
        ("call (whole signalling)", max(4, count // 20), lines, call),
        ("login (argon2)", max(2, count // 40), 2, login),
    ]
    return [await cost_of(kind, number, concurrency, send, pids, postmaster)
            for kind, number, concurrency, send in kinds]  # fmt: skip

def intake_cost(keys_dir: Path, bodies: list[bytes]) -> float:
    """Milliseconds of CPU (this process) to open, parse and validate one sealed case, as receive_case does before
    it touches the database: the part of a case delivery that is sealed-box decryption and checking."""
    database = f"sqlite:///{keys_dir.parent / 'intake.sqlite'}"
    services = Services.start(load_settings({"database_url": database, "keys_dir": keys_dir}, environ={}))
    try:
        deliveries = [from_jsonable(CaseDelivery, json.loads(body)) for body in bodies]
        now = datetime.now(UTC)
        started = time.process_time()
        for delivery in deliveries:
            opened = open_delivery(delivery, services.keys)
            check_answers(check_metadata(delivery, services.catalog), opened, delivery.created_at, now)
        return (time.process_time() - started) * 1000 / len(deliveries)
    finally:
        services.close()
