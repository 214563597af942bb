"""AiortcCall: one WebRTC peer connection with aiortc: the kiosk's camera and microphone out, the officer's
video into a LatestFrame, their voice to the speaker, and the "chat" data channel.

aiortc gathers all candidates before the offer is ready (no trickle from this side) and has no ICE restart:
a reconnect is a new AiortcCall with a new offer (see kiosk.call.session).

Relay-only calls (Accepted.relay_only, the backend's call_relay_only): aiortc 1.16 passes RTCConfiguration's
iceTransportPolicy through RTCIceGatherer to aioice's Connection(transport_policy=RELAY), which gathers no host or
server-reflexive candidate, hides the relayed candidate's related address (raddr 0.0.0.0) and ignores mDNS names
from the other side; so no adapter is needed, only the policy. aiortc uses the first TURN URL it is given.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

import aioice.ice
from aiortc import (
    RTCConfiguration,
    RTCDataChannel,
    RTCIceServer,
    RTCIceTransportPolicy,
    RTCPeerConnection,
    RTCSessionDescription,
)
from aiortc.contrib.media import MediaBlackhole, MediaRecorder, MediaRelay
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from aiortc.sdp import candidate_from_sdp
from av import VideoFrame

from domain.call import Candidate, IceServer
from domain.chat import CHANNEL_LABEL
from kiosk.call.frames import LatestFrame
from kiosk.call.media import LocalMedia
from kiosk.call.ports import PeerState

log = logging.getLogger(__name__)

SpeakerFactory = Callable[[], MediaRecorder | MediaBlackhole]


def pin_host_addresses(addresses: Sequence[str]) -> None:
    """Offer ICE host candidates on exactly these addresses.

    aioice offers every interface address except 127.0.0.1. A kiosk may pin calls to one interface; the
    end-to-end test pins 127.0.0.1 inside a network namespace that has nothing but loopback.
    """
    if not addresses:
        return
    pinned = tuple(addresses)

    def host_addresses(use_ipv4: bool, use_ipv6: bool) -> list[str]:
        return [a for a in pinned if (use_ipv6 if ":" in a else use_ipv4)]

    aioice.ice.get_host_addresses = host_addresses


def rtc_ice_servers(servers: Sequence[IceServer]) -> list[RTCIceServer]:
    return [RTCIceServer(urls=list(s.urls), username=s.username, credential=s.credential) for s in servers]


def rtc_configuration(servers: Sequence[IceServer], relay_only: bool) -> RTCConfiguration:
    # Always an explicit list: with none given, aiortc would ask Google's STUN server.
    policy = RTCIceTransportPolicy.RELAY if relay_only else RTCIceTransportPolicy.ALL
    return RTCConfiguration(iceServers=rtc_ice_servers(servers), iceTransportPolicy=policy)


def selected_paths(pc: RTCPeerConnection) -> list[str]:
    """The candidate pairs ICE chose, e.g. "relay 127.0.0.1:49170 -> relay 127.0.0.1:49181", for the log.

    aiortc's getStats has no candidate pairs and aioice no public accessor for the nominated pair, so this reads
    aioice's Connection._nominated through aiortc's transports; it only describes, and says nothing if they change.
    """
    transports = [t.sender.transport for t in pc.getTransceivers() if t.sender.transport is not None]
    if pc.sctp is not None:
        transports.append(pc.sctp.transport)
    paths: list[str] = []
    for dtls in transports:
        connection = getattr(dtls.transport, "_connection", None)
        for pair in dict(getattr(connection, "_nominated", None) or {}).values():
            local, remote = pair.local_candidate, pair.remote_candidate
            path = f"{local.type} {local.host}:{local.port} -> {remote.type} {remote.host}:{remote.port}"
            if path not in paths:
                paths.append(path)
    return paths


class AiortcCall:
    def __init__(
        self,
        media: LocalMedia,
        frames: LatestFrame,
        speaker: SpeakerFactory,
        on_state: Callable[[PeerState], None],
        on_message: Callable[[str], None],
        on_officer_audio: Callable[[MediaStreamTrack], None] | None = None,
    ) -> None:
        self._media = media
        self._on_officer_audio = on_officer_audio
        self._frames = frames
        self._speaker = speaker()
        self._on_state = on_state
        self._on_message = on_message
        self._pc: RTCPeerConnection | None = None
        self._channel: RTCDataChannel | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._connected = False
        self._closed = False

    async def offer(self, ice_servers: Sequence[IceServer], relay_only: bool = False) -> str:
        pc = RTCPeerConnection(rtc_configuration(ice_servers, relay_only))
        self._pc = pc
        pc.on("connectionstatechange", self._connection_changed)
        pc.on("track", self._track_arrived)
        channel = pc.createDataChannel(CHANNEL_LABEL, ordered=True)
        channel.on("open", self._channel_opened)
        channel.on("close", lambda: self._report(PeerState.FAILED))
        channel.on("message", self._message_arrived)
        self._channel = channel
        video, audio = self._media.tracks_for_peer()
        pc.addTrack(video)
        pc.addTrack(audio)
        await pc.setLocalDescription(await pc.createOffer())
        sdp = pc.localDescription.sdp
        addresses = sorted({line.split()[4] for line in sdp.splitlines() if line.startswith("a=candidate:")})
        log.info("offer ready with candidates on %s", ", ".join(addresses) or "no address")
        kinds = sorted({line.split()[7] for line in sdp.splitlines() if line.startswith("a=candidate:")})
        log.info("offer's candidate types: %s%s", ", ".join(kinds) or "none", " (relay only)" if relay_only else "")
        return sdp

    async def accept_answer(self, sdp: str) -> None:
        if self._pc is not None and not self._closed:
            await self._pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type="answer"))

    async def add_candidate(self, candidate: Candidate) -> None:
        if self._pc is None or self._closed or not candidate.candidate:
            return  # aiortc already knows the end of candidates from the answer
        ice = candidate_from_sdp(candidate.candidate.removeprefix("candidate:"))
        ice.sdpMid, ice.sdpMLineIndex = candidate.sdp_mid, candidate.sdp_mline_index
        try:
            await self._pc.addIceCandidate(ice)
        except ValueError as error:  # e.g. an mDNS name aioice cannot resolve
            log.info("ignored an ICE candidate: %s", error)

    def send(self, text: str) -> bool:
        channel = self._channel
        if channel is None or channel.readyState != "open":
            return False
        channel.send(text)
        return True

    def set_audio_muted(self, muted: bool) -> None:
        self._media.audio.muted = muted

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        for task in list(self._tasks):
            task.cancel()
        with contextlib.suppress(Exception):
            await self._speaker.stop()
        if self._pc is not None:
            with contextlib.suppress(Exception):
                await self._pc.close()
        self._report(PeerState.CLOSED)

    # ----- aiortc callbacks (on the call's event loop) --------------------------------------------------------
    def _report(self, state: PeerState) -> None:
        if self._closed and state is not PeerState.CLOSED:
            return
        self._on_state(state)

    def _connection_changed(self) -> None:
        state = self._pc.connectionState if self._pc else "closed"
        log.info("peer connection %s", state)
        if state == "connected" and self._pc is not None:
            log.info("media path: %s", "; ".join(selected_paths(self._pc)) or "unknown")
        if state == "failed":
            self._report(PeerState.FAILED)
        elif state == "connecting":
            self._report(PeerState.CONNECTING)

    def _channel_opened(self) -> None:
        self._report(PeerState.OPEN)

    def _message_arrived(self, message: str | bytes) -> None:
        if isinstance(message, str):
            self._on_message(message)

    def _track_arrived(self, track: MediaStreamTrack) -> None:
        if track.kind == "video":
            self._spawn(self._show_video(track))
        elif track.kind == "audio":
            if self._on_officer_audio is not None:  # the speaker and the captions each get their own copy
                relay = MediaRelay()
                self._on_officer_audio(relay.subscribe(track, buffered=False))
                track = relay.subscribe(track, buffered=False)
            self._speaker.addTrack(track)
            self._spawn(self._speaker.start())

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _show_video(self, track: MediaStreamTrack) -> None:
        with contextlib.suppress(MediaStreamError):
            while True:
                frame = await track.recv()
                if isinstance(frame, VideoFrame):
                    self._frames.put(frame.width, frame.height, frame.to_ndarray(format="rgb24").tobytes())
