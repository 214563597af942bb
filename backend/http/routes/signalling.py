"""WebSocket routes for video calls: kiosks ask for a call, officers' consoles ring and answer, SDP is relayed.

Kiosks authenticate with their bearer token. Officers with the session cookie, an Origin of this site and,
as the first message, the session's CSRF token (a page on another site can open a WebSocket with the
officer's cookie, but cannot read the token). The socket closes when the session ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hmac
import logging
import time

from fastapi import APIRouter, FastAPI, WebSocket, WebSocketDisconnect
from starlette.concurrency import run_in_threadpool
from starlette.websockets import WebSocketState

from backend.http.auth import SESSION_COOKIE
from backend.http.call_events import CallEventWriter
from backend.http.state import running
from backend.services.accounts import SessionUser
from backend.services.call_queue import CallQueue, OfficerLine
from backend.services.ice import IceConfig
from backend.services.kiosks import KioskIdentity
from backend.services.schemas import Role
from backend.wiring import Services
from domain.call import (
    CONSOLE_CALL_PATH,
    KIOSK_CALL_PATH,
    OFFICER_SENDS,
    RELAYED,
    Accept,
    CallRequest,
    Connected,
    Error,
    Hangup,
    Hello,
    Message,
    ProtocolError,
    decode,
)
from domain.languages import is_supported

log = logging.getLogger("politieloket.calls")

HELLO_TIMEOUT_S = 10.0
SESSION_CHECK_S = 30.0  # how often an open console socket looks whether its session still stands
CLOSE_UNAUTHORISED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_PROTOCOL = 4400

router = APIRouter(tags=["calls"])


class SocketPeer:
    """An accepted WebSocket with its own writer task, so the queue can send without awaiting."""

    def __init__(self, websocket: WebSocket) -> None:
        self._socket = websocket
        self._outgoing: asyncio.Queue[Message | None] = asyncio.Queue()
        self._writer = asyncio.create_task(self._write())

    def send(self, message: Message) -> None:
        self._outgoing.put_nowait(message)

    async def _write(self) -> None:
        while (message := await self._outgoing.get()) is not None:
            try:
                await self._socket.send_text(message.to_json())
            except (WebSocketDisconnect, RuntimeError, OSError):
                return  # the reader notices the closed socket and cleans up

    async def close(self, code: int = 1000) -> None:
        self._outgoing.put_nowait(None)
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await asyncio.wait_for(self._writer, timeout=2)
        if self._socket.client_state is not WebSocketState.CONNECTED:
            return  # the other side left first: there is nothing to close (and saying so is no error)
        with contextlib.suppress(WebSocketDisconnect, RuntimeError, OSError):
            await self._socket.close(code)


def _running(websocket: WebSocket) -> tuple[Services, CallQueue]:
    state = running(websocket.app)
    assert state.calls is not None, "install_calls registers the call WebSockets only with their queue"
    return state.services, state.calls


def install_calls(app: FastAPI, services: Services) -> CallQueue:
    """Create the call queue for this app and register the call WebSockets."""
    ice = IceConfig.from_settings(services.settings, now=time.time)
    writer = CallEventWriter(services)
    queue = CallQueue(
        record=writer.record,
        ice_servers=ice.servers_for,
        clock=time.monotonic,
        wall_clock=services.clock,
    )
    state = running(app)
    state.calls, state.call_events = queue, writer
    app.include_router(router)
    return queue


async def close_calls(app: FastAPI) -> None:
    """At shutdown: end every call (both sides are told why) and store the last usage events."""
    state = running(app)
    if state.calls is not None:
        state.calls.shutdown()
    if state.call_events is not None:
        await state.call_events.drain()


# ----- kiosk --------------------------------------------------------------------------------------------------
@router.websocket(KIOSK_CALL_PATH)
async def kiosk_socket(websocket: WebSocket) -> None:
    services, queue = _running(websocket)
    token = _bearer(websocket.headers.get("authorization", ""))
    identity = await run_in_threadpool(services.kiosks.authenticate, token) if token else None
    await websocket.accept()  # then close with a code: a refused handshake would only say "403" (or 1006)
    if identity is None:
        await websocket.close(CLOSE_UNAUTHORISED)
        return
    peer = SocketPeer(websocket)
    try:
        async for text in websocket.iter_text():
            message = _decoded(text, peer)
            if message is not None:
                _from_kiosk(queue, services, identity, peer, message)
    except WebSocketDisconnect:
        pass
    finally:
        queue.kiosk_left(peer)
        await peer.close()


def _from_kiosk(queue: CallQueue, services: Services, kiosk: KioskIdentity, peer: SocketPeer, message: Message) -> None:
    if isinstance(message, CallRequest):
        if not is_supported(message.language) or (message.service and message.service not in services.catalog):
            peer.send(Error("bad_request", "unknown language or service"))
            return
        queue.request(kiosk, peer, message)
    elif isinstance(message, Connected):
        queue.connected(peer, message.call_id)
    elif isinstance(message, Hangup):
        queue.hangup(peer, message.call_id, message.reason)
    elif message.type in RELAYED and message.type != "answer":
        queue.relay(peer, message)
    else:
        peer.send(Error("not_allowed", f"a kiosk does not send {message.type}"))


# ----- officer ------------------------------------------------------------------------------------------------
@router.websocket(CONSOLE_CALL_PATH)
async def console_socket(websocket: WebSocket) -> None:
    services, queue = _running(websocket)
    await websocket.accept()
    if not _same_origin(websocket):
        await websocket.close(CLOSE_FORBIDDEN)
        return
    token = websocket.cookies.get(SESSION_COOKIE, "")
    user = await run_in_threadpool(services.accounts.session_user, token, services.clock()) if token else None
    if user is None or user.role is not Role.OFFICER or user.enrol_only:
        await websocket.close(CLOSE_UNAUTHORISED if user is None else CLOSE_FORBIDDEN)
        return
    if not await _said_hello(websocket, user):
        await websocket.close(CLOSE_FORBIDDEN)
        return
    peer = SocketPeer(websocket)
    line = OfficerLine(user.id, peer)
    queue.officer_joined(line)
    watch = asyncio.create_task(_watch_session(websocket, services, token))
    try:
        async for text in websocket.iter_text():
            message = _decoded(text, peer)
            if message is not None:
                _from_officer(queue, line, message)
    except WebSocketDisconnect:
        pass
    finally:
        watch.cancel()
        queue.officer_left(line)
        await peer.close()


def _from_officer(queue: CallQueue, line: OfficerLine, message: Message) -> None:
    if isinstance(message, Accept):
        queue.accept(line, message.call_id)
    elif isinstance(message, Hangup):
        queue.hangup(line.peer, message.call_id, message.reason)
    elif message.type in RELAYED and message.type != "offer":
        queue.relay(line.peer, message)
    elif message.type not in OFFICER_SENDS or message.type == "hello":
        line.peer.send(Error("not_allowed", f"a console does not send {message.type} now"))


async def _said_hello(websocket: WebSocket, user: SessionUser) -> bool:
    try:
        text = await asyncio.wait_for(websocket.receive_text(), HELLO_TIMEOUT_S)
        message = decode(text)
    except (TimeoutError, ProtocolError, WebSocketDisconnect, KeyError):
        return False
    return isinstance(message, Hello) and hmac.compare_digest(message.csrf.encode(), user.csrf_token.encode())


async def _watch_session(websocket: WebSocket, services: Services, token: str) -> None:
    """Close the socket once the session has ended (logout, idle timeout, account disabled)."""
    while True:
        await asyncio.sleep(SESSION_CHECK_S)
        # an open call is not activity by itself: the idle timeout still ends an unattended console
        user = await run_in_threadpool(
            functools.partial(services.accounts.session_user, token, services.clock(), activity=False)
        )
        if user is None:
            with contextlib.suppress(RuntimeError, OSError):
                await websocket.close(CLOSE_UNAUTHORISED)
            return


# ----- both ---------------------------------------------------------------------------------------------------
def _decoded(text: str, peer: SocketPeer) -> Message | None:
    try:
        return decode(text)
    except ProtocolError as error:
        peer.send(Error("bad_message", str(error)))
        return None


def _bearer(header: str) -> str:
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _same_origin(websocket: WebSocket) -> bool:
    origin = websocket.headers.get("origin")
    host = websocket.headers.get("host")
    if not origin or not host:
        return False
    return origin.split("://", 1)[-1].rstrip("/") == host
