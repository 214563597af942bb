"""The calls' usage events (requested, connected, ended) of a one-process backend (SQLite), stored in order by one
worker task per app. Workers on PostgreSQL store them in the call queue's own transaction (services/shared_calls.py).

Recording never waits: the call queue hands an event over and goes on; the writer stores it through
`services.usage` in a worker thread, and `drain` waits for the last ones at shutdown.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from starlette.concurrency import run_in_threadpool

from backend.services.kiosks import KioskIdentity
from backend.wiring import Services
from domain.usage import InvalidEvent, check_event
from domain.wire import UsageBatch, UsageEvent

log = logging.getLogger("politieloket.calls")


class CallEventWriter:
    """Stores call usage events one after the other in a worker thread, in the order they happened."""

    def __init__(self, services: Services) -> None:
        self._services = services
        self._queue: asyncio.Queue[tuple[KioskIdentity, UsageEvent]] | None = None
        self._worker: asyncio.Task[None] | None = None

    def record(self, kiosk: KioskIdentity, event: UsageEvent) -> None:
        try:
            check_event(event)
        except InvalidEvent:
            log.warning("call usage event refused: %s", event.kind)
            return
        if self._queue is None:  # created on first use: install() runs before the event loop
            self._queue = asyncio.Queue()
            self._worker = asyncio.create_task(self._write())
        self._queue.put_nowait((kiosk, event))

    async def _write(self) -> None:
        assert self._queue is not None
        while True:
            kiosk, event = await self._queue.get()
            batch = UsageBatch(batch_id=event.event_id, events=[event])
            try:
                await run_in_threadpool(self._services.usage.store_batch, batch, kiosk, self._services.clock())
            except Exception as error:  # one lost event must not stop the calls
                log.warning("storing a call usage event failed: %s", type(error).__name__)
            finally:
                self._queue.task_done()

    async def drain(self, timeout: float = 5.0) -> None:
        """Wait until the events recorded so far are stored (at shutdown, after the last calls ended)."""
        if self._queue is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._queue.join(), timeout)
