"""The call queue's rules with fake sockets: who rings, who wins, what is relayed, what is recorded."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import TypeVar

import pytest

from backend.services.call_queue import CallQueue, OfficerLine
from backend.services.kiosks import KioskIdentity
from domain.call import (
    Accepted,
    CallRequest,
    Candidate,
    EndReason,
    Error,
    Hangup,
    IceServer,
    Message,
    Offer,
    QueueStatus,
    Refused,
    Ringing,
)
from domain.wire import UsageEvent

M = TypeVar("M", bound=Message)


class FakePeer:
    def __init__(self) -> None:
        self.sent: list[Message] = []

    def send(self, message: Message) -> None:
        self.sent.append(message)

    def last(self, kind: type[M]) -> M:
        return self.all(kind)[-1]

    def all(self, kind: type[M]) -> list[M]:
        return [m for m in self.sent if isinstance(m, kind)]


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


KIOSK = KioskIdentity(uuid.uuid4(), "kiosk-1", "Utrecht Centrum")
STUN = (IceServer(("stun:127.0.0.1:3478",)),)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def events() -> list[UsageEvent]:
    return []


@pytest.fixture
def queue(clock: Clock, events: list[UsageEvent]) -> CallQueue:
    return CallQueue(
        record=lambda kiosk, event: events.append(event),
        ice_servers=lambda call_id: STUN,
        clock=clock,
        wall_clock=lambda: datetime(2026, 11, 29, 12, tzinfo=UTC),
    )


def request(language: str = "ar", service: str | None = "theft") -> CallRequest:
    return CallRequest(str(uuid.uuid4()), str(uuid.uuid4()), language, service)


def fake(line: OfficerLine) -> FakePeer:
    assert isinstance(line.peer, FakePeer)
    return line.peer


def officer() -> OfficerLine:
    return OfficerLine(uuid.uuid4(), FakePeer())


def test_a_request_rings_every_console_and_tells_the_kiosk_its_place(queue: CallQueue, clock: Clock) -> None:
    first, second = officer(), officer()
    queue.officer_joined(first)
    queue.officer_joined(second)
    kiosk = FakePeer()
    call = request()
    queue.request(KIOSK, kiosk, call)
    clock.now += 5
    for line in (first, second):
        ringing = fake(line).last(Ringing)
        assert [(c.call_id, c.language, c.service, c.kiosk) for c in ringing.calls] == [
            (call.call_id, "ar", "theft", "kiosk-1")
        ]
    status = kiosk.last(QueueStatus)
    # no call answered yet: no wait is promised, none is made up
    assert status == QueueStatus(call.call_id, position=1, expected_wait_s=None, officers_online=2)


def test_exactly_one_officer_wins_a_call(queue: CallQueue) -> None:
    lines = [officer() for _ in range(3)]
    for line in lines:
        queue.officer_joined(line)
    kiosk = FakePeer()
    call = request()
    queue.request(KIOSK, kiosk, call)
    for line in lines:
        queue.accept(line, call.call_id)
    winners = [line for line in lines if fake(line).all(Accepted)]
    assert winners == [lines[0]]
    assert kiosk.all(Accepted) == [Accepted(call.call_id, STUN)]
    for loser in lines[1:]:
        assert fake(loser).last(Refused).reason == "taken"
        assert fake(loser).last(Ringing).calls == ()


def test_an_officer_in_a_call_cannot_take_another(queue: CallQueue) -> None:
    line = officer()
    queue.officer_joined(line)
    calls = [request(), request()]
    for call in calls:
        queue.request(KIOSK, FakePeer(), call)
    queue.accept(line, calls[0].call_id)
    queue.accept(line, calls[1].call_id)
    assert fake(line).last(Refused) == Refused(calls[1].call_id, "busy")


def test_queue_positions_move_up_and_waits_follow_answered_calls(queue: CallQueue, clock: Clock) -> None:
    line = officer()
    queue.officer_joined(line)
    kiosks = [FakePeer() for _ in range(3)]
    calls = [request() for _ in kiosks]
    for kiosk, call in zip(kiosks, calls, strict=True):
        queue.request(KIOSK, kiosk, call)
    assert [k.last(QueueStatus).position for k in kiosks] == [1, 2, 3]
    clock.now += 30
    queue.accept(line, calls[0].call_id)
    # one answer after 30 s: that is now the expected wait per place
    assert [(k.last(QueueStatus).position, k.last(QueueStatus).expected_wait_s) for k in kiosks[1:]] == [
        (1, 30),
        (2, 60),
    ]
    queue.officer_left(line)
    # the last officer went: however quick the answers were, nobody can answer now
    assert [(k.last(QueueStatus).expected_wait_s, k.last(QueueStatus).officers_online) for k in kiosks[2:]] == [
        (None, 0)
    ]


def test_offer_answer_and_candidates_pass_between_the_two_peers_only(queue: CallQueue) -> None:
    line, bystander = officer(), officer()
    queue.officer_joined(line)
    queue.officer_joined(bystander)
    kiosk = FakePeer()
    call = request()
    queue.request(KIOSK, kiosk, call)
    offer = Offer(call.call_id, "v=0 offer")
    queue.relay(kiosk, offer)  # before anyone accepted: nobody to relay to
    assert kiosk.last(Error).code == "not_in_call"
    queue.accept(line, call.call_id)
    queue.relay(kiosk, offer)
    candidate = Candidate(call.call_id, "candidate:1 1 udp 1 127.0.0.1 9 typ host", "0", 0)
    queue.relay(line.peer, candidate)
    queue.relay(bystander.peer, Candidate(call.call_id, "candidate:evil"))
    assert fake(line).all(Offer) == [offer]
    assert kiosk.all(Candidate) == [candidate]
    assert fake(bystander).last(Error).code == "not_in_call"
    assert not fake(bystander).all(Offer)


def kinds(events: list[UsageEvent]) -> list[tuple[str, str | None, int | None]]:
    return [(e.kind, e.reason, e.duration_ms) for e in events]


def test_a_completed_call_records_wait_duration_and_who_hung_up(
    queue: CallQueue, clock: Clock, events: list[UsageEvent]
) -> None:
    line = officer()
    queue.officer_joined(line)
    kiosk = FakePeer()
    call = request()
    queue.request(KIOSK, kiosk, call)
    clock.now += 12
    queue.accept(line, call.call_id)
    clock.now += 1.5
    queue.connected(kiosk, call.call_id)
    clock.now += 300
    queue.hangup(line.peer, call.call_id, EndReason.OFFICER_HANGUP)
    assert kinds(events) == [
        ("call_requested", None, None),
        ("call_connected", None, 13_500),
        ("call_ended", "officer_hangup", 300_000),
    ]
    assert {e.session for e in events} == {uuid.UUID(call.session)}
    assert all(e.language == "ar" and e.service == "theft" for e in events)
    assert events[-1].code == "connected"
    assert kiosk.last(Hangup) == Hangup(call.call_id, "officer_hangup")
    assert not fake(line).all(Hangup)  # the one who hung up is not told
    assert line.call_id is None


def test_leaving_the_queue_is_a_cancel_and_stops_the_ringing(
    queue: CallQueue, clock: Clock, events: list[UsageEvent]
) -> None:
    line = officer()
    queue.officer_joined(line)
    kiosk = FakePeer()
    call = request()
    queue.request(KIOSK, kiosk, call)
    clock.now += 40
    queue.hangup(kiosk, call.call_id, EndReason.KIOSK_HANGUP)
    assert kinds(events)[-1] == ("call_ended", "kiosk_cancelled", 40_000)
    assert events[-1].code == "not_connected"
    assert fake(line).last(Ringing).calls == ()


def test_dropped_sockets_end_their_calls_with_a_reason(queue: CallQueue, events: list[UsageEvent]) -> None:
    line = officer()
    queue.officer_joined(line)
    kiosk = FakePeer()
    first, second = request(), request()
    queue.request(KIOSK, kiosk, first)
    queue.accept(line, first.call_id)
    queue.officer_left(line)
    assert kiosk.last(Hangup) == Hangup(first.call_id, "officer_lost")
    other = FakePeer()
    queue.request(KIOSK, other, second)
    queue.kiosk_left(other)
    assert [e.reason for e in events if e.kind == "call_ended"] == ["officer_lost", "kiosk_lost"]


def test_a_peer_cannot_claim_the_other_sides_reason(queue: CallQueue, events: list[UsageEvent]) -> None:
    line = officer()
    queue.officer_joined(line)
    kiosk = FakePeer()
    call = request()
    queue.request(KIOSK, kiosk, call)
    queue.accept(line, call.call_id)
    queue.hangup(kiosk, call.call_id, EndReason.OFFICER_HANGUP)
    assert events[-1].reason == "kiosk_hangup"


def test_nobody_else_can_hang_up_a_call(queue: CallQueue, events: list[UsageEvent]) -> None:
    line, stranger = officer(), officer()
    queue.officer_joined(line)
    queue.officer_joined(stranger)
    kiosk = FakePeer()
    call = request()
    queue.request(KIOSK, kiosk, call)
    queue.hangup(stranger.peer, call.call_id, EndReason.OFFICER_HANGUP)
    assert fake(stranger).last(Error).code == "not_in_call"
    assert [e.kind for e in events] == ["call_requested"]


def test_no_officer_online_is_told_to_the_kiosk(queue: CallQueue) -> None:
    kiosk = FakePeer()
    queue.request(KIOSK, kiosk, request())
    assert kiosk.last(QueueStatus).officers_online == 0


def test_a_duplicate_call_id_is_refused(queue: CallQueue) -> None:
    kiosk = FakePeer()
    call = request()
    queue.request(KIOSK, kiosk, call)
    queue.request(KIOSK, kiosk, call)
    assert kiosk.last(Error).code == "duplicate_call"


def test_one_connection_asks_for_one_call_at_a_time(queue: CallQueue) -> None:
    kiosk = FakePeer()
    queue.request(KIOSK, kiosk, request())
    queue.request(KIOSK, kiosk, request())
    assert kiosk.last(Error).code == "one_call"
    assert [s.position for s in kiosk.all(QueueStatus)] == [1]
