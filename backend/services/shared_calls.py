"""SharedCalls: one call queue for several backend workers, kept in PostgreSQL, with PostgreSQL as the bus.

Each operation (a kiosk asks, an officer accepts, an offer is relayed...) is one transaction on this worker's
single call thread: lock the state row, take the messages other workers left for this worker, load the queue,
apply the operation, save it with the usage events it made, leave messages for connections held by other workers
and NOTIFY them; after the commit, hand this worker's messages to its own WebSockets (the older ones first).
The row lock makes "exactly one accept wins" hold across workers; one thread per worker keeps each
connection's messages in order.

A worker is alive while its listening connection is open (storage/pg_listener.py names it in
pg_stat_activity). Every second each worker looks: the connections of a worker that died are detached, so a
kiosk or console that reconnects to another worker within the grace rejoins its call. A worker that loses
its own listening connection drops its WebSockets, for the same reason: they rejoin where the bus works.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from backend.services.call_queue import CallQueue, PeerId, worker_of
from backend.services.calls import TICK_S, Operation, QueueParts, Switchboard
from backend.services.kiosks import KioskIdentity
from backend.storage import calls as rows
from backend.storage.db import Database
from backend.storage.pg_listener import PgListener
from domain.call import Message, ProtocolError, decode
from domain.wire import UsageEvent

log = logging.getLogger("politieloket.calls")


# (the operation's transaction, kiosk, event, now): a call's usage event stored with the change that made it
EventStorer = Callable[[Session, KioskIdentity, UsageEvent, datetime], None]


@dataclass
class _Effects:
    """What one transaction said (handed out only after it committed) and recorded (stored inside it)."""

    messages: list[tuple[PeerId, Message]] = field(default_factory=list)
    events: list[tuple[KioskIdentity, UsageEvent]] = field(default_factory=list)


class SharedCalls(Switchboard):
    def __init__(self, db: Database, store_event: EventStorer, parts: QueueParts) -> None:
        super().__init__()
        self._db = db
        self._store_event = store_event
        self._parts = parts
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="calls")
        self._listener = PgListener(
            db.url,
            rows.LISTENER_NAME + self.worker,
            (rows.channel(self.worker),),
            self._notified,
            self._bus_lost,
        )
        self._ticker: asyncio.Task[None] | None = None

    # ----- lifetime ------------------------------------------------------------------------------------------
    async def ready(self) -> None:
        """Connections are taken only once this worker hears the bus: before, others would count it as dead."""
        if self._ticker is None:
            self._listener.start()
            self._ticker = asyncio.create_task(self._tick())
        await self._listener.ready.wait()

    async def close(self) -> None:
        """This worker stops: its connections are detached, not ended; they rejoin through another worker."""
        if self._ticker is not None:
            self._ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ticker
        with contextlib.suppress(Exception):
            await self.run(lambda queue: queue.workers_gone({self.worker}))
        for peer in list(self.peers.values()):
            peer.drop()
        await self._listener.stop()
        self._thread.shutdown(wait=True)

    # ----- operations ----------------------------------------------------------------------------------------
    async def run(self, operation: Operation) -> None:
        effects = await asyncio.get_running_loop().run_in_executor(self._thread, self._transaction, operation)
        self._hand_out(effects)

    def _transaction(self, operation: Operation, tick: bool = False) -> _Effects:
        effects = _Effects()
        remote: list[tuple[str, str, str]] = []

        def send(peer: PeerId, message: Message) -> None:
            if worker_of(peer) == self.worker:
                effects.messages.append((peer, message))
            else:
                remote.append((worker_of(peer), peer, message.to_json()))

        queue = self._parts.queue(send, lambda kiosk, event: effects.events.append((kiosk, event)))
        with self._db.write() as session:
            state = rows.locked_state(session)
            earlier = _decoded(rows.take(session, self.worker))
            queue.restore(state)
            if tick:
                gone = queue.workers() - rows.live_workers(session) - {self.worker}
                if gone:
                    log.warning("call workers gone: %d; their connections may rejoin elsewhere", len(gone))
                    queue.workers_gone(gone)
                    rows.drop_for(session, gone)
            operation(queue)
            after = queue.snapshot()
            if after != state:  # most ticks change nothing: no write, no new row version every second
                rows.save_state(session, after)
            rows.post(session, remote)
            for kiosk, event in effects.events:
                self._store_event(session, kiosk, event, self._parts.wall_clock())
        effects.messages[:0] = earlier
        return effects

    def _hand_out(self, effects: _Effects) -> None:
        for peer, message in effects.messages:
            self.deliver(peer, message)

    # ----- the bus -------------------------------------------------------------------------------------------
    def _notified(self, channel: str, payload: str) -> None:
        if channel == rows.channel(self.worker):
            asyncio.get_running_loop().create_task(self._take())

    async def _take(self) -> None:
        effects = await asyncio.get_running_loop().run_in_executor(self._thread, self._take_messages)
        self._hand_out(effects)

    def _take_messages(self) -> _Effects:
        with self._db.write() as session:
            return _Effects(messages=_decoded(rows.take(session, self.worker)))

    def _bus_lost(self) -> None:
        """Others may count this worker as dead now: its connections go and rejoin where the bus works."""
        if self.peers:
            log.warning("call bus lost: dropping %d call connections so they rejoin", len(self.peers))
        for peer in list(self.peers.values()):
            peer.drop()

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(TICK_S)
            if not self._listener.ready.is_set():
                continue
            try:
                effects = await asyncio.get_running_loop().run_in_executor(
                    self._thread, self._transaction, CallQueue.expire, True
                )
                self._hand_out(effects)
            except Exception as error:  # the next tick tries again
                log.warning("call queue tick failed: %s", type(error).__name__)


def _decoded(taken: list[tuple[str, str]]) -> list[tuple[PeerId, Message]]:
    messages = []
    for peer, text in taken:
        try:
            messages.append((peer, decode(text)))
        except ProtocolError:
            log.warning("dropped an unreadable message between workers")
    return messages
