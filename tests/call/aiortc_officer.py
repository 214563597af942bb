"""An officer's console played by aiortc, for tests that need a real far end but no browser (the Kivy test):
signs in to the real backend, accepts the first call that rings, answers every offer with a two-colour
picture (red left, blue right), sends chat lines and records what arrives."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import threading
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from aiortc import RTCConfiguration, RTCDataChannel, RTCPeerConnection, RTCSessionDescription, VideoStreamTrack
from aiortc.contrib.media import MediaPlayer
from av import VideoFrame
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Origin

from backend.http.auth import SESSION_COOKIE
from domain.call import CONSOLE_CALL_PATH, Accept, Answer, Hangup, Hello, Offer, Ringing, decode
from domain.chat import CaptionsSwitch, ChatMessage, DataMessage, KeepTranscript, Ping
from domain.chat import decode as decode_data
from domain.chat import encode as encode_data


class TwoColourVideo(VideoStreamTrack):
    def __init__(self) -> None:
        super().__init__()
        picture = np.zeros((480, 640, 3), np.uint8)
        picture[:, :320] = (220, 20, 20)
        picture[:, 320:] = (20, 20, 220)
        self._picture = picture

    async def recv(self) -> VideoFrame:
        pts, time_base = await self.next_timestamp()
        frame = VideoFrame.from_ndarray(self._picture, format="rgb24")
        frame.pts, frame.time_base = pts, time_base
        return frame


class AiortcOfficer:
    def __init__(self, backend_url: str, name: str, password: str, voice: Path | None = None) -> None:
        self._url, self._name, self._password = backend_url, name, password
        self._voice = voice  # a WAV file played in a loop as the officer's microphone
        self.loop = asyncio.new_event_loop()
        self.received: list[DataMessage] = []
        self.ended: str | None = None
        self.online = threading.Event()  # signed in and listening for calls
        self.accepted = threading.Event()
        self._pc: RTCPeerConnection | None = None
        self._channel: RTCDataChannel | None = None
        self._socket: ClientConnection | None = None
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True, name="officer")
        self._thread.start()
        self._main: concurrent.futures.Future[None] = asyncio.run_coroutine_threadsafe(self._run(), self.loop)

    # ----- from the test's thread --------------------------------------------------------------------------
    def say(self, text: str) -> None:
        message = ChatMessage(f"officer{len(self.received)}", "officer", text, "nl")
        self.loop.call_soon_threadsafe(lambda: self._channel.send(encode_data(message)) if self._channel else None)

    def keep_transcript(self, keep: bool = True) -> None:
        message = encode_data(KeepTranscript(keep=keep, kept_by="agent.de.vries"))
        self.loop.call_soon_threadsafe(lambda: self._channel.send(message) if self._channel else None)

    def switch_captions(self, on: bool) -> None:
        message = encode_data(CaptionsSwitch(on=on, by="officer"))
        self.loop.call_soon_threadsafe(lambda: self._channel.send(message) if self._channel else None)

    def chat(self) -> list[ChatMessage]:
        return [m for m in list(self.received) if isinstance(m, ChatMessage)]

    def close(self) -> None:
        async def stop() -> None:
            if self._pc is not None:
                await self._pc.close()
            if self._socket is not None:
                await self._socket.close()

        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(stop(), self.loop).result(timeout=10)
        self._main.cancel()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)

    # ----- on its loop -------------------------------------------------------------------------------------
    async def _run(self) -> None:
        async with httpx.AsyncClient(base_url=self._url) as client:
            answer = await client.post("/api/auth/login", json={"name": self._name, "password": self._password})
            answer.raise_for_status()
            cookie, csrf = client.cookies[SESSION_COOKIE], answer.json()["csrf_token"]
        ws_url = self._url.replace("http://", "ws://") + CONSOLE_CALL_PATH
        headers = {"Cookie": f"{SESSION_COOKIE}={cookie}"}
        async with connect(ws_url, origin=Origin(self._url), additional_headers=headers) as socket:
            self._socket = socket
            await socket.send(Hello(csrf).to_json())
            async for text in socket:
                await self._handle(socket, decode(text))

    async def _handle(self, socket: ClientConnection, message: Any) -> None:
        if isinstance(message, Ringing):
            self.online.set()
        if isinstance(message, Ringing) and message.calls and not self.accepted.is_set():
            self.accepted.set()
            await socket.send(Accept(message.calls[0].call_id).to_json())
        elif isinstance(message, Offer):
            await socket.send(await self._answer(message))
        elif isinstance(message, Hangup):
            self.ended = message.reason

    async def _answer(self, offer: Offer) -> str:
        if self._pc is not None:
            await self._pc.close()
        pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self._pc = pc

        @pc.on("datachannel")
        def on_channel(channel: RTCDataChannel) -> None:
            self._channel = channel

            @channel.on("message")
            def on_message(text: str) -> None:
                message = decode_data(text)
                if not isinstance(message, Ping):
                    self.received.append(message)
                channel.send(encode_data(Ping(0)))  # the kiosk takes silence for a dead link

        pc.addTrack(TwoColourVideo())
        if self._voice is not None:
            player = MediaPlayer(str(self._voice), loop=True)
            if player.audio is not None:
                pc.addTrack(player.audio)
        await pc.setRemoteDescription(RTCSessionDescription(offer.sdp, "offer"))
        await pc.setLocalDescription(await pc.createAnswer())
        return Answer(offer.call_id, pc.localDescription.sdp, offer.attempt).to_json()
