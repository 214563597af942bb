"""The call session's captions rules: who switches them, when the kiosk listens, what reaches the officer."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Sequence

import pytest

from domain.chat import Caption, CaptionsSwitch, KeepTranscript, Sender, TranscriptState
from kiosk.call.view import KEPT_CAPTIONS, CallPhase
from tests.kiosk.call.fakes import data_message
from tests.kiosk.call.test_session import Call, finish, start_call

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


class FakeCaptions:
    def __init__(self) -> None:
        self.switched: list[bool] = []
        self.closed = False

    def set_on(self, on: bool) -> None:
        if not self.switched or self.switched[-1] != on:
            self.switched.append(on)

    async def close(self) -> None:
        self.closed = True


def heard(speaker: Sender, text: str = "سرقت دراجتي") -> Caption:
    return Caption(uuid.uuid4().hex, speaker.value, text, "ar", "Mijn fiets is gestolen.", "nl",
                   "2026-12-06T13:40:02Z", 2.0, "whisper-phrase 1", machine_translated=True)  # fmt: skip


@pytest.fixture
async def captioned() -> AsyncIterator[tuple[Call, FakeCaptions]]:
    captions = FakeCaptions()
    harness = start_call(captions)
    yield harness, captions
    await finish(harness)


async def test_the_kiosk_listens_only_while_connected_and_tells_the_console_it_captions(
    captioned: tuple[Call, FakeCaptions],
) -> None:
    call, captions = captioned
    await call.until(lambda: call.session.view.phase is CallPhase.WAITING)
    assert call.session.view.captions_available and not call.session.view.listening
    assert captions.switched == [False]  # not while waiting in the queue: nobody is there to read it
    await call.connect()
    assert call.session.view.listening and captions.switched == [False, True]
    assert call.peer.received(CaptionsSwitch) == [CaptionsSwitch(on=True, by="resident")]
    await call.session.hang_up()
    await asyncio.wait_for(call.task, 5)
    assert captions.switched[-1] is False and captions.closed


async def test_a_caption_is_shown_on_the_kiosk_and_sent_to_the_officer(captioned: tuple[Call, FakeCaptions]) -> None:
    call, _ = captioned
    await call.connect()
    resident, officer = heard(Sender.RESIDENT), heard(Sender.OFFICER, "Dank u wel")
    call.session.show_caption(resident)
    call.session.show_caption(officer)
    assert call.session.view.captions == (resident, officer)
    assert call.peer.received(Caption) == [resident, officer]


async def test_the_officer_switching_captions_off_stops_the_listening_and_drops_late_turns(
    captioned: tuple[Call, FakeCaptions],
) -> None:
    call, captions = captioned
    await call.connect()
    call.peer.on_message(data_message(CaptionsSwitch(on=False, by="officer")))
    view = call.session.view
    assert (view.captions_on, view.captions_switched_by, view.listening) == (False, Sender.OFFICER, False)
    assert captions.switched[-1] is False
    call.session.show_caption(heard(Sender.RESIDENT))  # transcribed before the switch reached the kiosk
    assert call.session.view.captions == () and call.peer.received(Caption) == []
    call.peer.on_message(data_message(CaptionsSwitch(on=True, by="officer")))
    assert call.session.view.listening and captions.switched[-1] is True


async def test_the_resident_switches_captions_and_the_officer_is_told(captioned: tuple[Call, FakeCaptions]) -> None:
    call, captions = captioned
    await call.connect()
    call.session.set_captions(False)
    assert not call.session.view.listening and captions.switched[-1] is False
    assert call.peer.received(CaptionsSwitch)[-1] == CaptionsSwitch(on=False, by="resident")


async def test_only_a_switch_by_the_officer_is_obeyed_from_the_channel(captioned: tuple[Call, FakeCaptions]) -> None:
    """The officer's page sends by="officer"; anything else arriving over the channel is not a command."""
    call, _ = captioned
    await call.connect()
    call.peer.on_message(data_message(CaptionsSwitch(on=False, by="resident")))
    assert call.session.view.listening


class Keeper:
    def __init__(self) -> None:
        self.kept: list[tuple[list[Caption], str]] = []

    def __call__(self, turns: Sequence[Caption], kept_by: str) -> None:
        self.kept.append((list(turns), kept_by))


async def kept_call(keeper: Keeper) -> tuple[Call, FakeCaptions]:
    captions = FakeCaptions()
    harness = start_call(captions, keep_transcript=keeper)
    await harness.connect()
    return harness, captions


async def test_a_kept_transcript_is_told_to_the_resident_and_sealed_with_every_turn_when_the_call_ends() -> None:
    keeper = Keeper()
    call, _ = await kept_call(keeper)
    turns = [heard(Sender.RESIDENT, f"turn {number}") for number in range(KEPT_CAPTIONS + 3)]
    call.session.show_caption(turns[0])
    call.peer.on_message(data_message(KeepTranscript(keep=True, kept_by="agent.jansen")))
    assert call.session.view.transcript_kept  # the resident is told before anything is kept
    assert call.peer.received(TranscriptState) == [TranscriptState(keep=True, turns=1)]
    assert keeper.kept == []  # nothing sealed while the call goes on
    for later in turns[1:]:
        call.session.show_caption(later)
    await finish(call)
    assert keeper.kept == [(turns, "agent.jansen")]  # every turn, not only the few on screen


async def test_no_transcript_is_kept_unless_the_officer_asks_and_still_wants_it_at_the_end() -> None:
    keeper = Keeper()
    call, _ = await kept_call(keeper)
    call.session.show_caption(heard(Sender.RESIDENT))
    call.peer.on_message(data_message(KeepTranscript(keep=True)))
    call.peer.on_message(data_message(KeepTranscript(keep=False)))  # the officer changed their mind
    assert not call.session.view.transcript_kept
    await finish(call)
    other = Keeper()
    quiet, _ = await kept_call(other)
    quiet.session.show_caption(heard(Sender.RESIDENT))
    await finish(quiet)
    assert keeper.kept == [] and other.kept == []
