"""WebsocketSignalling: the kiosk's call signalling over a WebSocket to the backend, with its bearer token."""

from __future__ import annotations

import contextlib
import logging

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

from domain.call import KIOSK_CALL_PATH, Message, ProtocolError, decode
from kiosk.call.ports import SignallingClosed
from kiosk.tls import backend_ssl_context

log = logging.getLogger(__name__)


def call_url(backend_url: str) -> str:
    """http(s)://host[:port][/prefix] -> ws(s)://host[:port][/prefix]/api/kiosk/call"""
    base = backend_url.rstrip("/")
    if base.startswith("https://"):
        return "wss://" + base.removeprefix("https://") + KIOSK_CALL_PATH
    if base.startswith("http://"):
        return "ws://" + base.removeprefix("http://") + KIOSK_CALL_PATH
    raise ValueError("backend_url must start with http:// or https://")


class WebsocketSignalling:
    def __init__(self, socket: ClientConnection) -> None:
        self._socket = socket

    @classmethod
    async def open(cls, backend_url: str, token: str, timeout: float = 10.0, ca_file: str = "") -> WebsocketSignalling:
        """`ca_file`: trust only the CA(s) in this PEM file for a wss:// backend (Settings.backend_ca_file)."""
        url = call_url(backend_url)
        try:
            socket = await connect(
                url,
                ssl=backend_ssl_context(ca_file) if url.startswith("wss://") else None,
                additional_headers={"Authorization": f"Bearer {token}"},
                open_timeout=timeout,
                ping_interval=10,
                ping_timeout=20,
                max_size=256 * 1024,
            )
        except (OSError, InvalidHandshake, InvalidURI, TimeoutError) as error:
            raise SignallingClosed(f"cannot reach the call service ({type(error).__name__})") from None
        return cls(socket)

    async def send(self, message: Message) -> None:
        try:
            await self._socket.send(message.to_json())
        except ConnectionClosed:
            raise SignallingClosed("the call service closed the connection") from None

    async def receive(self) -> Message:
        while True:
            try:
                text = await self._socket.recv()
            except ConnectionClosed as closed:
                code = closed.rcvd.code if closed.rcvd else None
                raise SignallingClosed(f"the call service closed the connection ({code})") from None
            try:
                return decode(text)
            except ProtocolError as error:
                log.warning("ignored a signalling message: %s", error)

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self._socket.close()
