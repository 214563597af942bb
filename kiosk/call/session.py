"""One resident's call, from "talk to an officer" to hang-up: queue, offer, chat, reconnects, timeouts.

Runs on one asyncio loop (kiosk.call.runner gives it a thread). It talks only to its ports: the signalling
line to the backend, a factory of peer connections and the translator; the screen gets a CallView after
every change. The kiosk always makes the offer; on a dead link (no data channel traffic for a few seconds,
or aiortc reports "failed") it makes a new peer connection and offers again, until a deadline.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, replace
from typing import Any

from domain.call import (
    Accepted,
    Answer,
    CallRequest,
    Candidate,
    Connected,
    EndReason,
    Error,
    Hangup,
    IceServer,
    Message,
    Offer,
    QueueStatus,
    Reconnecting,
    Rejoin,
)
from domain.chat import (
    Caption,
    CaptionsSwitch,
    ChatError,
    ChatMessage,
    IntakeSummary,
    MediaState,
    Ping,
    Sender,
    decode,
    encode,
)
from domain.statement import Stroke
from kiosk.call.chat import ChatLine, ChatTranslation, line_for, with_line
from kiosk.call.ports import (
    Captions,
    Peer,
    PeerFactory,
    PeerState,
    Signalling,
    SignallingClosed,
    SignallingFactory,
    StatementSealer,
    TranscriptKeeper,
)
from kiosk.call.records import CallRecords
from kiosk.call.view import KEPT_CAPTIONS, CallPhase, CallView

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CallTiming:
    no_answer_s: float = 120.0  # then the resident is offered a call-back or 0900-8844
    connect_s: float = 15.0  # from the officer's accept to an open data channel
    silence_s: float = 4.0  # no data channel traffic this long: the link is taken for dead
    attempt_s: float = 5.0  # one reconnect attempt's time before the next
    reconnect_s: float = 20.0  # give up and end the call after reconnecting this long
    ping_s: float = 1.0
    tick_s: float = 0.25
    # waits before each try to reach the call service again after its connection dropped: 10 s in all, inside
    # the backend's grace for a call whose kiosk is away (call_rejoin_grace_seconds, 12 s)
    rejoin_delays_s: tuple[float, ...] = (0.0, 0.25, 0.5, 1.0, 1.5, 2.0, 2.25, 2.5)


class CallSession:
    def __init__(
        self,
        request: CallRequest,
        intake: IntakeSummary,
        signalling: SignallingFactory,
        peers: PeerFactory,
        chat: ChatTranslation,
        on_view: Callable[[CallView], None],
        timing: CallTiming | None = None,
        kiosk_ice: tuple[IceServer, ...] = (),
        clock: Callable[[], float] = time.monotonic,
        captions: Captions | None = None,
        keep_transcript: TranscriptKeeper | None = None,
        seal_statement: StatementSealer | None = None,
    ) -> None:
        self._request = request
        self._intake = intake
        self._signalling_factory = signalling
        self._peers = peers
        self._chat = chat
        self._on_view = on_view
        self._timing = timing or CallTiming()
        self._kiosk_ice = kiosk_ice
        self._clock = clock
        self._captions = captions
        self.view = CallView(request.call_id, captions_available=captions is not None)
        self._records = CallRecords(lambda: self.view, self._update, self._send_data, keep_transcript, seal_statement,
                                    chat.translate, self._spawn)  # fmt: skip
        self._link: Signalling | None = None
        self._peer: Peer | None = None
        self._attempt = 0
        self._ice: tuple[IceServer, ...] = ()
        self._relay_only = False  # Accepted.relay_only: every attempt of this call gathers relayed candidates only
        self._ended = asyncio.Event()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._unsent: list[str] = []  # chat typed while the link was down
        self._connected_once = False
        now = clock()
        self._requested_at = self._attempt_at = self._reconnect_at = self._heard_at = self._pinged_at = now
        self._ping_seq = 0

    @property
    def call_id(self) -> str:
        return self._request.call_id

    # ----- what the screen asks ------------------------------------------------------------------------------
    async def run(self) -> CallView:
        """Ask for the call and live through it; returns the final view once the call ended."""
        try:
            self._link = await self._signalling_factory()
            await self._link.send(self._request)
        except SignallingClosed:
            self._finish(EndReason.UNREACHABLE)
            return self.view
        self._requested_at = self._clock()
        self._update(phase=CallPhase.WAITING)
        self._spawn(self._receive())
        self._spawn(self._tick())
        await self._ended.wait()
        await self._close()
        return self.view

    async def hang_up(self) -> None:
        waiting = self.view.phase in (CallPhase.REQUESTING, CallPhase.WAITING)
        await self._end_call(EndReason.KIOSK_CANCELLED if waiting else EndReason.KIOSK_HANGUP)

    async def leave_for_alternative(self) -> None:
        """Nobody answered in time and the resident chose a call-back or 0900-8844."""
        await self._end_call(EndReason.NO_ANSWER)

    async def say(self, text: str) -> None:
        """The resident's chat line: shown at once, translated into Dutch, then sent."""
        text = text.strip()
        if not text or self.view.phase is CallPhase.ENDED:
            return
        message_id = uuid.uuid4().hex
        self._put_line(ChatLine(message_id, Sender.RESIDENT, text, text, pending=True))
        message = await self._chat.from_resident(message_id, text)
        self._put_line(line_for(message))
        self._send_data(encode(message), keep=True)

    def set_captions(self, on: bool) -> None:
        """The resident switched captions on or off; the officer's console follows."""
        if not self.view.captions_available or self.view.phase is CallPhase.ENDED:
            return
        self._update(captions_on=on, captions_switched_by=Sender.RESIDENT)
        self._send_data(encode(CaptionsSwitch(on=on, by=Sender.RESIDENT.value)))

    def show_caption(self, caption: Caption) -> None:
        """A turn was heard and translated (on the call loop): on the kiosk's screen and to the officer."""
        if not self.view.listening:
            return  # switched off, reconnecting or ended while the turn was being transcribed
        self._records.heard(caption)
        self._update(captions=(*self.view.captions, caption)[-KEPT_CAPTIONS:])
        self._send_data(encode(caption))

    async def sign_statement(self, strokes: tuple[Stroke, ...] | None) -> bool:
        """The resident signed the statement (strokes) or refused it (None): see CallRecords.sign_statement."""
        return await self._records.sign_statement(strokes)

    def set_muted(self, muted: bool) -> None:
        self._update(muted=muted)
        if self._peer is not None:
            self._peer.set_audio_muted(muted)
            self._send_data(encode(MediaState(audio_muted=muted)))

    # ----- signalling ----------------------------------------------------------------------------------------
    async def _receive(self) -> None:
        while not self._ended.is_set():
            assert self._link is not None
            try:
                message = await self._link.receive()
            except SignallingClosed:
                if not await self._rejoin():
                    self._finish(EndReason.KIOSK_LOST)
                    return
                continue
            if getattr(message, "call_id", self.call_id) == self.call_id:
                await self._handle(message)

    async def _rejoin(self) -> bool:
        """The call service's connection dropped (a backend worker restarted, the network blinked): open a new one
        and say Rejoin, within the backend's grace. The queue place, or the call with its media and chat, goes on
        meanwhile; a call that has gone answers with its Hangup."""
        for delay in self._timing.rejoin_delays_s:
            await asyncio.sleep(delay)
            if self._ended.is_set():
                return True
            try:
                link = await self._signalling_factory()
            except SignallingClosed:
                continue
            try:
                await link.send(Rejoin(self.call_id))
            except SignallingClosed:
                await link.close()
                continue
            old, self._link = self._link, link
            if old is not None:
                await old.close()
            log.info("call service connection back: rejoined the call")
            return True
        return False

    async def _handle(self, message: Message) -> None:
        if isinstance(message, QueueStatus) and self.view.phase is CallPhase.WAITING:
            self._update(position=message.position, expected_wait_s=message.expected_wait_s,
                         officers_online=message.officers_online)  # fmt: skip
        elif isinstance(message, Accepted) and self.view.phase is CallPhase.WAITING:
            self._ice, self._relay_only = (*message.ice_servers, *self._kiosk_ice), message.relay_only
            self._update(phase=CallPhase.CONNECTING, no_answer=False)
            await self._new_attempt()
        elif isinstance(message, Answer) and message.attempt == self._attempt and self._peer:
            await self._peer.accept_answer(message.sdp)
        elif isinstance(message, Candidate) and message.attempt == self._attempt and self._peer:
            await self._peer.add_candidate(message)
        elif isinstance(message, Reconnecting) and self.view.phase is CallPhase.CONNECTED:
            await self._reconnect()
        elif isinstance(message, Hangup):
            reason = message.reason if message.reason in EndReason.__members__.values() else "officer_hangup"
            self._finish(EndReason(reason))
        elif isinstance(message, Error):
            log.warning("call service refused a message: %s", message.code)

    async def _send(self, message: Message) -> None:
        if self._link is not None:
            with contextlib.suppress(SignallingClosed):
                await self._link.send(message)

    # ----- peer connections ----------------------------------------------------------------------------------
    async def _new_attempt(self) -> None:
        old, attempt = self._peer, self._attempt
        if old is not None:
            await old.close()
        self._attempt_at = self._clock()
        self._peer = self._peers(lambda state: self._peer_state(attempt, state), self._peer_message)
        self._peer.set_audio_muted(self.view.muted)
        sdp = await self._peer.offer(self._ice, self._relay_only)
        if attempt == self._attempt and not self._ended.is_set():
            await self._send(Offer(self.call_id, sdp, attempt))

    async def _reconnect(self) -> None:
        if self.view.phase not in (CallPhase.CONNECTED, CallPhase.RECONNECTING) or self._ended.is_set():
            return
        if self.view.phase is CallPhase.CONNECTED:
            self._reconnect_at = self._clock()
            self._update(phase=CallPhase.RECONNECTING)
        self._attempt += 1
        log.info("call link lost: reconnect attempt %d", self._attempt)
        await self._send(Reconnecting(self.call_id, self._attempt))
        await self._new_attempt()

    def _peer_state(self, attempt: int, state: PeerState) -> None:
        if attempt != self._attempt or self._ended.is_set():
            return  # a replaced connection reporting late
        if state is PeerState.OPEN:
            self._opened()
        elif state is PeerState.FAILED:
            if self.view.phase is CallPhase.CONNECTING and not self._connected_once:
                self._spawn(self._end_call(EndReason.MEDIA_FAILED))
            elif self.view.phase is CallPhase.CONNECTED:
                self._spawn(self._reconnect())

    def _opened(self) -> None:
        self._heard_at = self._clock()
        self._update(phase=CallPhase.CONNECTED)
        if not self._connected_once:
            self._connected_once = True
            self._spawn(self._send(Connected(self.call_id)))
        if self.view.captions_available:  # tells the console that this kiosk captions, and whether it is on
            self._send_data(encode(CaptionsSwitch(on=self.view.captions_on, by=Sender.RESIDENT.value)))
        self._send_data(encode(self._intake))  # after the captions' state: the console knows both once it has this
        if self.view.muted:
            self._send_data(encode(MediaState(audio_muted=True)))
        unsent, self._unsent = self._unsent, []
        for text in unsent:
            self._send_data(text, keep=True)

    def _peer_message(self, text: str) -> None:
        self._heard_at = self._clock()
        try:
            message = decode(text)
        except ChatError:
            log.warning("ignored a data channel message")
            return
        if isinstance(message, ChatMessage) and message.sender == Sender.OFFICER and message.translated is None:
            self._put_line(line_for(message, pending=True))
            self._spawn(self._translate_for_resident(message))
        elif isinstance(message, MediaState):
            self._update(officer_muted=message.audio_muted)
        elif isinstance(message, CaptionsSwitch) and message.by == Sender.OFFICER and self.view.captions_available:
            self._update(captions_on=message.on, captions_switched_by=Sender.OFFICER)
        else:
            self._records.received(message)  # the statement, the transcript, the document photo

    async def _translate_for_resident(self, message: ChatMessage) -> None:
        translated = await self._chat.for_resident(message)
        self._put_line(line_for(translated))
        self._send_data(encode(translated), keep=True)  # the officer sees what the resident was shown

    def _send_data(self, text: str, keep: bool = False) -> None:
        """Over the data channel; `keep` holds a chat line back until the channel is open again."""
        if (self._peer is None or not self._peer.send(text)) and keep:
            self._unsent.append(text)

    # ----- time ----------------------------------------------------------------------------------------------
    async def _tick(self) -> None:
        timing = self._timing
        while not self._ended.is_set():
            now, phase = self._clock(), self.view.phase
            waited = now - self._requested_at
            if phase is CallPhase.WAITING and not self.view.no_answer and waited >= timing.no_answer_s:
                self._update(no_answer=True)
            elif phase is CallPhase.CONNECTING and now - self._attempt_at >= timing.connect_s:
                await self._end_call(EndReason.MEDIA_FAILED)
            elif phase is CallPhase.CONNECTED:
                if now - self._pinged_at >= timing.ping_s:
                    self._pinged_at, self._ping_seq = now, self._ping_seq + 1
                    self._send_data(encode(Ping(self._ping_seq)))
                if now - self._heard_at >= timing.silence_s:
                    await self._reconnect()
            elif phase is CallPhase.RECONNECTING:
                if now - self._reconnect_at >= timing.reconnect_s:
                    await self._end_call(EndReason.NETWORK_LOST)
                elif now - self._attempt_at >= timing.attempt_s:
                    await self._reconnect()
            await asyncio.sleep(timing.tick_s)

    # ----- the end -------------------------------------------------------------------------------------------
    async def _end_call(self, reason: EndReason) -> None:
        if self._ended.is_set():
            return
        await self._send(Hangup(self.call_id, reason.value))
        self._finish(reason)

    def _finish(self, reason: EndReason) -> None:
        if self._ended.is_set():
            return
        self._update(phase=CallPhase.ENDED, end_reason=reason)
        self._ended.set()

    async def _close(self) -> None:
        current = asyncio.current_task()
        for task in list(self._tasks):
            if task is not current:
                task.cancel()
        if self._captions is not None:
            await self._captions.close()
        await self._records.seal_transcript()
        if self._peer is not None:
            await self._peer.close()
        if self._link is not None:
            await self._link.close()

    # ----- view ----------------------------------------------------------------------------------------------
    def _update(self, **changes: Any) -> None:
        self.view = replace(self.view, **changes)
        if self._captions is not None:
            self._captions.set_on(self.view.listening)
        try:
            self._on_view(self.view)
        except Exception:  # a broken screen must not break the call
            log.exception("call view listener failed")

    def _put_line(self, line: ChatLine) -> None:
        self._update(chat=with_line(self.view.chat, line))

    def _spawn(self, work: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("call task failed: %s", type(task.exception()).__name__, exc_info=task.exception())
            self._finish(EndReason.MEDIA_FAILED)
