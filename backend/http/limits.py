"""Request body size limit as plain ASGI middleware: answers 413 before the application reads a byte too many.

One limit for every request (max_bytes), and an `Allowance` of its own for the few that carry more (the still of
an identity document: routes/cases.py). nginx in front says the same (deploy/nginx/politieloket.conf).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send


@dataclass(frozen=True)
class Allowance:
    """Another body limit for the requests of one method whose path matches `path` whole."""

    method: str
    path: re.Pattern[str]
    max_bytes: int


class BodySizeLimit:
    def __init__(self, app: ASGIApp, max_bytes: int, allowances: tuple[Allowance, ...] = ()) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.allowances = allowances

    def limit(self, scope: Scope) -> int:
        for allowance in self.allowances:
            if scope.get("method") == allowance.method and allowance.path.fullmatch(scope.get("path", "")):
                return allowance.max_bytes
        return self.max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit(scope)
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await self._refuse(send, limit)
            return
        # Bodies here are small (a sealed case is < 1 MB, a photo at most a few): read it whole, counting, then
        # replay it.
        chunks: list[bytes] = []
        received = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            received += len(chunk)
            if received > limit:
                await self._refuse(send, limit)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        await self.app(scope, _replay(b"".join(chunks), receive), send)

    @staticmethod
    async def _refuse(send: Send, limit: int) -> None:
        body = json.dumps({"error": "too_large", "detail": f"the request body is larger than {limit} bytes"}).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            message: dict[str, Any] = {"type": "http.request", "body": body, "more_body": False}
            return message
        return await receive()  # after the body: wait for the disconnect like the real channel would

    return replay
