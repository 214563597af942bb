"""Workers share the call queue by saving and loading its state around every operation (services/shared_calls.py).
For every sequence of operations, a queue reloaded from JSON before each one says and records exactly what a
queue kept in memory says: sharing it changes nothing."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from backend.services.call_queue import GRACE_S, CallQueue, OfficerLine
from backend.services.kiosks import KioskIdentity
from domain.call import CallRequest, Candidate, IceServer

KIOSKS = [KioskIdentity(uuid.UUID(int=n + 1), f"kiosk-{n}", "Zwolle") for n in range(2)]
OFFICERS = [uuid.UUID(int=100 + n) for n in range(2)]
PEERS = [f"w{w}/{n}" for w in (1, 2) for n in range(2)]
CALLS = [f"call-{n:04d}" for n in range(2)]
STUN = (IceServer(("stun:127.0.0.1:3478",)),)

operation = st.one_of(
    st.tuples(st.just("officer_joined"), st.sampled_from(OFFICERS), st.sampled_from(PEERS)),
    st.tuples(st.just("officer_left"), st.sampled_from(PEERS)),
    st.tuples(st.just("request"), st.integers(0, 1), st.sampled_from(PEERS), st.sampled_from(CALLS)),
    st.tuples(st.just("kiosk_rejoined"), st.integers(0, 1), st.sampled_from(PEERS), st.sampled_from(CALLS)),
    st.tuples(st.just("officer_rejoined"), st.sampled_from(PEERS), st.sampled_from(CALLS)),
    st.tuples(st.just("accept"), st.sampled_from(PEERS), st.sampled_from(CALLS)),
    st.tuples(st.just("connected"), st.sampled_from(PEERS), st.sampled_from(CALLS)),
    st.tuples(st.just("relay"), st.sampled_from(PEERS), st.sampled_from(CALLS)),
    st.tuples(
        st.just("hangup"), st.sampled_from(PEERS), st.sampled_from(CALLS), st.sampled_from(["kiosk_hangup", "x"])
    ),
    st.tuples(st.just("kiosk_left"), st.sampled_from(PEERS)),
    st.tuples(st.just("workers_gone"), st.sampled_from(["w1", "w2"])),
    st.tuples(st.just("wait"), st.sampled_from([1.0, GRACE_S])),
)


class Run:
    def __init__(self) -> None:
        self.now = 1_000.0
        self.said: list[tuple[str, str]] = []
        self.recorded: list[tuple[str, str, Any]] = []

    def queue(self) -> CallQueue:
        return CallQueue(
            send=lambda peer, message: self.said.append((peer, message.to_json())),
            record=lambda kiosk, event: self.recorded.append((kiosk.name, event.kind, event.reason)),
            ice_servers=lambda call_id: STUN,
            clock=lambda: self.now,
            wall_clock=lambda: datetime(2026, 12, 6, tzinfo=UTC),
        )


def apply(queue: CallQueue, run: Run, step: tuple[Any, ...]) -> None:
    name, *args = step
    if name == "officer_joined":
        queue.officer_joined(OfficerLine(args[0], args[1]))
    elif name == "request":
        kiosk, peer, call_id = args
        queue.request(KIOSKS[kiosk], peer, CallRequest(call_id, str(uuid.UUID(int=7)), "ar", None))
    elif name == "kiosk_rejoined":
        queue.kiosk_rejoined(KIOSKS[args[0]], args[1], args[2])
    elif name == "relay":
        queue.relay(args[0], Candidate(args[1], "candidate:1 1 udp 1 127.0.0.1 9 typ host"))
    elif name == "workers_gone":
        queue.workers_gone({args[0]})
    elif name == "wait":
        run.now += args[0]
        queue.expire()
    else:
        getattr(queue, name)(*args)


@settings(max_examples=400)
@given(st.lists(operation, max_size=40))
@example(  # an answered call sets the expected wait the next kiosk hears after it reconnects
    [
        ("officer_joined", OFFICERS[0], PEERS[0]),
        ("request", 0, PEERS[1], CALLS[0]),
        ("request", 1, PEERS[2], CALLS[1]),
        ("wait", 1.0),
        ("accept", PEERS[0], CALLS[0]),
        ("kiosk_left", PEERS[2]),
        ("kiosk_rejoined", 1, PEERS[3], CALLS[1]),
    ]
)
def test_a_queue_reloaded_before_every_operation_says_and_records_the_same(steps: list[tuple[Any, ...]]) -> None:
    kept, reloaded = Run(), Run()
    in_memory = kept.queue()
    state = reloaded.queue().snapshot()
    for step in steps:
        apply(in_memory, kept, step)
        queue = reloaded.queue()
        queue.restore(json.loads(json.dumps(state)))
        apply(queue, reloaded, step)
        state = queue.snapshot()
    assert reloaded.said == kept.said
    assert reloaded.recorded == kept.recorded
    assert state == json.loads(json.dumps(in_memory.snapshot()))

