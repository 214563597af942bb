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
from backend.services.call_queue import CallQueue, OfficerLine, PeerId
from backend.services.calls import Calls, LocalCalls, Operation, QueueParts
from backend.services.ice import IceConfig
from backend.services.kiosks import KioskIdentity
from backend.services.schemas import Role
from backend.services.shared_calls import SharedCalls
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
    Rejoin,
    decode,
)
from domain.languages import is_supported

log = logging.getLogger("politieloket.calls")

HELLO_TIMEOUT_S = 10.0
SESSION_CHECK_S = 30.0  # how often an open console socket looks whether its session still stands
CLOSE_UNAUTHORISED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_PROTOCOL = 4400
CLOSE_RESTART = 1012  # this worker stops or lost the bus: reconnect (to another worker) and rejoin

router = APIRouter(tags=["calls"])


class SocketPeer:
    """An accepted WebSocket with its own writer task, so the queue can send without awaiting."""

    def __init__(self, websocket: WebSocket) -> None:
        self._socket = websocket
        self._outgoing: asyncio.Queue[Message | None] = asyncio.Queue()
        self._writer = asyncio.create_task(self._write())

    def send(self, message: Message) -> None:
        self._outgoing.put_nowait(message)

    def drop(self) -> None:
        """Close with "service restart": the kiosk or console reconnects and rejoins its call elsewhere."""
        asyncio.get_running_loop().create_task(self.close(CLOSE_RESTART))

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


def _running(websocket: WebSocket) -> tuple[Services, Calls]:
    state = running(websocket.app)
    assert state.calls is not None, "install_calls registers the call WebSockets only with their queue"
    return state.services, state.calls


def install_calls(app: FastAPI, services: Services) -> Calls:
    """Create the call queue for this app (shared through PostgreSQL, or in memory on SQLite) and register the
    call WebSockets."""
    ice = IceConfig.from_settings(services.settings, now=time.time)
    parts = QueueParts(ice.servers_for, time.time, services.clock, services.settings.call_rejoin_grace_seconds,
                       ice.relay_only)  # fmt: skip
    state = running(app)
    calls: Calls
    if services.db.is_sqlite:
        writer = CallEventWriter(services)
        calls = LocalCalls(writer.record, parts)
        state.call_events = writer
    else:  # each operation stores its usage events in its own transaction
        calls = SharedCalls(services.db, services.usage.store_in, parts)
    state.calls = calls
    app.include_router(router)
    return calls


async def close_calls(app: FastAPI) -> None:
    """At shutdown: end (one process) or hand over (shared) every call, and store the last usage events."""
    state = running(app)
    if state.calls is not None:
        await state.calls.close()
    if state.call_events is not None:
        await state.call_events.drain()


async def _run(calls: Calls, peer: SocketPeer, operation: Operation) -> None:
    try:
        await calls.run(operation)
    except Exception as error:  # the database may be away for a moment: this message is lost, not the socket
        log.warning("a call operation failed: %s", type(error).__name__)
        peer.send(Error("unavailable", "the call service could not take this message; try again"))


# ----- kiosk --------------------------------------------------------------------------------------------------
@router.websocket(KIOSK_CALL_PATH)
async def kiosk_socket(websocket: WebSocket) -> None:
    services, calls = _running(websocket)
    token = _bearer(websocket.headers.get("authorization", ""))
    identity = await run_in_threadpool(services.kiosks.authenticate, token) if token else None
    await websocket.accept()  # then close with a code: a refused handshake would only say "403" (or 1006)
    if identity is None:
        await websocket.close(CLOSE_UNAUTHORISED)
        return
    await calls.ready()
    peer = SocketPeer(websocket)
    peer_id = calls.attach(peer)
    try:
        async for text in websocket.iter_text():
            message = _decoded(text, peer)
            if message is not None:
                await _from_kiosk(calls, services, identity, peer, peer_id, message)
    except WebSocketDisconnect:
        pass
    finally:
        calls.detach(peer_id)
        await _run(calls, peer, lambda queue: queue.kiosk_left(peer_id))
        await peer.close()


async def _from_kiosk(
    calls: Calls, services: Services, kiosk: KioskIdentity, peer: SocketPeer, peer_id: PeerId, message: Message
) -> None:
    operation: Operation
    if isinstance(message, CallRequest):
        if not is_supported(message.language) or (message.service and message.service not in services.catalog):
            peer.send(Error("bad_request", "unknown language or service"))
            return
        operation = functools.partial(CallQueue.request, kiosk=kiosk, peer=peer_id, request=message)
    elif isinstance(message, Rejoin):
        operation = functools.partial(CallQueue.kiosk_rejoined, kiosk=kiosk, peer=peer_id, call_id=message.call_id)
    elif isinstance(message, Connected):
        operation = functools.partial(CallQueue.connected, peer=peer_id, call_id=message.call_id)
    elif isinstance(message, Hangup):
        operation = functools.partial(CallQueue.hangup, sender=peer_id, call_id=message.call_id, reason=message.reason)
    elif message.type in RELAYED and message.type != "answer":
        operation = functools.partial(CallQueue.relay, sender=peer_id, message=message)
    else:
        peer.send(Error("not_allowed", f"a kiosk does not send {message.type}"))
        return
    await _run(calls, peer, operation)


# ----- officer ------------------------------------------------------------------------------------------------
@router.websocket(CONSOLE_CALL_PATH)
async def console_socket(websocket: WebSocket) -> None:
    services, calls = _running(websocket)
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
    await calls.ready()
    peer = SocketPeer(websocket)
    peer_id = calls.attach(peer)
    line = OfficerLine(user.id, peer_id)
    await _run(calls, peer, lambda queue: queue.officer_joined(line))
    watch = asyncio.create_task(_watch_session(websocket, services, token))
    try:
        async for text in websocket.iter_text():
            message = _decoded(text, peer)
            if message is not None:
                await _from_officer(calls, peer, peer_id, message)
    except WebSocketDisconnect:
        pass
    finally:
        watch.cancel()
        calls.detach(peer_id)
        await _run(calls, peer, lambda queue: queue.officer_left(peer_id))
        await peer.close()


async def _from_officer(calls: Calls, peer: SocketPeer, peer_id: PeerId, message: Message) -> None:
    operation: Operation
    if isinstance(message, Accept):
        operation = functools.partial(CallQueue.accept, peer=peer_id, call_id=message.call_id)
    elif isinstance(message, Rejoin):
        operation = functools.partial(CallQueue.officer_rejoined, peer=peer_id, call_id=message.call_id)
    elif isinstance(message, Hangup):
        operation = functools.partial(CallQueue.hangup, sender=peer_id, call_id=message.call_id, reason=message.reason)
    elif message.type in RELAYED and message.type != "offer":
        operation = functools.partial(CallQueue.relay, sender=peer_id, message=message)
    else:
        if message.type not in OFFICER_SENDS or message.type == "hello":
            peer.send(Error("not_allowed", f"a console does not send {message.type} now"))
        return
    await _run(calls, peer, operation)


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
