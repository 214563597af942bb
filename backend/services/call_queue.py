"""The live call queue's rules: kiosks waiting, officers' consoles ringing, exactly one officer per call, relaying.

Pure and synchronous: a connection is a `PeerId` ("<worker>/<n>"), and everything the queue says goes out through
`send(peer, message)`; usage events through `record`. The host runs one operation at a time on the queue (one
process: backend/services/local_calls.py; several workers on PostgreSQL: backend/services/shared_calls.py, which
loads the state with `snapshot`/`restore` under a row lock), so "check the call is still waiting, then give it to
this officer" cannot interleave with another officer's accept: the first accept wins, the rest get Refused.

A side whose connection drops without a hangup is detached, not ended: its call keeps its place for GRACE_S, so a
kiosk or console that reconnects (to any worker) and says Rejoin goes on where it was; media and chat never went
through the backend and carry on meanwhile. After the grace the call ends as kiosk_lost or officer_lost.
"""

from __future__ import annotations

import statistics
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

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
    decode,
)
from domain.usage import EventKind
from domain.wire import UsageEvent

RECENT_ANSWERS = 20  # how many answered calls the expected wait is averaged over
GRACE_S = 12.0  # how long a call waits for a side that lost its connection to rejoin

PeerId = str  # "<worker id>/<connection number>": which worker holds the WebSocket, and which one it is


def worker_of(peer: PeerId) -> str:
    return peer.split("/", 1)[0]


@dataclass(eq=False)
class OfficerLine:
    """An officer's open console. `call_id` is the call they are in, if any."""

    user_id: uuid.UUID
    peer: PeerId
    call_id: str | None = None


@dataclass(eq=False)
class LiveCall:
    request: CallRequest
    kiosk: KioskIdentity
    kiosk_peer: PeerId | None  # None while the kiosk reconnects
    requested_at: float
    officer_id: uuid.UUID | None = None  # who accepted
    officer_peer: PeerId | None = None  # their console's connection; None while it reconnects
    accepted_at: float | None = None
    connected_at: float | None = None
    kiosk_lost_at: float | None = None
    officer_lost_at: float | None = None

    @property
    def call_id(self) -> str:
        return self.request.call_id


# (kiosk that made the call, anonymous usage event)
EventRecorder = Callable[[KioskIdentity, UsageEvent], None]
Sender = Callable[[PeerId, Message], None]


