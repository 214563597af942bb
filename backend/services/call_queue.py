"""The live call queue: kiosks waiting, officers' consoles ringing, exactly one officer per call, relaying.

Everything here is synchronous and runs on the server's event loop, so "check the call is still waiting, then
give it to this officer" cannot interleave with another officer's accept: the first accept wins, the rest get
Refused. Peers only enqueue outgoing messages (their writer task sends them), so nothing here awaits.
The queue lives in one process: run the backend with a single worker while calls are enabled.
"""

from __future__ import annotations

import statistics
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from backend.services.kiosks import KioskIdentity
from domain.call import (
    KIOSK_REASONS,
    OFFICER_REASONS,
    Accepted,
    CallRequest,
    EndReason,
    Error,
    Hangup,
    IceServer,
    Message,
    QueueStatus,
    Refused,
    Ringing,
    RingingCall,
)
from domain.usage import EventKind
from domain.wire import UsageEvent

RECENT_ANSWERS = 20  # how many answered calls the expected wait is averaged over


class Peer(Protocol):
    """One open WebSocket; `send` queues a message and never blocks."""

    def send(self, message: Message) -> None: ...


@dataclass(eq=False)
class OfficerLine:
    """An officer's open console. `call_id` is the call they are in, if any."""

    user_id: uuid.UUID
    peer: Peer
    call_id: str | None = None


@dataclass(eq=False)
class LiveCall:
    request: CallRequest
    kiosk: KioskIdentity
    kiosk_peer: Peer
    requested_at: float
    officer: OfficerLine | None = None
    accepted_at: float | None = None
    connected_at: float | None = None

    @property
    def call_id(self) -> str:
        return self.request.call_id


# (kiosk that made the call, anonymous usage event)
EventRecorder = Callable[[KioskIdentity, UsageEvent], None]


