"""Fakes for unit tests of the call session's logic (the real adapters are tested end to end)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from typing import TypeVar

from domain.call import Candidate, IceServer, Message
from domain.chat import DataMessage, decode, encode
from kiosk.call.ports import PeerState, SignallingClosed
from kiosk.translation.result import TranslationResult

M = TypeVar("M", bound=Message)
D = TypeVar("D")


class FakeSignalling:
    def __init__(self) -> None:
        self.sent: list[Message] = []
        self.incoming: asyncio.Queue[Message | None] = asyncio.Queue()
        self.closed = False

    async def send(self, message: Message) -> None:
        if self.closed:
            raise SignallingClosed("closed")
        self.sent.append(message)

    async def receive(self) -> Message:
        message = await self.incoming.get()
        if message is None:
            raise SignallingClosed("dropped")
        return message

    async def close(self) -> None:
        self.closed = True

    def of(self, kind: type[M]) -> list[M]:
        return [m for m in self.sent if isinstance(m, kind)]


class FakePeer:
    def __init__(self, on_state: Callable[[PeerState], None], on_message: Callable[[str], None]) -> None:
        self.on_state = on_state
        self.on_message = on_message
        self.ice: Sequence[IceServer] = ()
        self.relay_only = False
        self.answers: list[str] = []
        self.candidates: list[Candidate] = []
        self.data: list[str] = []
        self.open = False
        self.muted = False
        self.closed = False

    async def offer(self, ice_servers: Sequence[IceServer], relay_only: bool = False) -> str:
        self.ice = ice_servers
        self.relay_only = relay_only
        return "v=0 fake offer"

    async def accept_answer(self, sdp: str) -> None:
        self.answers.append(sdp)

    async def add_candidate(self, candidate: Candidate) -> None:
        self.candidates.append(candidate)

    def send(self, text: str) -> bool:
        if self.open:
            self.data.append(text)
        return self.open

    def set_audio_muted(self, muted: bool) -> None:
        self.muted = muted

    async def close(self) -> None:
        self.closed = True
        self.open = False

    def becomes_open(self) -> None:
        self.open = True
        self.on_state(PeerState.OPEN)

    def received(self, kind: type[D]) -> list[D]:
        return [m for m in (decode(text) for text in self.data) if isinstance(m, kind)]


class TaggingTranslator:
    """Marks text with the target language, as a model would change it; records what it was asked."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, str, str]] = []

    def submit(self, text: str, source: str, target: str) -> Future[TranslationResult]:
        self.asked.append((text, source, target))
        done: Future[TranslationResult] = Future()
        done.set_result(TranslationResult(text, source, target, f"[{target}] {text}", low_confidence=source == "fa"))
        return done


def data_message(message: DataMessage) -> str:
    return encode(message)