@dataclass
class CallQueue:
    send: Sender
    record: EventRecorder
    ice_servers: Callable[[str], tuple[IceServer, ...]]  # per call: TURN credentials are short-lived
    clock: Callable[[], float]  # unix seconds (workers on several machines compare them)
    wall_clock: Callable[[], datetime]
    grace_s: float = GRACE_S
    relay_only: bool = False  # every Accepted tells both peers to use the TURN relay only (call_relay_only)
    _calls: dict[str, LiveCall] = field(default_factory=dict)
    _waiting: list[str] = field(default_factory=list)  # call ids, oldest first
    _officers: dict[PeerId, OfficerLine] = field(default_factory=dict)
    _answer_times: deque[float] = field(default_factory=lambda: deque(maxlen=RECENT_ANSWERS))

    # ----- officers ------------------------------------------------------------------------------------------
    def officer_joined(self, line: OfficerLine) -> None:
        self._officers[line.peer] = line
        self.send(line.peer, self._ringing())
        self._tell_waiting()

    def officer_left(self, peer: PeerId) -> None:
        line = self._officers.pop(peer, None)
        call = self._calls.get(line.call_id) if line is not None and line.call_id else None
        if call is not None:
            call.officer_peer, call.officer_lost_at = None, self.clock()
        self._tell_waiting()

    def accept(self, peer: PeerId, call_id: str) -> None:
        line = self._officers.get(peer)
        if line is None:
            return
        if line.call_id is not None:
            self.send(peer, Refused(call_id, "busy"))
            return
        call = self._calls.get(call_id)
        if call is None or call.officer_id is not None:
            self.send(peer, Refused(call_id, "taken" if call else "gone"))
            return
        call.officer_id, call.officer_peer, call.accepted_at = line.user_id, peer, self.clock()
        line.call_id = call_id
        self._waiting.remove(call_id)
        self._answer_times.append(call.accepted_at - call.requested_at)
        accepted = Accepted(call_id, self.ice_servers(call_id), self.relay_only)
        self.send(peer, accepted)
        if call.kiosk_peer is not None:
            self.send(call.kiosk_peer, accepted)
        self._ring()
        self._tell_waiting()

    def officer_rejoined(self, peer: PeerId, call_id: str) -> None:
        """A console that reconnected says it is still in `call_id`: only the officer who accepted it gets it back."""
        line = self._officers.get(peer)
        call = self._calls.get(call_id)
        if line is None:
            return
        if call is None or call.officer_id != line.user_id or line.call_id not in (None, call_id):
            self.send(peer, Hangup(call_id, EndReason.OFFICER_LOST.value))
            return
        if call.officer_peer is not None and call.officer_peer != peer and call.officer_peer in self._officers:
            self._officers[call.officer_peer].call_id = None  # the old connection has not noticed yet
        call.officer_peer, call.officer_lost_at, line.call_id = peer, None, call_id

    # ----- kiosks --------------------------------------------------------------------------------------------
    def request(self, kiosk: KioskIdentity, peer: PeerId, request: CallRequest) -> None:
        if request.call_id in self._calls:
            self.send(peer, Error("duplicate_call", "this call id is in use"))
            return
        if any(call.kiosk_peer == peer for call in self._calls.values()):
            self.send(peer, Error("one_call", "this connection already has a call"))
            return
        call = LiveCall(request, kiosk, peer, requested_at=self.clock())
        self._calls[request.call_id] = call
        self._waiting.append(request.call_id)
        self._event(call, EventKind.CALL_REQUESTED)
        self._ring()
        self._tell_waiting()

    def kiosk_rejoined(self, kiosk: KioskIdentity, peer: PeerId, call_id: str) -> None:
        """A kiosk that reconnected says it is still in `call_id`: it keeps its place, or hears where it got to."""
        call = self._calls.get(call_id)
        if call is None or call.kiosk.id != kiosk.id:
            self.send(peer, Hangup(call_id, EndReason.KIOSK_LOST.value))
            return
        call.kiosk_peer, call.kiosk_lost_at = peer, None
        if call.officer_id is None:
            self._tell_waiting()
        elif call.connected_at is None:  # accepted while the kiosk was away: it has not heard yet
            self.send(peer, Accepted(call_id, self.ice_servers(call_id), self.relay_only))

    def connected(self, peer: PeerId, call_id: str) -> None:
        call = self._calls.get(call_id)
        if call is None or call.kiosk_peer != peer or call.officer_id is None or call.connected_at is not None:
            return
        call.connected_at = self.clock()
        self._event(call, EventKind.CALL_CONNECTED, duration_ms=_ms(call.connected_at - call.requested_at))

    def kiosk_left(self, peer: PeerId) -> None:
        for call in self._calls.values():
            if call.kiosk_peer == peer:
                call.kiosk_peer, call.kiosk_lost_at = None, self.clock()

    # ----- both ----------------------------------------------------------------------------------------------
    def relay(self, sender: PeerId, message: Message) -> None:
        """Pass an offer, answer, candidate or reconnect notice to the other peer of the same call."""
        call = self._calls.get(getattr(message, "call_id", ""))
        if call is None or call.officer_id is None or sender not in (call.kiosk_peer, call.officer_peer):
            self.send(sender, Error("not_in_call", "no such call on this connection"))
            return
        other = call.officer_peer if sender == call.kiosk_peer else call.kiosk_peer
        if other is not None:  # a side that is reconnecting misses it; media recovers by a new offer
            self.send(other, message)

    def hangup(self, sender: PeerId, call_id: str, reason: str) -> None:
        call = self._calls.get(call_id)
        by_kiosk = call is not None and sender == call.kiosk_peer
        if call is None or not (by_kiosk or (call.officer_peer is not None and sender == call.officer_peer)):
            self.send(sender, Error("not_in_call", "no such call on this connection"))
            return
        allowed = KIOSK_REASONS if by_kiosk else OFFICER_REASONS
        final = (
            EndReason(reason)
            if reason in allowed
            else (EndReason.KIOSK_HANGUP if by_kiosk else EndReason.OFFICER_HANGUP)
        )
        if final is EndReason.KIOSK_HANGUP and call.officer_id is None:
            final = EndReason.KIOSK_CANCELLED
        self._end(call, final, told=sender)

    def expire(self) -> None:
        """End the calls whose kiosk or officer did not come back within the grace."""
        now = self.clock()
        for call in list(self._calls.values()):
            if call.kiosk_lost_at is not None and now - call.kiosk_lost_at >= self.grace_s:
                self._end(call, EndReason.KIOSK_LOST)
            elif call.officer_lost_at is not None and now - call.officer_lost_at >= self.grace_s:
                self._end(call, EndReason.OFFICER_LOST)

    def workers_gone(self, workers: set[str]) -> None:
        """Every connection held by these workers dropped (the process died or left the bus)."""
        for peer in [p for p in self._officers if worker_of(p) in workers]:
            self.officer_left(peer)
        for call in self._calls.values():
            if call.kiosk_peer is not None and worker_of(call.kiosk_peer) in workers:
                self.kiosk_left(call.kiosk_peer)

    def shutdown(self) -> None:
        for call in list(self._calls.values()):
            self._end(call, EndReason.SERVER_SHUTDOWN)

    # ----- reading -------------------------------------------------------------------------------------------
    @property
    def officers_online(self) -> int:
        return len(self._officers)

    def workers(self) -> set[str]:
        """The workers holding a connection this queue knows of."""
        peers = [*self._officers, *(c.kiosk_peer for c in self._calls.values() if c.kiosk_peer)]
        return {worker_of(peer) for peer in peers}

    def expected_wait_s(self, position: int) -> int | None:
        """The mean time the recent calls waited for an answer, times the queue place. Never a guess: None before
        any call was answered, and None while no officer is online (nobody can answer then, however quick the last
        ones were)."""
        if not self._answer_times or not self._officers:
            return None
        return round(statistics.fmean(self._answer_times) * position)

    # ----- the state, for workers that share it --------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        return {
            "calls": [_call_to_dict(call) for call in self._calls.values()],
            "waiting": list(self._waiting),
            "officers": [[line.peer, str(line.user_id), line.call_id] for line in self._officers.values()],
            "answer_times": list(self._answer_times),
        }

    def restore(self, state: dict[str, Any]) -> None:
        self._calls = {call.call_id: call for call in map(_call_from_dict, state.get("calls", []))}
        self._waiting = list(state.get("waiting", []))
        self._officers = {
            peer: OfficerLine(uuid.UUID(user), peer, call_id) for peer, user, call_id in state.get("officers", [])
        }
        self._answer_times = deque(state.get("answer_times", []), maxlen=RECENT_ANSWERS)

    # ----- inside --------------------------------------------------------------------------------------------
    def _end(self, call: LiveCall, reason: EndReason, told: PeerId | None = None) -> None:
        del self._calls[call.call_id]
        was_waiting = call.call_id in self._waiting
        if was_waiting:
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
        for peer in (call.kiosk_peer, call.officer_peer):
            if peer is not None and peer != told:
                self.send(peer, hangup)
        for line in self._officers.values():
            if line.call_id == call.call_id:
                line.call_id = None
        if was_waiting:
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
        for peer in self._officers:
            self.send(peer, ringing)

    def _tell_waiting(self) -> None:
        for position, call_id in enumerate(self._waiting, start=1):
            call = self._calls[call_id]
            if call.kiosk_peer is not None:
                status = QueueStatus(call_id, position, self.expected_wait_s(position), self.officers_online)
                self.send(call.kiosk_peer, status)

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


