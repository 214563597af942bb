"""The call session's rules with fake signalling, peers and translator; time is a fake clock."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

import pytest

from domain.call import (
    Accepted,
    Answer,
    CallRequest,
    Candidate,
    Connected,
    EndReason,
    Hangup,
    IceServer,
    Offer,
    QueueStatus,
    Reconnecting,
    Rejoin,
)
from domain.chat import ChatMessage, IntakeItem, IntakeSummary, MediaState
from kiosk.call.chat import ChatTranslation
from kiosk.call.ports import Captions, PeerState, SignallingClosed, StatementSealer, TranscriptKeeper
from kiosk.call.session import CallSession, CallTiming
from kiosk.call.view import CallPhase, CallView
from tests.kiosk.call.fakes import FakePeer, FakeSignalling, TaggingTranslator, data_message

TIMING = CallTiming(
    no_answer_s=60, connect_s=10, silence_s=4, attempt_s=6, reconnect_s=15, ping_s=1, tick_s=0.005,
    rejoin_delays_s=(0.0, 0.01, 0.01),
)  # fmt: skip
BACKEND_ICE = (IceServer(("turn:turn.example:3478",), "1:abc", "secret"),)
KIOSK_ICE = (IceServer(("stun:stun.example:3478",)),)
INTAKE = IntakeSummary("ar", "bike_theft", (IntakeItem("description", "Wat is er gebeurd?", "سرقة", "diefstal"),))


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Call:
    session: CallSession
    task: asyncio.Task[CallView]
    links: list[FakeSignalling]  # every connection to the call service, the newest last
    clock: Clock
    translator: TaggingTranslator
    peers: list[FakePeer] = field(default_factory=list)
    views: list[CallView] = field(default_factory=list)

    @property
    def call_id(self) -> str:
        return self.session.call_id

    @property
    def signalling(self) -> FakeSignalling:
        return self.links[-1]

    @property
    def peer(self) -> FakePeer:
        return self.peers[-1]

    async def until(self, condition: Callable[[], bool]) -> None:
        for _ in range(2000):
            if condition():
                return
            await asyncio.sleep(0.001)
        raise AssertionError("condition not reached")

    async def tell(self, message: object) -> None:
        await self.signalling.incoming.put(message)  # type: ignore[arg-type]

    async def connect(self, relay_only: bool = False) -> None:
        """Answered by an officer, offer sent, answer received, channel open."""
        await self.until(lambda: self.session.view.phase is CallPhase.WAITING)
        await self.tell(Accepted(self.call_id, BACKEND_ICE, relay_only))
        await self.until(lambda: bool(self.signalling.of(Offer)))
        await self.tell(Answer(self.call_id, "v=0 answer", attempt=0))
        await self.until(lambda: bool(self.peer.answers))
        self.peer.becomes_open()
        await self.until(lambda: self.session.view.phase is CallPhase.CONNECTED)


def start_call(
    captions: Captions | None = None,
    keep_transcript: TranscriptKeeper | None = None,
    reachable: list[bool] | None = None,
    seal_statement: StatementSealer | None = None,
    translator: TaggingTranslator | None = None,
) -> Call:
    """A session running on the current loop, with fakes all round (and the captions given). `reachable` says, per
    connection attempt to the call service, whether it succeeds (default: always)."""
    clock, translator = Clock(), translator or TaggingTranslator()
    links: list[FakeSignalling] = []
    peers: list[FakePeer] = []
    views: list[CallView] = []
    attempts = iter(reachable or [])

    async def open_signalling() -> FakeSignalling:
        if not next(attempts, True):
            raise SignallingClosed("no route")
        links.append(FakeSignalling())
        return links[-1]

    def new_peer(on_state: Callable[[PeerState], None], on_message: Callable[[str], None]) -> FakePeer:
        peers.append(FakePeer(on_state, on_message))
        return peers[-1]

    request = CallRequest(str(uuid.uuid4()), str(uuid.uuid4()), "ar", "bike_theft")
    session = CallSession(
        request, INTAKE, open_signalling, new_peer, ChatTranslation(translator, "ar"), views.append,
        timing=TIMING, kiosk_ice=KIOSK_ICE, clock=clock, captions=captions, keep_transcript=keep_transcript,
        seal_statement=seal_statement,
    )  # fmt: skip
    task = asyncio.create_task(session.run())
    return Call(session, task, links, clock, translator, peers, views)


async def finish(harness: Call) -> None:
    if not harness.task.done():
        await harness.session.hang_up()
        await asyncio.wait_for(harness.task, 5)


@pytest.fixture
async def call() -> AsyncIterator[Call]:
    harness = start_call()
    yield harness
    await finish(harness)


pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def test_asks_for_a_call_and_shows_the_queue(call: Call) -> None:
    await call.until(lambda: bool(call.signalling.sent))
    assert call.signalling.sent[0] == call.session._request
    await call.tell(QueueStatus(call.call_id, position=2, expected_wait_s=120, officers_online=3))
    await call.until(lambda: call.session.view.position == 2)
    view = call.session.view
    assert (view.phase, view.expected_wait_s, view.officers_online) == (CallPhase.WAITING, 120, 3)


async def test_an_accepted_call_offers_connects_and_sends_the_intake(call: Call) -> None:
    await call.connect()
    (offer,) = call.signalling.of(Offer)
    assert (offer.attempt, offer.sdp) == (0, "v=0 fake offer")
    assert tuple(call.peer.ice) == BACKEND_ICE + KIOSK_ICE
    assert call.peer.relay_only is False
    candidate = Candidate(call.call_id, "candidate:1 1 udp 1 127.0.0.1 9 typ host", "0", 0)
    await call.tell(candidate)
    await call.until(lambda: bool(call.peer.candidates))
    assert call.peer.candidates == [candidate]
    await call.until(lambda: bool(call.signalling.of(Connected)))
    assert call.peer.received(IntakeSummary) == [INTAKE]


async def test_a_relay_only_call_offers_relayed_candidates_only_on_every_attempt(call: Call) -> None:
    await call.connect(relay_only=True)
    call.peer.on_state(PeerState.FAILED)  # the reconnect's new peer connection keeps the call's policy
    await call.until(lambda: len(call.peers) == 2)
    assert [peer.relay_only for peer in call.peers] == [True, True]
    assert tuple(call.peer.ice) == BACKEND_ICE + KIOSK_ICE


async def test_nobody_answering_offers_the_alternatives(call: Call) -> None:
    await call.until(lambda: call.session.view.phase is CallPhase.WAITING)
    call.clock.now += TIMING.no_answer_s - 1
    await asyncio.sleep(0.05)
    assert not call.session.view.no_answer
    call.clock.now += 1
    await call.until(lambda: call.session.view.no_answer)
    await call.session.leave_for_alternative()
    assert call.signalling.of(Hangup) == [Hangup(call.call_id, "no_answer")]
    assert (await call.task).end_reason is EndReason.NO_ANSWER


async def test_leaving_the_queue_is_a_cancel(call: Call) -> None:
    await call.until(lambda: call.session.view.phase is CallPhase.WAITING)
    await call.session.hang_up()
    assert call.signalling.of(Hangup) == [Hangup(call.call_id, "kiosk_cancelled")]


async def test_a_silent_link_reconnects_with_a_new_offer(call: Call) -> None:
    await call.connect()
    first = call.peer
    call.clock.now += TIMING.silence_s
    await call.until(lambda: len(call.peers) == 2 and bool(call.signalling.of(Offer)[1:]))
    assert first.closed
    assert call.session.view.phase is CallPhase.RECONNECTING
    assert call.signalling.of(Reconnecting) == [Reconnecting(call.call_id, 1)]
    assert call.signalling.of(Offer)[-1].attempt == 1
    await call.tell(Answer(call.call_id, "stale", attempt=0))  # late answer for the replaced connection
    await call.tell(Answer(call.call_id, "v=0 second answer", attempt=1))
    await call.until(lambda: bool(call.peer.answers))
    assert call.peer.answers == ["v=0 second answer"]
    call.peer.becomes_open()
    await call.until(lambda: call.session.view.phase is CallPhase.CONNECTED)
    first.on_state(PeerState.FAILED)  # the replaced connection reporting late changes nothing
    await asyncio.sleep(0.05)
    assert (len(call.peers), call.session.view.phase) == (2, CallPhase.CONNECTED)
    assert len(call.signalling.of(Connected)) == 1  # the wait ended once
    assert call.peer.received(IntakeSummary) == [INTAKE]  # the officer's page gets the intake again


async def test_a_link_that_does_not_come_back_ends_the_call(call: Call) -> None:
    await call.connect()
    call.clock.now += TIMING.silence_s
    await call.until(lambda: call.session.view.phase is CallPhase.RECONNECTING)
    call.clock.now += TIMING.attempt_s
    await call.until(lambda: len(call.peers) == 3)  # a second attempt within the deadline
    call.clock.now += TIMING.reconnect_s
    final = await asyncio.wait_for(call.task, 5)
    assert final.end_reason is EndReason.NETWORK_LOST
    assert call.signalling.of(Hangup) == [Hangup(call.call_id, "network_lost")]
    assert call.peer.closed


async def test_a_failed_connection_reconnects_at_once(call: Call) -> None:
    await call.connect()
    call.peer.on_state(PeerState.FAILED)
    await call.until(lambda: len(call.peers) == 2)
    assert call.session.view.phase is CallPhase.RECONNECTING


async def test_the_officers_reconnect_request_starts_a_new_attempt(call: Call) -> None:
    await call.connect()
    await call.tell(Reconnecting(call.call_id, 0))
    await call.until(lambda: len(call.peers) == 2)


async def test_no_connection_after_accept_ends_as_media_failure(call: Call) -> None:
    await call.until(lambda: call.session.view.phase is CallPhase.WAITING)
    await call.tell(Accepted(call.call_id, ()))
    await call.until(lambda: bool(call.signalling.of(Offer)))
    call.clock.now += TIMING.connect_s
    final = await asyncio.wait_for(call.task, 5)
    assert final.end_reason is EndReason.MEDIA_FAILED
    assert call.signalling.of(Hangup) == [Hangup(call.call_id, "media_failed")]


async def test_resident_chat_is_translated_to_dutch_before_it_is_sent(call: Call) -> None:
    await call.connect()
    await call.session.say("  دراجتي سرقت  ")
    (sent,) = call.peer.received(ChatMessage)
    assert (sent.sender, sent.original, sent.source_language) == ("resident", "دراجتي سرقت", "ar")
    assert (sent.translated, sent.target_language, sent.machine_translated) == ("[nl] دراجتي سرقت", "nl", True)
    (line,) = call.session.view.chat
    assert (line.text, line.pending) == ("دراجتي سرقت", False)


async def test_officer_chat_is_translated_for_the_resident_and_echoed(call: Call) -> None:
    await call.connect()
    arriving = ChatMessage("m1", "officer", "Wat is er gebeurd?", "nl")
    call.peer.on_message(data_message(arriving))
    await call.until(lambda: bool(call.peer.received(ChatMessage)))
    assert call.translator.asked == [("Wat is er gebeurd?", "nl", "ar")]
    (line,) = call.session.view.chat
    assert (line.text, line.original, line.translated) == ("[ar] Wat is er gebeurd?", "Wat is er gebeurd?", True)
    (echo,) = call.peer.received(ChatMessage)
    assert (echo.message_id, echo.translated, echo.target_language) == ("m1", "[ar] Wat is er gebeurd?", "ar")


async def test_chat_typed_while_reconnecting_is_sent_once_the_link_is_back(call: Call) -> None:
    await call.connect()
    call.peer.on_state(PeerState.FAILED)
    await call.until(lambda: len(call.peers) == 2)
    await call.session.say("hallo?")
    assert not call.peer.received(ChatMessage)
    call.peer.becomes_open()
    await call.until(lambda: bool(call.peer.received(ChatMessage)))
    assert [m.original for m in call.peer.received(ChatMessage)] == ["hallo?"]


async def test_mute_reaches_the_microphone_the_officer_and_a_new_connection(call: Call) -> None:
    await call.connect()
    call.session.set_muted(True)
    assert call.peer.muted
    assert call.peer.received(MediaState) == [MediaState(audio_muted=True)]
    call.peer.on_state(PeerState.FAILED)
    await call.until(lambda: len(call.peers) == 2)
    assert call.peer.muted


async def test_the_officer_hanging_up_ends_the_call(call: Call) -> None:
    await call.connect()
    await call.tell(Hangup(call.call_id, "officer_hangup"))
    final = await asyncio.wait_for(call.task, 5)
    assert final.end_reason is EndReason.OFFICER_HANGUP
    assert call.peer.closed and call.signalling.closed
    assert not call.signalling.of(Hangup)  # nothing to tell the backend: it told us


async def test_a_kiosk_that_lost_the_call_service_rejoins_and_the_call_goes_on() -> None:
    call = start_call(reachable=[True, False, True])  # the second try after the drop gets through
    await call.connect()
    first = call.signalling
    await first.incoming.put(None)  # the backend worker went away
    await call.until(lambda: len(call.links) == 2)
    assert call.signalling.sent == [Rejoin(call.call_id)]
    assert first.closed
    assert call.session.view.phase is CallPhase.CONNECTED  # media and chat never went through the backend
    await call.tell(Candidate(call.call_id, "candidate:1 1 udp 1 127.0.0.1 9 typ host", "0", 0))
    await call.until(lambda: bool(call.peer.candidates))  # the new connection is the one listened to
    await finish(call)
    assert call.signalling.of(Hangup)[-1].reason == "kiosk_hangup"


async def test_a_call_service_that_stays_away_ends_the_call() -> None:
    call = start_call(reachable=[True, False, False, False])
    await call.connect()
    await call.signalling.incoming.put(None)
    assert (await asyncio.wait_for(call.task, 5)).end_reason is EndReason.KIOSK_LOST
    assert len(call.links) == 1


async def test_a_call_that_ended_while_the_kiosk_was_away_ends_on_the_kiosk_too(call: Call) -> None:
    await call.until(lambda: call.session.view.phase is CallPhase.WAITING)
    await call.signalling.incoming.put(None)
    await call.until(lambda: len(call.links) == 2)
    await call.tell(Hangup(call.call_id, "kiosk_lost"))
    assert (await asyncio.wait_for(call.task, 5)).end_reason is EndReason.KIOSK_LOST


async def test_an_unreachable_backend_ends_at_once() -> None:
    async def unreachable() -> FakeSignalling:
        raise SignallingClosed("no route")

    request = CallRequest(str(uuid.uuid4()), str(uuid.uuid4()), "en")
    views: list[CallView] = []
    session = CallSession(
        request, IntakeSummary("en"), unreachable, FakePeer, ChatTranslation(TaggingTranslator(), "en"), views.append
    )
    assert (await session.run()).end_reason is EndReason.UNREACHABLE
    assert views[-1].phase is CallPhase.ENDED


async def test_without_translation_models_chat_says_it_is_untranslated() -> None:
    from kiosk.call.chat import NoTranslator

    message = await ChatTranslation(NoTranslator(), "ar").from_resident("m1", "دراجتي")
    assert (message.translated, message.reason, message.machine_translated) == (None, "no_model", False)
    assert message.low_confidence
