"""What the call-socket tests read from a socket, shared by one process's tests (test_signalling.py) and the
several workers' (test_workers.py)."""

from __future__ import annotations

from typing import TypeVar

from websockets.sync.client import ClientConnection

from domain.call import Message, QueueStatus, Ringing, decode

M = TypeVar("M", bound=Message)


def receive(socket: ClientConnection, kind: type[M], timeout: float = 10) -> M:
    """The next message of `kind`, skipping queue and ringing updates that may come first."""
    for _ in range(30):
        message = decode(socket.recv(timeout=timeout))
        if isinstance(message, kind):
            return message
        if not isinstance(message, QueueStatus | Ringing):
            raise AssertionError(f"expected {kind.__name__}, got {message}")
    raise AssertionError(f"no {kind.__name__}")
