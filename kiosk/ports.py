"""The small interfaces the kiosk's flow talks to; adapters named after their technology implement them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol
from uuid import UUID

from domain.payload import CasePayload, Translation
from domain.wire import UsageEvent


class EventSink(Protocol):
    """Receives anonymous usage events (domain.usage); the outbox batches and sends them."""

    def record(self, event: UsageEvent) -> None: ...


class CaseOutbox(Protocol):
    """Seals a case to the backend's public key and stores it durably until the backend acknowledged it."""

    def put_case(self, payload: CasePayload) -> None: ...


class SenderState(StrEnum):
    IDLE = "idle"  # nothing pending
    SENDING = "sending"
    WAITING = "waiting"  # backing off after a failure
    OFFLINE = "offline"  # the backend has been unreachable for a while


@dataclass(frozen=True)
class SenderStatus:
    """What the technician's status line and the offline banner show. `last_error` is plain words, no data."""

    state: SenderState
    pending_cases: int
    pending_batches: int
    oldest_pending_seconds: float = 0.0
    last_error: str | None = None
    references: tuple[tuple[UUID, str], ...] = ()  # recently acknowledged case ids and their references
    mailed: frozenset[UUID] = frozenset()  # of those, the cases the backend e-mails a confirmation for


class Translator(Protocol):
    """Translate free text; must not block the UI thread: `done` is called from a worker thread."""

    def translate_async(
        self, text: str, source: str, target: str, done: Callable[[Translation], None]
    ) -> None: ...

    def covers(self, language: str) -> bool | None:
        """Whether text in `language` can be translated into Dutch here; None while that is not known yet."""
        ...
