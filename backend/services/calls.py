"""Where the call queue lives: `LocalCalls` in one process's memory, `SharedCalls` (services/shared_calls.py) in
PostgreSQL for several workers. Both run one queue operation at a time and hand what it says to this worker's
own WebSockets; the HTTP code (routes/signalling.py) only sees `Calls`.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from backend.services.call_queue import CallQueue, EventRecorder, PeerId, Sender
from domain.call import IceServer, Message

log = logging.getLogger("politieloket.calls")

TICK_S = 1.0  # how often calls past their grace are ended (and, shared, gone workers noticed)
Operation = Callable[[CallQueue], None]


class Peer(Protocol):
    """One open WebSocket of this worker; `send` queues a message and never blocks."""

    def send(self, message: Message) -> None: ...

    def drop(self) -> None:
        """Close the connection (its side reconnects and rejoins)."""


class Calls(Protocol):
    worker: str

    def attach(self, peer: Peer) -> PeerId: ...

    def detach(self, peer_id: PeerId) -> None: ...

    async def run(self, operation: Operation) -> None: ...

    async def ready(self) -> None: ...

    async def close(self) -> None: ...


@dataclass(frozen=True)
class QueueParts:
    """What every call queue of this backend is made with, wherever it lives."""

    ice_servers: Callable[[str], tuple[IceServer, ...]]  # per call: TURN credentials are short-lived
    clock: Callable[[], float]  # unix seconds
    wall_clock: Callable[[], datetime]
    grace_s: float  # how long a dropped side may take to rejoin
    relay_only: bool = False

    def queue(self, send: Sender, record: EventRecorder) -> CallQueue:
        return CallQueue(send, record, self.ice_servers, self.clock, self.wall_clock, self.grace_s, self.relay_only)


class Switchboard:
    """This worker's WebSockets by PeerId, and the delivery of what the queue says to them."""

    def __init__(self) -> None:
        self.worker = f"{os.getpid()}-{uuid.uuid4().hex[:6]}"  # names its process, for whoever reads the logs
        self._numbers = itertools.count(1)
        self.peers: dict[PeerId, Peer] = {}

    def attach(self, peer: Peer) -> PeerId:
        peer_id = f"{self.worker}/{next(self._numbers)}"
        self.peers[peer_id] = peer
        return peer_id

    def detach(self, peer_id: PeerId) -> None:
        self.peers.pop(peer_id, None)

    def deliver(self, peer_id: PeerId, message: Message) -> None:
        peer = self.peers.get(peer_id)
        if peer is not None:
            peer.send(message)


class LocalCalls(Switchboard):
    """The queue in this process's memory: for SQLite, where the backend runs as one process."""

    def __init__(self, record: EventRecorder, parts: QueueParts) -> None:
        super().__init__()
        self.queue = parts.queue(self.deliver, record)
        self._ticker: asyncio.Task[None] | None = None

    async def ready(self) -> None:
        if self._ticker is None:
            self._ticker = asyncio.create_task(self._tick())

    async def run(self, operation: Operation) -> None:
        operation(self.queue)  # synchronous on the event loop: nothing interleaves

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(TICK_S)
            self.queue.expire()

    async def close(self) -> None:
        """At shutdown: end every call (both sides are told why)."""
        if self._ticker is not None:
            self._ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ticker
        self.queue.shutdown()
