"""How the simulated load's HTTP requests are sent and recorded: latency inside the measured window, errors over
the whole run.

Each kiosk (Kiosk) keeps one keep-alive connection and sends one request at a time, as its sender does; those
requests go through a few lines of asyncio rather than httpx, which cost about 2 ms of CPU per request here (half of
what the worker spends on a heartbeat, on the same two cores). The officers' requests go through httpx (http).
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from typing import Any

import httpx


class Recorder:
    def __init__(self) -> None:
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.examples: dict[str, str] = {}
        self.window = (float("inf"), float("inf"))

    def ok(self, kind: str, started: float, ended: float) -> None:
        if self.window[0] <= ended <= self.window[1]:
            self.latencies[kind].append((ended - started) * 1000)

    def error(self, kind: str, what: str) -> None:
        self.errors[kind] += 1
        self.examples.setdefault(kind, what)


async def http(recorder: Recorder, kind: str, client: httpx.AsyncClient, method: str, path: str, expected: int,
               **options: Any) -> httpx.Response | None:  # fmt: skip
    started = time.perf_counter()
    try:
        response = await client.request(method, path, **options)
    except httpx.HTTPError as failure:
        recorder.error(kind, f"{type(failure).__name__} {failure}")
        return None
    if response.status_code != expected:
        recorder.error(kind, f"HTTP {response.status_code} {response.text[:200]}")
        return None
    recorder.ok(kind, started, time.perf_counter())
    return response


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else float("nan")


class Kiosk:
    """A kiosk's one keep-alive connection, one request at a time as the kiosk's sender makes them, with the
    headers HttpxBackendClient sends. A few lines of asyncio rather than httpx: httpx costs about 2 ms of CPU per
    request, as much as half of what the worker spends on a heartbeat, and this process shares the two cores."""

    def __init__(self, token: str, url: str) -> None:
        self.token, self.url = token, url
        self.port = int(url.rsplit(":", 1)[1])
        self.in_call = False
        self.head = (f"Host: 127.0.0.1:{self.port}\r\nAuthorization: Bearer {token}\r\nAccept: application/json\r\n"
                     "Content-Type: application/json\r\n").encode()  # fmt: skip
        self.lock = asyncio.Lock()
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def post(self, recorder: Recorder, kind: str, path: str, body: bytes, expected: int) -> None:
        request = (f"POST {path} HTTP/1.1\r\n".encode() + self.head + f"Content-Length: {len(body)}\r\n\r\n".encode()
                   + body)  # fmt: skip
        async with self.lock:
            started = time.perf_counter()
            try:
                status = await self._exchange(request)
            except (OSError, asyncio.IncompleteReadError, ValueError, IndexError) as failure:
                self.close()
                recorder.error(kind, f"{type(failure).__name__} {failure}")
                return
            except BaseException:  # cancelled half-way: the connection is in no state to be used again
                self.close()
                raise
            if status != expected:
                recorder.error(kind, f"HTTP {status}")
                return
            recorder.ok(kind, started, time.perf_counter())

    async def _exchange(self, request: bytes) -> int:
        reused = self.streams is not None
        if self.streams is None:
            self.streams = await asyncio.open_connection("127.0.0.1", self.port)
        reader, writer = self.streams
        try:
            writer.write(request)
            first = await reader.readline()
        except (ConnectionResetError, BrokenPipeError):
            if not reused:
                raise
            first = b""
        if not first and reused:  # uvicorn closes a connection idle for 5 s; one that crossed our request: again
            self.close()
            return await self._exchange(request)
        status = int(first.split(b" ", 2)[1])
        length, close = 0, False
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            if name.lower() == b"content-length":
                length = int(value)
            elif name.lower() == b"connection" and value.strip().lower() == b"close":
                close = True
            elif name.lower() == b"transfer-encoding":
                raise ValueError("chunked answer")
        await reader.readexactly(length)
        if close:
            self.close()
        return status

    def close(self) -> None:
        if self.streams is not None:
            self.streams[1].close()
            self.streams = None
