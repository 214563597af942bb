"""The officers and the calls of the simulated load.

Every officer (Officer) is an httpx.AsyncClient signed in through /api/auth/login, with its console's call socket
(websockets; cookie, Origin, Hello with the CSRF token) open all along (Console). A call (one_call): the kiosk opens
the call WebSocket with the kiosk's own WebsocketSignalling and asks; a free officer's console accepts when it rings;
offer, answer, connected, hold, hangup.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Origin

from backend.http.auth import SESSION_COOKIE
from bench.load_requests import Kiosk, Recorder
from domain.call import (
    CONSOLE_CALL_PATH,
    Accept,
    Accepted,
    Answer,
    CallRequest,
    Connected,
    Error,
    Hangup,
    Hello,
    Message,
    Offer,
    QueueStatus,
    Refused,
    Ringing,
    decode,
)
from kiosk.call.websocket_signalling import WebsocketSignalling

M = TypeVar("M", bound=Message)

PASSWORD = "bench-wachtwoord-2026"  # every officer's (bench/scale.py creates the accounts with it)
TIMEOUT_S = 15.0  # a call step that takes longer is an error


class Console:
    """An officer's call socket; messages are matched against what a call step waits for."""

    def __init__(self, socket: ClientConnection, recorder: Recorder) -> None:
        self.socket = socket
        self.recorder = recorder
        self.waiters: list[tuple[Callable[[Message], bool], asyncio.Future[tuple[Message, float]]]] = []
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        with contextlib.suppress(ConnectionClosed):
            async for text in self.socket:
                message, at = decode(str(text)), time.perf_counter()
                if isinstance(message, Error):
                    self.recorder.error("console socket", f"{message.code}: {message.detail}")
                for waiter in list(self.waiters):
                    wanted, future = waiter
                    if wanted(message) and not future.done():
                        future.set_result((message, at))
                        self.waiters.remove(waiter)

    def expect(self, wanted: Callable[[Message], bool]) -> asyncio.Future[tuple[Message, float]]:
        future: asyncio.Future[tuple[Message, float]] = asyncio.get_running_loop().create_future()
        self.waiters.append((wanted, future))
        return future

    async def send(self, message: Message) -> None:
        await self.socket.send(message.to_json())


@dataclass
class Officer:
    name: str
    url: str
    client: httpx.AsyncClient
    console: Console | None = None
    busy: bool = False
    case_ids: list[str] = field(default_factory=list)
    pages: int = 0

    async def sign_in(self, recorder: Recorder) -> None:
        answer = await self.client.post("/api/auth/login", json={"name": self.name, "password": PASSWORD})
        if answer.status_code != 200:
            raise RuntimeError(f"login of {self.name}: HTTP {answer.status_code} {answer.text[:200]}")
        cookie = self.client.cookies[SESSION_COOKIE]
        socket = await connect(self.url.replace("http://", "ws://") + CONSOLE_CALL_PATH, origin=Origin(self.url),
                               additional_headers={"Cookie": f"{SESSION_COOKIE}={cookie}"})  # fmt: skip
        await socket.send(Hello(answer.json()["csrf_token"]).to_json())
        self.console = Console(socket, recorder)


async def kiosk_receives(signalling: WebsocketSignalling, kind: type[M]) -> M:
    while True:
        message = await asyncio.wait_for(signalling.receive(), TIMEOUT_S)
        if isinstance(message, kind):
            return message
        if not isinstance(message, QueueStatus):
            raise RuntimeError(f"the kiosk expected {kind.__name__}, got {message.type}")


async def one_call(kiosk: Kiosk, officer: Officer, recorder: Recorder, hold: float) -> None:
    """Request, ring, accept, offer/answer, connected, hangup; errors are counted under the step that failed."""
    assert officer.console is not None
    desk, call_id, step = officer.console, str(uuid.uuid4()), "call ring"
    kiosk.in_call = officer.busy = True
    try:
        signalling = await WebsocketSignalling.open(kiosk.url, kiosk.token, timeout=TIMEOUT_S)
        try:
            rings = desk.expect(lambda m: isinstance(m, Ringing) and any(c.call_id == call_id for c in m.calls))
            asked = time.perf_counter()
            await signalling.send(CallRequest(call_id, str(uuid.uuid4()), "ar", "bike_theft"))
            _, rung = await asyncio.wait_for(rings, TIMEOUT_S)
            recorder.ok("call ring", asked, rung)
            step = "call accept"
            taken = desk.expect(lambda m: isinstance(m, Accepted | Refused) and m.call_id == call_id)
            accepting = time.perf_counter()
            await desk.send(Accept(call_id))
            await kiosk_receives(signalling, Accepted)
            recorder.ok("call accept", accepting, time.perf_counter())
            answer, _ = await asyncio.wait_for(taken, TIMEOUT_S)
            if isinstance(answer, Refused):
                raise RuntimeError(f"the officer's accept was refused: {answer.reason}")
            step = "call relay"
            offered = desk.expect(lambda m: isinstance(m, Offer) and m.call_id == call_id)
            await signalling.send(Offer(call_id, "v=0 bench offer"))
            await asyncio.wait_for(offered, TIMEOUT_S)
            await desk.send(Answer(call_id, "v=0 bench answer"))
            await kiosk_receives(signalling, Answer)
            await signalling.send(Connected(call_id))
            await asyncio.sleep(hold)
            await desk.send(Hangup(call_id, "officer_hangup"))
            await kiosk_receives(signalling, Hangup)
        finally:
            await signalling.close()
    except Exception as failure:  # any failure of a call is an error of the bench's run, never a crash of it
        recorder.error(step, f"{type(failure).__name__} {failure}")
    finally:
        kiosk.in_call = officer.busy = False