@dataclass
class CallQueue:
    record: EventRecorder
    ice_servers: Callable[[str], tuple[IceServer, ...]]  # per call: TURN credentials are short-lived
    clock: Callable[[], float]  # monotonic seconds
    wall_clock: Callable[[], datetime]
    _calls: dict[str, LiveCall] = field(default_factory=dict)
    _waiting: list[str] = field(default_factory=list)  # call ids, oldest first
    _officers: list[OfficerLine] = field(default_factory=list)
    _answer_times: deque[float] = field(default_factory=lambda: deque(maxlen=RECENT_ANSWERS))

    # ----- officers ------------------------------------------------------------------------------------------
    def officer_joined(self, line: OfficerLine) -> None:
        self._officers.append(line)
        line.peer.send(self._ringing())
        self._tell_waiting()

    def officer_left(self, line: OfficerLine) -> None:
        if line in self._officers:
            self._officers.remove(line)
        call = self._calls.get(line.call_id) if line.call_id else None
        if call is not None:
            self._end(call, EndReason.OFFICER_LOST)
        self._tell_waiting()

    def accept(self, line: OfficerLine, call_id: str) -> None:
        if line.call_id is not None:
            line.peer.send(Refused(call_id, "busy"))
            return
        call = self._calls.get(call_id)
        if call is None or call.officer is not None:
            line.peer.send(Refused(call_id, "taken" if call else "gone"))
            return
        call.officer, call.accepted_at, line.call_id = line, self.clock(), call_id
        self._waiting.remove(call_id)
        self._answer_times.append(call.accepted_at - call.requested_at)
        accepted = Accepted(call_id, self.ice_servers(call_id))
        line.peer.send(accepted)
        call.kiosk_peer.send(accepted)
        self._ring()
        self._tell_waiting()

    # ----- kiosks --------------------------------------------------------------------------------------------
    def request(self, kiosk: KioskIdentity, peer: Peer, request: CallRequest) -> None:
        if request.call_id in self._calls:
            peer.send(Error("duplicate_call", "this call id is in use"))
            return
        if any(call.kiosk_peer is peer for call in self._calls.values()):
            peer.send(Error("one_call", "this connection already has a call"))
            return
        call = LiveCall(request, kiosk, peer, requested_at=self.clock())
        self._calls[request.call_id] = call
        self._waiting.append(request.call_id)
        self._event(call, EventKind.CALL_REQUESTED)
        self._ring()
        self._tell_waiting()

    def connected(self, peer: Peer, call_id: str) -> None:
        call = self._calls.get(call_id)
        if call is None or call.kiosk_peer is not peer or call.officer is None or call.connected_at is not None:
            return
        call.connected_at = self.clock()
        self._event(call, EventKind.CALL_CONNECTED, duration_ms=_ms(call.connected_at - call.requested_at))

    def kiosk_left(self, peer: Peer) -> None:
        for call in [c for c in self._calls.values() if c.kiosk_peer is peer]:
            self._end(call, EndReason.KIOSK_LOST)

    # ----- both ----------------------------------------------------------------------------------------------
    def relay(self, sender: Peer, message: Message) -> None:
        """Pass an offer, answer, candidate or reconnect notice to the other peer of the same call."""
        call = self._calls.get(getattr(message, "call_id", ""))
        other = self._other_side(call, sender) if call else None
        if other is None:
            sender.send(Error("not_in_call", "no such call on this connection"))
            return
        other.send(message)

    def hangup(self, sender: Peer, call_id: str, reason: str) -> None:
        call = self._calls.get(call_id)
        if call is None or (sender is not call.kiosk_peer and self._other_side(call, sender) is None):
            sender.send(Error("not_in_call", "no such call on this connection"))
            return
        by_kiosk = sender is call.kiosk_peer
        allowed = KIOSK_REASONS if by_kiosk else OFFICER_REASONS
        final = (
            EndReason(reason)
            if reason in allowed
            else (EndReason.KIOSK_HANGUP if by_kiosk else EndReason.OFFICER_HANGUP)
        )
        if final is EndReason.KIOSK_HANGUP and call.officer is None:
            final = EndReason.KIOSK_CANCELLED
        self._end(call, final, told=sender)

    def shutdown(self) -> None:
        for call in list(self._calls.values()):
            self._end(call, EndReason.SERVER_SHUTDOWN)

    # ----- reading -------------------------------------------------------------------------------------------
    @property
    def officers_online(self) -> int:
        return len(self._officers)

    def expected_wait_s(self, position: int) -> int | None:
        """The mean time the recent calls waited for an answer, times the queue place. Never a guess: None before
        any call was answered, and None while no officer is online (nobody can answer then, however quick the last
        ones were)."""
        if not self._answer_times or not self._officers:
            return None
        return round(statistics.fmean(self._answer_times) * position)

    # ----- inside --------------------------------------------------------------------------------------------
    def _other_side(self, call: LiveCall, sender: Peer) -> Peer | None:
        if call.officer is None:
            return None
        if sender is call.kiosk_peer:
            return call.officer.peer
        if sender is call.officer.peer:
            return call.kiosk_peer
        return None

    def _end(self, call: LiveCall, reason: EndReason, told: Peer | None = None) -> None:
        del self._calls[call.call_id]
        if call.call_id in self._waiting:
            self._waiting.remove(call.call_id)
        now = self.clock()
        started = call.connected_at if call.connected_at is not None else call.requested_at
        self._event(
            call,
            EventKind.CALL_ENDED,
            duration_ms=_ms(now - started),
            reason=reason.value,
            code="connected" if call.connected_at is not None else "not_connected",
        )
        hangup = Hangup(call.call_id, reason.value)
        for peer in (call.kiosk_peer, call.officer.peer if call.officer else None):
            if peer is not None and peer is not told:
                peer.send(hangup)
        if call.officer is not None:
            call.officer.call_id = None
        else:
            self._ring()
        self._tell_waiting()

    def _ringing(self) -> Ringing:
        now = self.clock()
        calls = []
        for call_id in self._waiting:
            call = self._calls[call_id]
            calls.append(
                RingingCall(
                    call_id,
                    call.request.language,
                    call.request.service,
                    call.kiosk.name,
                    call.kiosk.location,
                    waited_ms=_ms(now - call.requested_at),
                )
            )
        return Ringing(tuple(calls))

    def _ring(self) -> None:
        ringing = self._ringing()
        for line in self._officers:
            line.peer.send(ringing)

    def _tell_waiting(self) -> None:
        for position, call_id in enumerate(self._waiting, start=1):
            call = self._calls[call_id]
            status = QueueStatus(call_id, position, self.expected_wait_s(position), self.officers_online)
            call.kiosk_peer.send(status)

    def _event(self, call: LiveCall, kind: EventKind, **values: object) -> None:
        event = UsageEvent(
            event_id=uuid.uuid4(),
            session=uuid.UUID(call.request.session) if _is_uuid(call.request.session) else uuid.uuid4(),
            kind=kind.value,
            at=self.wall_clock(),
            language=call.request.language,
            service=call.request.service,
            **values,  # type: ignore[arg-type]
        )
        self.record(call.kiosk, event)


def _ms(seconds: float) -> int:
    return max(0, round(seconds * 1000))


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True
