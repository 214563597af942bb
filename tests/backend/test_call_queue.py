"""The call queue's rules with fake sockets: who rings, who wins, what is relayed, what is recorded."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import TypeVar

import pytest

from backend.services.call_queue import GRACE_S, CallQueue, OfficerLine
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


PEERS: dict[str, FakePeer] = {}


class FakePeer:
    """A connection of worker "w1"; what the queue sends to its id lands in `sent`."""

    def __init__(self, worker: str = "w1") -> None:
        self.id = f"{worker}/{uuid.uuid4().hex[:8]}"
        self.sent: list[Message] = []
        PEERS[self.id] = self

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
    PEERS.clear()
    return CallQueue(
        send=lambda peer, message: PEERS[peer].sent.append(message),
        record=lambda kiosk, event: events.append(event),
        ice_servers=lambda call_id: STUN,
        clock=clock,
        wall_clock=lambda: datetime(2026, 11, 29, 12, tzinfo=UTC),
    )


def request(language: str = "ar", service: str | None = "theft") -> CallRequest:
    return CallRequest(str(uuid.uuid4()), str(uuid.uuid4()), language, service)


def fake(line: OfficerLine) -> FakePeer:
    return PEERS[line.peer]


def officer(worker: str = "w1") -> OfficerLine:
    return OfficerLine(uuid.uuid4(), FakePeer(worker).id)


def test_a_request_rings_every_console_and_tells_the_kiosk_its_place(queue: CallQueue, clock: Clock) -> None:
    first, second = officer(), officer()
    queue.officer_joined(first)
    queue.officer_joined(second)
    kiosk = FakePeer()
    call = request()
    queue.request(KIOSK, kiosk.id, call)
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
    queue.request(KIOSK, kiosk.id, call)
    for line in lines:
        queue.accept(line.peer, call.call_id)
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
        queue.request(KIOSK, FakePeer().id, call)
    queue.accept(line.peer, calls[0].call_id)
    queue.accept(line.peer, calls[1].call_id)
    assert fake(line).last(Refused) == Refused(calls[1].call_id, "busy")


def test_queue_positions_move_up_and_waits_follow_answered_calls(queue: CallQueue, clock: Clock) -> None:
    line = officer()
    queue.officer_joined(line)
    kiosks = [FakePeer() for _ in range(3)]
    calls = [request() for _ in kiosks]
    for kiosk, call in zip(kiosks, calls, strict=True):
        queue.request(KIOSK, kiosk.id, call)
    assert [k.last(QueueStatus).position for k in kiosks] == [1, 2, 3]
    clock.now += 30
    queue.accept(line.peer, calls[0].call_id)
    # one answer after 30 s: that is now the expected wait per place
    assert [(k.last(QueueStatus).position, k.last(QueueStatus).expected_wait_s) for k in kiosks[1:]] == [
        (1, 30),
        (2, 60),
    ]
    queue.officer_left(line.peer)
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
    queue.request(KIOSK, kiosk.id, call)
    offer = Offer(call.call_id, "v=0 offer")
    queue.relay(kiosk.id, offer)  # before anyone accepted: nobody to relay to
    assert kiosk.last(Error).code == "not_in_call"
    queue.accept(line.peer, call.call_id)
    queue.relay(kiosk.id, offer)
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
    queue.request(KIOSK, kiosk.id, call)
    clock.now += 12
    queue.accept(line.peer, call.call_id)
    clock.now += 1.5
    queue.connected(kiosk.id, call.call_id)
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
    queue.request(KIOSK, kiosk.id, call)
    clock.now += 40
    queue.hangup(kiosk.id, call.call_id, EndReason.KIOSK_HANGUP)
    assert kinds(events)[-1] == ("call_ended", "kiosk_cancelled", 40_000)
    assert events[-1].code == "not_connected"
    assert fake(line).last(Ringing).calls == ()


def test_a_dropped_connection_keeps_its_call_for_the_grace_then_ends_it_with_a_reason(
    queue: CallQueue, clock: Clock, events: list[UsageEvent]
) -> None:
    line = officer()
    queue.officer_joined(line)
    kiosk = FakePeer()
    first, second = request(), request()
    queue.request(KIOSK, kiosk.id, first)
    queue.accept(line.peer, first.call_id)
    queue.officer_left(line.peer)
    other = FakePeer()
    queue.request(KIOSK, other.id, second)
    clock.now += 1
    queue.kiosk_left(other.id)
    clock.now += GRACE_S - 1
    queue.expire()
    assert kiosk.last(Hangup) == Hangup(first.call_id, "officer_lost")  # the grace passed: nobody came back
    assert [e.reason for e in events if e.kind == "call_ended"] == ["officer_lost"]
    clock.now += 1
    queue.expire()
    assert [e.reason for e in events if e.kind == "call_ended"] == ["officer_lost", "kiosk_lost"]


def test_a_kiosk_that_reconnects_keeps_its_place_in_the_queue(queue: CallQueue, clock: Clock) -> None:
    line = officer()
    queue.officer_joined(line)
    kiosks = [FakePeer("w1"), FakePeer("w1")]
    calls = [request(), request()]
    for kiosk, call in zip(kiosks, calls, strict=True):
        queue.request(KIOSK, kiosk.id, call)
    queue.workers_gone({"w1"})  # the worker holding both kiosks died
    clock.now += GRACE_S - 1
    queue.expire()
    again = FakePeer("w2")
    queue.kiosk_rejoined(KIOSK, again.id, calls[1].call_id)
    assert again.last(QueueStatus).position == 2  # still behind the first, which may come back too
    assert [c.call_id for c in fake(line).last(Ringing).calls] == [c.call_id for c in calls]
    clock.now += 1
    queue.expire()
    assert again.last(QueueStatus).position == 1  # the first did not come back in time


def test_a_call_accepted_while_the_kiosk_was_away_reaches_it_when_it_rejoins(queue: CallQueue) -> None:
    line = officer("w2")
    queue.officer_joined(line)
    kiosk = FakePeer("w1")
    call = request()
    queue.request(KIOSK, kiosk.id, call)
    queue.kiosk_left(kiosk.id)
    queue.accept(line.peer, call.call_id)
    assert not kiosk.all(Accepted)
    again = FakePeer("w2")
    queue.kiosk_rejoined(KIOSK, again.id, call.call_id)
    assert again.all(Accepted) == [Accepted(call.call_id, STUN)]
    queue.relay(again.id, Offer(call.call_id, "v=0 offer"))
    assert fake(line).all(Offer) == [Offer(call.call_id, "v=0 offer")]


def test_an_officer_rejoins_a_connected_call_and_only_that_officer_can(queue: CallQueue) -> None:
    line, colleague = officer("w1"), officer("w2")
    queue.officer_joined(line)
    queue.officer_joined(colleague)
    kiosk = FakePeer("w2")
    call = request()
    queue.request(KIOSK, kiosk.id, call)
    queue.accept(line.peer, call.call_id)
    queue.connected(kiosk.id, call.call_id)
    queue.workers_gone({"w1"})
    stranger = FakePeer("w2")
    queue.officer_joined(OfficerLine(colleague.user_id, stranger.id))
    queue.officer_rejoined(stranger.id, call.call_id)
    assert stranger.last(Hangup) == Hangup(call.call_id, "officer_lost")  # not their call
    back = OfficerLine(line.user_id, FakePeer("w2").id)
    queue.officer_joined(back)
    queue.officer_rejoined(back.peer, call.call_id)
    candidate = Candidate(call.call_id, "candidate:1 1 udp 1 127.0.0.1 9 typ host", "0", 0)
    queue.relay(kiosk.id, candidate)
    assert fake(back).all(Candidate) == [candidate]
    assert not kiosk.all(Hangup)


def test_another_kiosk_cannot_take_over_a_call(queue: CallQueue) -> None:
    kiosk = FakePeer()
    call = request()
    queue.request(KIOSK, kiosk.id, call)
    queue.kiosk_left(kiosk.id)
    thief = FakePeer()
    queue.kiosk_rejoined(KioskIdentity(uuid.uuid4(), "kiosk-2", "Elders"), thief.id, call.call_id)
    assert thief.all(Hangup) == [Hangup(call.call_id, "kiosk_lost")]
    assert not thief.all(QueueStatus)


def test_a_peer_cannot_claim_the_other_sides_reason(queue: CallQueue, events: list[UsageEvent]) -> None:
    line = officer()
    queue.officer_joined(line)
    kiosk = FakePeer()
    call = request()
    queue.request(KIOSK, kiosk.id, call)
    queue.accept(line.peer, call.call_id)
    queue.hangup(kiosk.id, call.call_id, EndReason.OFFICER_HANGUP)
    assert events[-1].reason == "kiosk_hangup"


def test_nobody_else_can_hang_up_a_call(queue: CallQueue, events: list[UsageEvent]) -> None:
    line, stranger = officer(), officer()
    queue.officer_joined(line)
    queue.officer_joined(stranger)
    kiosk = FakePeer()
    call = request()
    queue.request(KIOSK, kiosk.id, call)
    queue.hangup(stranger.peer, call.call_id, EndReason.OFFICER_HANGUP)
    assert fake(stranger).last(Error).code == "not_in_call"
    assert [e.kind for e in events] == ["call_requested"]


def test_no_officer_online_is_told_to_the_kiosk(queue: CallQueue) -> None:
    kiosk = FakePeer()
    queue.request(KIOSK, kiosk.id, request())
    assert kiosk.last(QueueStatus).officers_online == 0


def test_a_duplicate_call_id_is_refused(queue: CallQueue) -> None:
    kiosk = FakePeer()
    call = request()
    queue.request(KIOSK, kiosk.id, call)
    queue.request(KIOSK, kiosk.id, call)
    assert kiosk.last(Error).code == "duplicate_call"


def test_one_connection_asks_for_one_call_at_a_time(queue: CallQueue) -> None:
    kiosk = FakePeer()
    queue.request(KIOSK, kiosk.id, request())
    queue.request(KIOSK, kiosk.id, request())
    assert kiosk.last(Error).code == "one_call"
    assert [s.position for s in kiosk.all(QueueStatus)] == [1]


def test_a_relay_only_queue_tells_both_peers_so(clock: Clock) -> None:
    queue = CallQueue(send=lambda peer, message: PEERS[peer].sent.append(message), record=lambda kiosk, event: None,
                      ice_servers=lambda call_id: STUN, clock=clock,
                      wall_clock=lambda: datetime(2026, 11, 29, 12, tzinfo=UTC), relay_only=True)  # fmt: skip
    line, kiosk, call = officer(), FakePeer(), request()
    queue.officer_joined(line)
    queue.request(KIOSK, kiosk.id, call)
    queue.accept(line.peer, call.call_id)
    assert kiosk.all(Accepted) == fake(line).all(Accepted) == [Accepted(call.call_id, STUN, relay_only=True)]
