"""The small interfaces a call session talks to; adapters named after their technology implement them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from enum import StrEnum
from typing import Protocol

from domain.call import Candidate, IceServer, Message
from domain.chat import Caption
from domain.statement import Statement, Stroke


class SignallingClosed(ConnectionError):
    """The WebSocket to the backend closed or could not be opened."""


class Signalling(Protocol):
    """The kiosk's line to the backend's call queue (WebsocketSignalling)."""

    async def send(self, message: Message) -> None: ...

    async def receive(self) -> Message: ...  # raises SignallingClosed

    async def close(self) -> None: ...


class PeerState(StrEnum):
    CONNECTING = "connecting"
    OPEN = "open"  # media connected and the data channel is open: the call is up
    FAILED = "failed"
    CLOSED = "closed"


class Peer(Protocol):
    """One WebRTC peer connection (AiortcCall). The kiosk offers; a reconnect makes a new one."""

    # relay_only (Accepted.relay_only): gather and use TURN-relayed candidates only
    async def offer(self, ice_servers: Sequence[IceServer], relay_only: bool = False) -> str: ...

    async def accept_answer(self, sdp: str) -> None: ...

    async def add_candidate(self, candidate: Candidate) -> None: ...

    def send(self, text: str) -> bool: ...  # over the data channel; False when it is not open

    def set_audio_muted(self, muted: bool) -> None: ...

    async def close(self) -> None: ...


# on_state, on_message -> a new peer connection
PeerFactory = Callable[[Callable[[PeerState], None], Callable[[str], None]], Peer]
SignallingFactory = Callable[[], Awaitable[Signalling]]


# the turns of a call and who kept them -> the transcript is sealed in the outbox (kiosk/call/transcript.py)
TranscriptKeeper = Callable[[Sequence[Caption], str], None]
# (statement, its digest, the strokes or None for a refusal): seals the signature case through the outbox; raises
# InvalidStatement when there is nothing to seal (a text that is not the one signed, strokes that are no signature)
StatementSealer = Callable[[Statement, str, "tuple[Stroke, ...] | None"], None]


class Captions(Protocol):
    """The call's live captions (CallCaptions): listening only while switched on."""

    def set_on(self, on: bool) -> None: ...

    async def close(self) -> None: ...