def _call_to_dict(call: LiveCall) -> dict[str, Any]:
    return {
        "request": call.request.to_json(),
        "kiosk": [str(call.kiosk.id), call.kiosk.name, call.kiosk.location],
        "kiosk_peer": call.kiosk_peer,
        "requested_at": call.requested_at,
        "officer_id": str(call.officer_id) if call.officer_id else None,
        "officer_peer": call.officer_peer,
        "accepted_at": call.accepted_at,
        "connected_at": call.connected_at,
        "kiosk_lost_at": call.kiosk_lost_at,
        "officer_lost_at": call.officer_lost_at,
    }


def _call_from_dict(data: dict[str, Any]) -> LiveCall:
    request = decode(data["request"])
    assert isinstance(request, CallRequest)
    kiosk_id, name, location = data["kiosk"]
    return LiveCall(
        request=request,
        kiosk=KioskIdentity(uuid.UUID(kiosk_id), name, location),
        kiosk_peer=data["kiosk_peer"],
        requested_at=data["requested_at"],
        officer_id=uuid.UUID(data["officer_id"]) if data["officer_id"] else None,
        officer_peer=data["officer_peer"],
        accepted_at=data["accepted_at"],
        connected_at=data["connected_at"],
        kiosk_lost_at=data["kiosk_lost_at"],
        officer_lost_at=data["officer_lost_at"],
    )


def _ms(seconds: float) -> int:
    return max(0, round(seconds * 1000))


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True
