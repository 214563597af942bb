"""The simulated load of one run, in this process's event loop: every kiosk's heartbeats, usage batches and case
deliveries, every officer's queue polls and console pages, and the calls, each on its own schedule (Plan).

The actors: bench/load_requests.py (a kiosk's connection, and how each request is recorded), bench/load_calls.py
(an officer with its console's call socket, and one call), bench/load_bodies.py (cases and usage batches made by the
kiosk's own code before the clock).
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx

from bench.load_bodies import Pool
from bench.load_calls import Officer, one_call
from bench.load_requests import Kiosk, Recorder, http
from domain.wire import CASES_PATH, EVENTS_PATH, HEARTBEAT_PATH, Heartbeat
from domain.wire_codec import to_jsonable


@dataclass
class Plan:
    heartbeat_s: float
    session_s: float
    poll_s: float
    page_s: float
    call_s: float
    hold_s: float
    senders: int


class Load:
    """The whole load of one run in this process's event loop."""

    def __init__(self, urls: list[str], database: str, tokens: list[str], officers: list[str], cases: Pool,
                 batches: Pool, plan: Plan) -> None:  # fmt: skip
        self.database = database
        self.recorder = Recorder()
        self.plan = plan
        self.kiosks = [Kiosk(token, urls[index % len(urls)]) for index, token in enumerate(tokens)]
        self.officers = [Officer(name, urls[(index + 1) % len(urls)], httpx.AsyncClient(base_url=urls[(index + 1) %
                         len(urls)], timeout=30)) for index, name in enumerate(officers)]  # fmt: skip
        self.cases, self.batches = cases, batches
        self.stop = asyncio.Event()
        self.lag: list[float] = []
        self.calls: set[asyncio.Task[None]] = set()

    async def close(self) -> None:
        for officer in self.officers:
            if officer.console is not None:
                await officer.console.socket.close()
                officer.console.reader.cancel()
            await officer.client.aclose()
        for kiosk in self.kiosks:
            kiosk.close()

    # the kiosks
    async def heartbeats(self, kiosk: Kiosk) -> None:
        body = json.dumps(to_jsonable(Heartbeat(outbox_pending=0, app_version="bench", translation_ready=True)))
        await self._every(self.plan.heartbeat_s,
                          lambda: kiosk.post(self.recorder, "heartbeat", HEARTBEAT_PATH, body.encode(), 204))

    async def usage(self, kiosk: Kiosk) -> None:
        await self._every(self.plan.session_s,
                          lambda: kiosk.post(self.recorder, "usage", EVENTS_PATH, self.batches.take(), 200))

    async def deliver(self, kiosk: Kiosk) -> None:
        while not self.stop.is_set():
            await self.deliver_one(kiosk)

    async def deliver_one(self, kiosk: Kiosk) -> None:
        await kiosk.post(self.recorder, "case delivery", CASES_PATH, self.cases.take(), 201)

    # the officers
    async def polls(self, officer: Officer) -> None:
        await self._every(self.plan.poll_s, lambda: self.poll(officer))

    async def poll(self, officer: Officer) -> None:
        answer = await http(self.recorder, "queue poll", officer.client, "GET", "/api/cases", 200,
                            params={"view": "new"}, headers={"X-Console-Poll": "1", "Accept": "application/json"})
        if answer is not None:
            officer.case_ids = [case["id"] for case in answer.json()["cases"]]

    async def browsing(self, officer: Officer) -> None:
        await self._every(self.plan.page_s, lambda: self.browse(officer))

    async def browse(self, officer: Officer) -> None:
        """A console page (the queue or a case page, by turns), then the case the page shows."""
        case_id = random.choice(officer.case_ids) if officer.case_ids else None
        officer.pages += 1
        page = f"/console/cases/{case_id}" if case_id and officer.pages % 2 else "/console/queue"
        await http(self.recorder, "console page", officer.client, "GET", page, 200)
        if case_id:
            await http(self.recorder, "case open", officer.client, "GET", f"/api/cases/{case_id}", 200,
                       headers={"Accept": "application/json"})  # fmt: skip

    # calls
    async def place_calls(self) -> None:
        callers = self.kiosks[self.plan.senders :] or self.kiosks
        while not self.stop.is_set():
            await asyncio.sleep(self.plan.call_s)
            free = [officer for officer in self.officers if not officer.busy]
            kiosks = [kiosk for kiosk in callers if not kiosk.in_call]
            if free and kiosks and not self.stop.is_set():
                task = asyncio.create_task(one_call(random.choice(kiosks), random.choice(free), self.recorder,
                                                    self.plan.hold_s))  # fmt: skip
                self.calls.add(task)
                task.add_done_callback(self.calls.discard)

    async def loop_lag(self) -> None:
        loop = asyncio.get_running_loop()
        while not self.stop.is_set():
            before = loop.time()
            await asyncio.sleep(0.05)
            self.lag.append(max(0.0, loop.time() - before - 0.05) * 1000)

    async def _every(self, interval: float, action: Callable[[], Awaitable[object]]) -> None:
        loop = asyncio.get_running_loop()
        await asyncio.sleep(random.uniform(0, interval))
        due = loop.time()
        while not self.stop.is_set():
            await action()
            due += interval
            await asyncio.sleep(max(0.0, due - loop.time()))
